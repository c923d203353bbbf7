"""The prompt playground on a real ``enhance`` worker and the tiny Qwen: the rewrite preview and a chat, no job."""

import django_rq
import pytest

from generations.models import Job
from generations.playground import _live_workers, playground_resolve, playground_rewrite
from generations.playground_chat import playground_chat_turn
from gpu.stages import FOCUS_INSTRUCTIONS, rewrite
from prompts.models import PromptLog
from tests.factories import (
    CharacterFactory,
    EnhancedModelConfigFactory,
    ModelParametersFactory,
    PromptTemplateFactory,
)
from tests.workers.conftest import wait_for

pytestmark = pytest.mark.slow


def test_rewrite_and_a_chat_run_on_the_enhance_worker_without_a_job_and_each_turn_is_logged(workers):
    PromptTemplateFactory(name="Rewrite for SDXL", template_type="rewrite", content="Rewrite for SDXL, {style}.",
                          is_active=True)
    chat = PromptTemplateFactory(name="Storybuilder", model_family="qwen_instruct", use_case="chat",
                                 template_type="chat", content="Co-write a story with {character}.", is_active=True)
    ava = CharacterFactory(name="Ava", slug="ava", description="Keeps a lighthouse.")
    # Short answers: the tiny model's text is noise, and 600 tokens of it would only cost time.
    EnhancedModelConfigFactory(model_type="SDXL", is_active=True, qwen_max_time_ms=30_000)
    for family in ("qwen_base", "qwen_instruct"):
        ModelParametersFactory(model_family=family, user_tier="", guidance_scale=None, max_new_tokens=24)
    workers.start(burst=False)
    wait_for(lambda: _live_workers(django_rq.get_queue("enhance")), timeout=60)
    preview = playground_resolve(model_type="SDXL", prompt="a lighthouse keeper", strategy="qwen",
                                 variables={"style": "noir"}, seed=11)

    rewritten = playground_rewrite(preview, wait_s=120)
    first = playground_chat_turn(message="Where are we?", mode="roleplay", template=chat, character=ava, wait_s=120)
    second = playground_chat_turn(message="And then?", mode="roleplay", template=chat, character=ava,
                                  conversation_id=first.conversation_id, wait_s=120)
    print(f"\nplayground on the tiny Qwen: rewrite round trip {rewritten.round_trip_ms} ms (model "
          f"{rewritten.model_ms} ms, queue {rewritten.queue_wait_ms} ms, {rewritten.output_tokens} tokens); chat "
          f"turns {first.round_trip_ms} / {second.round_trip_ms} ms (model {first.model_ms} / {second.model_ms} ms, "
          f"queue {first.queue_wait_ms} / {second.queue_wait_ms} ms)")

    same_call = {**rewritten.call, "prompt": preview.prompt}
    same_call = {key: same_call[key] for key in ("prompt", "system_prompt", "max_new_tokens", "max_time_s",
                                                  "temperature", "top_p", "seed")}
    assert rewritten.call["system_prompt"] == f"Rewrite for SDXL, noir.\n\n{FOCUS_INSTRUCTIONS['high']}"
    assert rewritten.text == rewrite(same_call)[0]  # the enhance stage's code, run here on the same model
    assert (rewritten.call["max_new_tokens"], rewritten.stopped_by_time, first.stopped_by_time) == (24, False, False)
    assert rewritten.output_tokens > 0 and rewritten.model_ms >= 0 and rewritten.round_trip_ms >= rewritten.model_ms
    assert (first.turn, second.turn, first.history_turns, second.history_turns) == (1, 2, 0, 1)
    assert first.system_prompt == "Co-write a story with Ava.\n\nYou are Ava. Keeps a lighthouse. Appearance: a " \
                                  "red-haired explorer."
    logs = PromptLog.objects.filter(job=None, use_case="chat").order_by("created_at")
    assert [(log.input_prompt, log.output_prompt, log.template_id, log.character_id, log.flags["turn"])
            for log in logs] == [("Where are we?", first.reply, chat.pk, ava.pk, 1),
                                 ("And then?", second.reply, chat.pk, ava.pk, 2)]
    assert [str(log.pk) for log in logs] == [first.log_id, second.log_id]
    assert all(log.tokens_in and log.tokens_out and log.response_time_ms is not None for log in logs)
    assert logs[1].tokens_in > logs[0].tokens_in  # the first turn was sent with the second
    assert Job.objects.count() == 0
