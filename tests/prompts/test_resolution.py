"""Dynamic prompt resolution: templates, rules by tag/mode/priority, characters, parameter layers, cache."""

import pytest
from django.db import DatabaseError

from prompts.cache import PromptCache, broadcast_refresh, load_fallback
from prompts.resolution import PromptRequest, compose, get_prompt, resolve
from prompts.snapshot import CharacterEntry, ParameterEntry, PromptSnapshot, RuleEntry, TemplateEntry, load_snapshot
from tests.factories import (
    CharacterFactory,
    ModelParametersFactory,
    PromptRuleFactory,
    PromptTagFactory,
    PromptTemplateFactory,
)


def _template(kind, content, mode="any", use_case="text_to_image", version=1, family="sdxl"):
    return TemplateEntry(f"{kind}-{mode}-{version}", kind, family, use_case, kind, mode, content, version)


def _rule(rule_id, kind, content, priority, tags=(), mode="any", family="", group=""):
    return RuleEntry(rule_id, rule_id, kind, content, family, mode, priority, group, tuple(tags))


SNAPSHOT = PromptSnapshot(
    templates=(
        _template("system", "masterpiece"),
        _template("negative", "blurry"),
        _template("negative", "blurry, nudity", mode="sfw", version=2),
        _template("rewrite", "Rewrite for SDXL."),
        _template("system", "wan preamble", family="wan", use_case="text_to_video"),
    ),
    rules=(
        _rule("r-late", "append", "film grain", 50, group="style"),
        _rule("r-early", "append", "85mm lens", 10, tags=("portrait",), group="detail"),
        _rule("r-pre", "prepend", "studio photo", 5, tags=("product",)),
        _rule("r-nsfw", "append", "adult rule", 1, mode="nsfw"),
        _rule("r-wan", "append", "steady camera", 1, family="wan"),
    ),
    parameters=(
        ParameterEntry("p-default", "sdxl", "", None, {"guidance_scale": 7.5, "num_inference_steps": 25}),
        ParameterEntry("p-pro", "sdxl", "pro", None, {"num_inference_steps": 40}),
        ParameterEntry("p-ava", "sdxl", "", "c-ava", {"guidance_scale": 6.0}),
    ),
    characters=(
        CharacterEntry("c-ava", "ava", "Ava", "auburn braid", "different face", "any",
                       {"num_inference_steps": 30, "guidance_scale": 6.5}, ({"name": "grain", "weight": 0.7},),
                       ("product",)),
    ),
)


def test_get_prompt_prefers_exact_mode_then_version():
    assert get_prompt(SNAPSHOT, "sdxl", "negative", content_mode="sfw").content == "blurry, nudity"
    assert get_prompt(SNAPSHOT, "sdxl", "negative", content_mode="nsfw").content == "blurry"
    assert get_prompt(SNAPSHOT, "qwen_instruct", "chat") is None


def test_rules_filtered_by_tags_mode_family_and_ordered_by_priority():
    resolved = resolve(SNAPSHOT, PromptRequest("sdxl", "text_to_image", tags=frozenset({"portrait"})))

    assert [r.id for r in resolved.append] == ["r-early", "r-late"]
    assert resolved.prepend == []
    assert resolved.lineage["rule_ids"] == ["r-early", "r-late"]


def test_nsfw_mode_adds_nsfw_rules():
    resolved = resolve(SNAPSHOT, PromptRequest("sdxl", "text_to_image", content_mode="nsfw"))

    assert [r.id for r in resolved.append] == ["r-nsfw", "r-late"]


def test_character_adds_base_prompt_tags_negative_and_parameter_layers():
    request = PromptRequest("sdxl", "text_to_image", character_id="c-ava", user_tier="pro")

    resolved = resolve(SNAPSHOT, request)

    assert [r.id for r in resolved.prepend] == ["r-pre"]  # the character's "product" tag
    assert resolved.negative_prompt == "blurry, nudity, different face"
    # default 7.5/25 -> pro tier 40 steps -> character defaults 30 steps, 6.5 -> character row 6.0
    assert resolved.parameters == {"guidance_scale": 6.0, "num_inference_steps": 30}
    assert resolved.lineage["parameter_rows"] == ["p-default", "p-pro", "p-ava"]
    assert resolved.lineage["character"] == "ava"


def test_compose_orders_parts_and_weights_rules_by_group():
    resolved = resolve(SNAPSHOT, PromptRequest("sdxl", "text_to_image", tags=frozenset({"portrait", "product"})))

    plain = compose(resolved, "(red hat)1.3, sunset++")
    weighted = compose(resolved, "(red hat)1.3, sunset++", {"detail": 1.5, "style": 1.0, "quality": 1.2})

    assert plain == "masterpiece, studio photo, (red hat)1.3, sunset++, 85mm lens, film grain"
    assert weighted == "masterpiece, studio photo, (red hat)1.3, sunset++, (85mm lens)1.5, film grain"


def test_fallback_file_is_a_valid_snapshot():
    fallback = load_fallback()

    assert fallback.source == "fallback"
    assert get_prompt(fallback, "sdxl", "rewrite").content.startswith("You rewrite short image requests")
    assert get_prompt(fallback, "wan", "negative") is not None


def test_cache_serves_fallback_when_database_is_unreachable_then_recovers():
    calls = {"n": 0}

    def flaky_loader():
        calls["n"] += 1
        if calls["n"] == 1:
            raise DatabaseError("connection refused")
        return SNAPSHOT

    cache = PromptCache(loader=flaky_loader, ttl_s=60)

    assert cache.get().source == "fallback"
    cache.invalidate()
    assert cache.get() is SNAPSHOT
    assert cache.get() is SNAPSHOT and calls["n"] == 2  # within the TTL: no reload


def test_cache_keeps_stale_snapshot_when_database_fails_later():
    results = iter([SNAPSHOT, DatabaseError("gone")])

    def loader():
        value = next(results)
        if isinstance(value, Exception):
            raise value
        return value

    cache = PromptCache(loader=loader, ttl_s=0)

    assert cache.get() is SNAPSHOT
    assert cache.get() is SNAPSHOT


def test_broadcast_reaches_a_listening_cache():
    import time

    from generations.queueing import connection

    cache = PromptCache(loader=lambda: SNAPSHOT, ttl_s=3600)
    cache.get()
    cache.listen(connection(), poll_s=0.1)
    deadline = time.monotonic() + 10
    receivers = 0
    while receivers == 0 and time.monotonic() < deadline:  # wait until the thread has subscribed
        receivers = broadcast_refresh(connection())
        time.sleep(0.1)

    while cache.invalidations == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert receivers >= 1 and cache.invalidations >= 1


@pytest.mark.django_db
def test_load_snapshot_reads_only_active_rows():
    tag = PromptTagFactory(name="portrait")
    PromptTemplateFactory(is_active=True, content="active one")
    PromptTemplateFactory(is_active=False, content="old one")
    rule = PromptRuleFactory(weight_group="detail")
    rule.tags.add(tag)
    PromptRuleFactory(is_active=False)
    character = CharacterFactory()
    ModelParametersFactory(user_tier="", guidance_scale=7, character=None)

    snapshot = load_snapshot()

    assert [t.content for t in snapshot.templates] == ["active one"]
    assert [(r.id, r.tags, r.weight_group) for r in snapshot.rules] == [(str(rule.pk), ("portrait",), "detail")]
    assert [c.slug for c in snapshot.characters] == [character.slug]
    assert snapshot.parameters[0].values == {"guidance_scale": 7.0}


def test_a_picked_template_replaces_the_resolved_one():
    request = PromptRequest("sdxl", "text_to_image", template_ids=("negative-any-1", "system-any-1"))

    resolved = resolve(SNAPSHOT, request)

    assert resolved.negative_prompt == "blurry"  # the picked v1 instead of the sfw v2
    assert resolved.lineage["templates"]["negative"]["id"] == "negative-any-1"
