"""The prompt playground's services: resolution as a job gets it (no job, nothing enqueued), its validation, the
rewrite's and the chat's refusals and waits (Redis down, no worker, timeout), the chat's system prompt, history
and prompt log. The rewrite and chat on a real worker are in tests/workers/test_playground.py."""

import django_rq
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rq import Worker

from generations import playground_chat
from generations.models import Job
from generations.playground import NO_WORKER, PlaygroundTimeout, playground_resolve, playground_rewrite
from generations.playground_chat import chat_history, chat_history_append, playground_chat_log, playground_chat_turn
from generations.prompting import rewrite_system_prompt
from generations.services import job_submit
from gpu.stages import _resolve
from ourvidz_admin.middleware import UNAVAILABLE
from ourvidz_admin.queues import QueueUnavailable
from prompts.cache import PROMPT_CACHE
from prompts.models import PromptLog
from prompts.resolution import compose
from tests.factories import (
    BlockedTermFactory,
    CharacterFactory,
    EnhancedModelConfigFactory,
    ModelBackendFactory,
    ModelParametersFactory,
    PromptRuleFactory,
    PromptTagFactory,
    PromptTemplateFactory,
    PromptVersionFactory,
)
from tests.generations.test_queue_outage import SwitchableRedis, outage  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    """Templates, tagged rules, a character and parameter rows of SDXL text-to-image."""
    portrait, lighting = PromptTagFactory(name="portrait"), PromptTagFactory(name="lighting")
    system = PromptTemplateFactory(name="SDXL system", content="{style} photograph", is_active=True)
    negative = PromptTemplateFactory(name="SDXL negative", template_type="negative", content="blurry",
                                     is_active=True)
    rewrite = PromptTemplateFactory(name="Rewrite for SDXL", template_type="rewrite", is_active=True,
                                    content="Rewrite as one vivid SDXL prompt in a {style} style.")
    lens = PromptRuleFactory(name="Portrait lens", content="85mm lens", priority=30, model_family="sdxl",
                             weight_group="detail")
    lens.tags.add(portrait)
    light = PromptRuleFactory(name="Soft light", content="soft key light", priority=10)
    light.tags.add(lighting)
    studio = PromptRuleFactory(name="Studio", rule_type="prepend", content="studio photo,", priority=5)
    PromptRuleFactory(name="Product only", content="seamless backdrop", priority=1).tags.add(
        PromptTagFactory(name="product"))
    ava = CharacterFactory(name="Ava", slug="ava", base_prompt="auburn braid", negative_prompt="different face",
                           defaults={"guidance_scale": 6.5})
    ava.tags.add(portrait)
    ModelParametersFactory(model_family="sdxl", user_tier="", num_inference_steps=25)
    ModelParametersFactory(model_family="sdxl", user_tier="", character=ava, num_inference_steps=30,
                           guidance_scale=None)
    for family in ("qwen", "sdxl", "wan"):
        ModelBackendFactory(family=family, path=f"/models/{family}")
    return {"system": system, "negative": negative, "rewrite": rewrite, "lens": lens, "light": light,
            "studio": studio, "ava": ava}


INPUTS = dict(prompt="a lighthouse keeper at dusk", model_type="SDXL", strategy="qwen", tags=["lighting"],
              content_mode="sfw", variables={"style": "documentary"}, seed=7)


def test_preview_is_what_the_worker_resolves_for_the_same_submitted_job(library):
    preview = playground_resolve(character=library["ava"], **INPUTS)
    job = job_submit(character=library["ava"], **INPUTS)  # the same inputs, through the job path
    PROMPT_CACHE.invalidate()
    resolved = _resolve(PROMPT_CACHE.get(), job)  # what gpu.stages resolves for the job

    assert preview.system_prompt == resolved.system_prompt == "documentary photograph"
    assert preview.negative_prompt == resolved.negative_prompt == "blurry, different face"
    assert preview.final_prompt == compose(resolved, job.original_prompt) == (
        "documentary photograph, studio photo, auburn braid, a lighthouse keeper at dusk, soft key light, 85mm lens")
    assert preview.rewrite_instruction == rewrite_system_prompt(job, resolved) == (
        "Rewrite as one vivid SDXL prompt in a documentary style.")
    assert preview.lineage == resolved.lineage
    assert preview.parameters == resolved.parameters == {"num_inference_steps": 30, "guidance_scale": 6.5}
    assert [rule["name"] for rule in preview.rules] == ["Studio", "Soft light", "Portrait lens"]
    assert [rule["id"] for rule in preview.rules] == [str(library[k].pk) for k in ("studio", "light", "lens")]
    assert preview.lineage["rule_ids"] == [str(library[k].pk) for k in ("studio", "light", "lens")]
    system = preview.lineage["templates"]["system"]
    assert (system["id"], system["name"], system["version"]) == (str(library["system"].pk), "SDXL system",
                                                                 library["system"].version)
    assert (preview.job_type, preview.strategy, preview.seed, preview.warnings) == ("text_to_image", "qwen", 7, [])


def test_preview_writes_nothing_and_enqueues_nothing(library, django_capture_on_commit_callbacks):
    queue = django_rq.get_queue("enhance")
    before = queue.count

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
        preview = playground_resolve(character=library["ava"], **INPUTS)

    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(
        ("INSERT", "UPDATE", "DELETE"))]
    assert preview.final_prompt and Job.objects.count() == 0
    assert (writes, callbacks, queue.count) == ([], [], before)


def test_compel_weights_the_rules_of_their_group_and_an_inactive_version_is_previewed(library):
    EnhancedModelConfigFactory(model_type="SDXL", is_active=True, compel_detail_weight=1.3, enable_compel=True)
    draft = PromptTemplateFactory(name="SDXL system", content="{style} film still", is_active=False, version=99)

    preview = playground_resolve(**{**INPUTS, "strategy": "compel", "tags": ["portrait"]}, template=draft)

    assert preview.final_prompt == "documentary film still, studio photo, a lighthouse keeper at dusk, (85mm lens)1.3"
    assert [rule["weight"] for rule in preview.rules] == [None, 1.3]
    assert preview.lineage["templates"]["system"]["version"] == 99
    assert preview.warnings == ["Template “SDXL system v99” is not active: a job can use it once it is activated."]
    assert (preview.rewrite_applies, preview.rewrite_instruction) == (False, "")


def test_a_prompt_version_fills_the_prompt_and_gives_the_rewrite_its_system_prompt(library):
    version = PromptVersionFactory(user_prompt="portrait of {subject}, {style}",
                                   system_prompt="Be brief about {style}.")

    preview = playground_resolve(**{**INPUTS, "prompt": "a keeper"}, prompt_version=version)

    assert preview.prompt == "portrait of a keeper, documentary"
    assert preview.rewrite_instruction == "Be brief about documentary."


@pytest.mark.parametrize("change, field, message", [
    ({"model_type": "FLUX"}, "model_type", "Unknown model_type 'FLUX'"),
    ({"job_type": "text_to_video"}, "job_type", "SDXL runs text_to_image or image_to_image, not 'text_to_video'."),
    ({"variables": {}}, "variables", "Template 'SDXL system' needs the variable style"),
    ({"prompt": "  "}, "prompt", "The prompt cannot be empty."),
    ({"prompt": "a forbidden1 keeper"}, "prompt", "The prompt contains “forbidden1”"),
    ({"model_type": "WAN", "strategy": "compel"}, "strategy", "Compel weighting is SDXL-only"),
    ({"strategy": "compel", "prompt": "(red hat"}, "prompt", "Malformed Compel expression"),
    ({"content_mode": "adult"}, "content_mode", "content_mode must be 'sfw' or 'nsfw'."),
    ({"tier": "gold"}, "tier", "Unknown tier 'gold'"),
])
def test_preview_refuses_what_a_submission_refuses_naming_the_field(library, change, field, message):
    BlockedTermFactory(term="forbidden1")

    with pytest.raises(ValidationError) as raised:
        playground_resolve(**{**INPUTS, **change})

    assert list(raised.value.message_dict) == [field]
    assert raised.value.message_dict[field][0].startswith(message)


def test_a_template_of_another_model_is_refused_and_a_blocked_final_prompt_is_a_warning(library):
    BlockedTermFactory(term="braid")
    wan = PromptTemplateFactory(model_family="wan", use_case="text_to_video", name="WAN system", version=3)

    with pytest.raises(ValidationError) as raised:
        playground_resolve(**INPUTS, template=wan)
    preview = playground_resolve(**INPUTS, character=library["ava"])

    assert raised.value.message_dict == {"template": ["WAN system v3 is a wan template, not sdxl."]}
    assert preview.warnings == ["The final prompt contains “braid”, which the content policy blocks for SFW jobs: "
                                "a job would fail as content_filter."]


def test_rewrite_needs_a_qwen_model(library):
    ModelBackendFactory(family="qwen").delete()
    preview = playground_resolve(**INPUTS)

    with pytest.raises(ValidationError) as raised:
        playground_rewrite(preview)

    assert list(raised.value.message_dict) == ["rewrite"]


def test_rewrite_with_redis_down_or_no_worker_is_the_queue_unavailable_message(library, outage):  # noqa: F811
    preview = playground_resolve(**INPUTS)

    outage.down()
    with pytest.raises(QueueUnavailable) as down:
        playground_rewrite(preview, wait_s=1)
    outage.up()
    with pytest.raises(QueueUnavailable) as no_worker:
        playground_rewrite(preview, wait_s=1)

    assert (str(down.value), str(no_worker.value)) == (UNAVAILABLE, NO_WORKER)
    assert outage.queued_ids("enhance") == []


def test_a_killed_workers_registration_does_not_count_as_a_listening_worker(library, outage):  # noqa: F811
    dead = Worker(["enhance"], connection=outage.live, name="killed-enhance-worker")
    dead.register_birth()  # registered, but nothing subscribed to its commands: the process is gone

    with pytest.raises(QueueUnavailable, match="No worker is listening"):
        playground_rewrite(playground_resolve(**INPUTS), wait_s=1)

    assert outage.queued_ids("enhance") == []


def test_rewrite_that_no_worker_takes_in_time_times_out_and_leaves_the_queue(library, outage):  # noqa: F811
    idle = Worker(["enhance"], connection=outage.live, name="idle-enhance-worker")
    idle.register_birth()
    listening = outage.live.pubsub()
    listening.subscribe(idle.pubsub_channel_name)  # alive: its command channel has a subscriber
    try:
        with pytest.raises(PlaygroundTimeout, match="did not answer within 1 s"):
            playground_rewrite(playground_resolve(**INPUTS), wait_s=1)
    finally:
        listening.close()
        idle.register_death()

    assert outage.queued_ids("enhance") == []
    assert Job.objects.count() == 0


# --- chat ---------------------------------------------------------------------------------------------------

@pytest.fixture
def chat_library(library):
    template = PromptTemplateFactory(name="Storybuilder", model_family="qwen_instruct", use_case="chat",
                                     template_type="chat", content="Co-write a {genre} story with {character}.",
                                     is_active=True)
    return {**library, "chat": template}


@pytest.mark.parametrize("change, field", [
    ({"mode": "poetry"}, "use_case"),
    ({"mode": "roleplay", "character": None}, "character"),
    ({"message": " "}, "message"),
    ({"message": "say forbidden2"}, "message"),
    ({"variables": {}}, "variables"),
    ({"content_mode": "adult"}, "content_mode"),
])
def test_chat_refuses_bad_turns_naming_the_field(chat_library, change, field):
    BlockedTermFactory(term="forbidden2")
    kwargs = dict(message="hello", mode="storybuilder", character=chat_library["ava"],
                  variables={"genre": "sea"}, template=chat_library["chat"])

    with pytest.raises(ValidationError) as raised:
        playground_chat_turn(**{**kwargs, **change})

    assert list(raised.value.message_dict) == [field]


def test_chat_refuses_a_diffusion_template_and_an_unknown_conversation(chat_library, outage):  # noqa: F811
    import uuid

    with pytest.raises(ValidationError) as wrong_template:
        playground_chat_turn(message="hi", template=chat_library["system"])
    with pytest.raises(ValidationError) as unknown:
        playground_chat_turn(message="hi", conversation_id=uuid.uuid4(), variables={"genre": "sea", "character": "x"})
    outage.down()
    with pytest.raises(QueueUnavailable, match="The job queue is unavailable"):
        playground_chat_turn(message="hi", variables={"genre": "sea", "character": "x"})

    assert list(wrong_template.value.message_dict) == ["template"]
    assert list(unknown.value.message_dict) == ["conversation_id"]


def test_chat_system_prompt_is_the_template_then_the_persona(chat_library):
    ava = chat_library["ava"]
    ava.description = "Keeps the light at Hook Head."

    text = playground_chat.chat_system_prompt(chat_library["chat"].content, ava, {"genre": "sea"})
    bare = playground_chat.chat_system_prompt("", None, {})

    assert text == ("Co-write a sea story with Ava.\n\nYou are Ava. Keeps the light at Hook Head. "
                    "Appearance: auburn braid.")
    assert bare == playground_chat.DEFAULT_SYSTEM


def test_chat_history_keeps_the_last_twenty_turns(outage):  # noqa: F811
    for turn in range(1, 24):
        chat_history_append(conversation_id="c1", turn=turn, message=f"m{turn}", reply=f"r{turn}")

    history = chat_history("c1")

    assert [item["turn"] for item in history] == list(range(4, 24))
    assert history[-1] == {"turn": 23, "user": "m23", "assistant": "r23"}
    assert 0 < outage.live.ttl(playground_chat.HISTORY_KEY.format(conversation_id="c1")) <= 24 * 3600


def test_a_chat_turn_is_logged_as_a_prompt_log_without_a_job(chat_library):
    payload = {"conversation_id": "c2", "turn": 2, "mode": "roleplay", "use_case": "chat",
               "system_prompt": "You are Ava.", "message": "hello", "history": [{}, {}],
               "template_id": str(chat_library["chat"].pk), "template_version": chat_library["chat"].version,
               "character_id": str(chat_library["ava"].pk), "user_id": None}

    log = playground_chat_log(payload=payload, reply="hi there", input_tokens=12, output_tokens=4, model_ms=9,
                              flags={"model": "/models/qwen"})

    stored = PromptLog.objects.get()
    assert stored == log and stored.job_id is None
    assert (stored.model_family, stored.use_case, stored.template, stored.character) == (
        "qwen_instruct", "chat", chat_library["chat"], chat_library["ava"])
    assert (stored.input_prompt, stored.output_prompt, stored.tokens_in, stored.tokens_out,
            stored.response_time_ms) == ("hello", "hi there", 12, 4, 9)
    assert stored.flags == {"playground": True, "mode": "roleplay", "conversation_id": "c2", "turn": 2,
                            "history_turns": 1, "system_prompt": "You are Ava.", "user_id": None,
                            "model": "/models/qwen"}
