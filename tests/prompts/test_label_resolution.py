"""Jobs resolve the production label of a template family, else its active row; the workers' cache follows moves."""

import pytest

from generations.prompting import prompt_request
from generations.queueing import connection
from prompts.cache import PROMPT_CACHE, REFRESH_CHANNEL
from prompts.labels import label_move, label_rollback
from prompts.resolution import PromptRequest, get_prompt, resolve, version_label_target
from prompts.snapshot import LabelEntry, PromptSnapshot, TemplateEntry, load_snapshot
from tests.factories import JobFactory, PromptFactory, PromptTemplateFactory, PromptVersionFactory

FAMILY = "sdxl:text_to_image:system:any"


def _entry(version, active, content=None, mode="any"):
    return TemplateEntry(f"t{version}-{mode}", "system", "sdxl", "text_to_image", "system", mode,
                         content or f"v{version}", version, active)


SNAPSHOT = PromptSnapshot(
    templates=(_entry(1, True), _entry(2, False), _entry(3, False), _entry(1, True, "sfw only", mode="sfw")),
    rules=(), parameters=(), characters=(),
    labels=(LabelEntry("template", FAMILY, "production", "t2-any"),
            LabelEntry("template", FAMILY, "staging", "t3-any")),
)


def test_the_production_label_beats_the_active_row_and_higher_versions():
    assert get_prompt(SNAPSHOT, "sdxl", "system", use_case="text_to_image", content_mode="nsfw").id == "t2-any"


def test_another_label_can_be_previewed_and_a_family_without_the_label_uses_its_active_row():
    assert get_prompt(SNAPSHOT, "sdxl", "system", content_mode="nsfw", label="staging").id == "t3-any"
    assert get_prompt(SNAPSHOT, "sdxl", "system", content_mode="nsfw", label="canary").id == "t1-any"
    assert get_prompt(SNAPSHOT, "sdxl", "system", content_mode="sfw").id == "t1-sfw"  # its own family, no label


def test_the_lineage_records_the_label_that_chose_each_template():
    by_label = resolve(SNAPSHOT, PromptRequest("sdxl", "text_to_image", content_mode="nsfw"))
    by_flag = resolve(SNAPSHOT, PromptRequest("sdxl", "text_to_image", content_mode="sfw"))
    picked = resolve(SNAPSHOT, PromptRequest("sdxl", "text_to_image", content_mode="nsfw", template_ids=("t3-any",)))

    assert by_label.lineage["templates"]["system"] == {"id": "t2-any", "name": "system", "version": 2,
                                                       "label": "production"}
    assert by_flag.lineage["templates"]["system"]["label"] is None
    assert picked.lineage["templates"]["system"] == {"id": "t3-any", "name": "system", "version": 3, "label": None}


def test_workers_find_the_labelled_version_of_a_library_prompt_in_the_snapshot():
    snapshot = PromptSnapshot((), (), (), (), labels=(LabelEntry("version", "p-1", "production", "v-2"),))

    assert version_label_target(snapshot, "p-1") == "v-2"
    assert version_label_target(snapshot, "p-1", "staging") is None and version_label_target(snapshot, "p-9") is None


def test_a_snapshot_round_trips_its_labels_and_the_fallback_file_has_none():
    from prompts.cache import load_fallback

    copy = PromptSnapshot.from_dict(SNAPSHOT.to_dict(), source="fallback")

    assert copy.labels == SNAPSHOT.labels and copy.templates == SNAPSHOT.templates
    assert load_fallback().labels == ()


@pytest.mark.django_db
def test_the_snapshot_holds_labelled_templates_even_when_inactive_and_every_label():
    active = PromptTemplateFactory(version=1, is_active=True)
    labelled = PromptTemplateFactory(version=2, is_active=False)
    PromptTemplateFactory(version=3, is_active=False)
    version = PromptVersionFactory(prompt=PromptFactory())
    label_move(target=labelled, name="production")
    label_move(target=version, name="staging")

    snapshot = load_snapshot()

    assert [(t.id, t.is_active) for t in snapshot.templates] == [(str(labelled.pk), False), (str(active.pk), True)]
    assert snapshot.labels == (
        LabelEntry("template", FAMILY, "production", str(labelled.pk)),
        LabelEntry("version", str(version.prompt_id), "staging", str(version.pk)),
    )


@pytest.mark.django_db(transaction=True)
def test_moving_production_changes_what_the_next_job_resolves_and_rollback_restores_it():
    """Through the workers' process cache (``PROMPT_CACHE``, as gpu/stages.py reads it) and the refresh broadcast."""
    v1 = PromptTemplateFactory(version=1, is_active=True, content="style one")
    v2 = PromptTemplateFactory(version=2, is_active=False, content="style two")
    job = JobFactory()
    pubsub = connection().pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(REFRESH_CHANNEL)
    pubsub.get_message(timeout=1)

    def next_job_resolves():
        resolved = resolve(PROMPT_CACHE.get(), prompt_request(job))
        return resolved.system_prompt, resolved.lineage["templates"]["system"]["label"]

    before = next_job_resolves()
    label_move(target=v2, name="production", reason="sharper")
    moved = next_job_resolves()
    moved_broadcast = pubsub.get_message(timeout=5)
    label_rollback(kind="template", family=FAMILY, name="production")
    rolled_back = next_job_resolves()
    rollback_broadcast = pubsub.get_message(timeout=5)

    assert before == ("style one", None)
    assert moved == ("style two", "production")
    assert rolled_back == ("style one", "production")  # the label now points at v1
    assert moved_broadcast["channel"].decode() == REFRESH_CHANNEL
    assert rollback_broadcast["channel"].decode() == REFRESH_CHANNEL
    assert v1.pk != v2.pk


@pytest.mark.django_db
def test_the_cache_is_refreshed_only_once_the_move_commits(django_capture_on_commit_callbacks):
    v1 = PromptTemplateFactory(version=1, is_active=True)
    PROMPT_CACHE.get()
    invalidations = PROMPT_CACHE.invalidations

    with django_capture_on_commit_callbacks() as callbacks:
        label_move(target=v1, name="staging")

    assert len(callbacks) == 1 and PROMPT_CACHE.invalidations == invalidations  # only once committed
