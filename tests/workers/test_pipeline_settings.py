"""Settings reach the pipeline: strength, clip skip, long prompts and the token cap, on a real worker.

Each job's lineage ``call`` is the record of the arguments the diffusers
pipeline received; the PNG infotext is written from it. Nothing is mocked.
"""

import pytest
from transformers import CLIPTokenizer

from generations.models import Job
from generations.services import job_submit
from gpu.outputs import parse_a1111_parameters, read_png_parameters
from prompts.models import BlockedTerm, PromptLog
from tests.factories import CharacterFactory, EnhancedModelConfigFactory, PromptTemplateFactory
from tests.workers.test_worker import SMALL_SDXL, _png_upload

pytestmark = pytest.mark.slow
CAP = 100


def _params(job) -> dict:
    return parse_a1111_parameters(read_png_parameters(job.outputs.get().file.read()))


def _prompt_of(tokens: int, tokenizer) -> str:
    text = " ".join(["red hat"] * tokens)
    while len(tokenizer(text, add_special_tokens=False).input_ids) > tokens:
        text = text.rsplit(" ", 1)[0]
    return text


def test_strength_clip_skip_and_long_prompts_are_what_the_pipeline_received(workers, tiny_models):
    tokenizer = CLIPTokenizer.from_pretrained(tiny_models["sdxl"] / "tokenizer")
    base = job_submit(prompt="a teal square, watercolor", seed=3, **SMALL_SDXL)
    img2img = job_submit(prompt="the same square, oil paint", seed=3, input_files=[_png_upload()], strength=0.5,
                         **SMALL_SDXL)
    skipped = job_submit(prompt="a teal square, watercolor", seed=3, clip_skip=1, **SMALL_SDXL)
    no_steps = job_submit(prompt="oil paint", seed=3, input_files=[_png_upload()], strength=0.1, **SMALL_SDXL)
    long = job_submit(prompt=_prompt_of(90, tokenizer), seed=3, **SMALL_SDXL)
    too_long = job_submit(prompt=_prompt_of(CAP + 20, tokenizer), seed=3, **SMALL_SDXL)
    PromptTemplateFactory(content="studio light, {lighting}", is_active=True, content_mode="nsfw")
    templated = job_submit(prompt="a vase", seed=3, content_mode="nsfw", variables={"lighting": "rim light"},
                           **SMALL_SDXL)

    config = EnhancedModelConfigFactory(qwen_quality_focus="low", qwen_expansion_target=1000, qwen_max_time_ms=6000)
    rewritten = job_submit(prompt="a cat on a wall", strategy="qwen", seed=3, model_config=config, **SMALL_SDXL)

    BlockedTerm.objects.create(term="gore", content_mode="sfw")
    filtered = job_submit(prompt="a portrait", seed=3, character=CharacterFactory(base_prompt="gore splatter"),
                          **SMALL_SDXL)

    output = workers.run_burst(SDXL_MAX_PROMPT_TOKENS=str(CAP))

    base, img2img, skipped, long, too_long = (Job.objects.get(pk=j.pk) for j in (base, img2img, skipped, long,
                                                                               too_long))
    assert [j.status for j in (base, img2img, skipped, long)] == ["completed"] * 4, output
    # image-to-image: the img2img pipeline got the strength; the page and the PNG say so
    call = img2img.lineage["call"]
    assert (call["pipeline"], call["strength"], call["image"]) == ("StableDiffusionXLImg2ImgPipeline", 0.5,
                                                                 "128x128")
    assert img2img.job_type == "image_to_image" and img2img.denoise_strength == pytest.approx(0.5)
    assert _params(img2img)["Denoising strength"] == "0.5"
    assert "strength" not in base.lineage["call"] and "Denoising strength" not in _params(base)
    # a strength that leaves no denoising step is refused by the worker with what to change, not a torch error
    no_steps = Job.objects.get(pk=no_steps.pk)
    assert (no_steps.status, no_steps.failure_reason) == ("failed", "invalid_parameters")
    assert "Strength 0.1 with 4 steps runs no denoising step" in no_steps.error_message
    # clip skip: passed to the pipeline, written to the PNG, and it changes the image
    assert skipped.lineage["call"]["clip_skip"] == 1 and skipped.clip_skip == 1
    assert _params(skipped)["Clip skip"] == "1" and "clip_skip" not in base.lineage["call"]
    assert skipped.outputs.get().file.read() != base.outputs.get().file.read()
    # a 90-token prompt is embedded in two chunks, not truncated at 77
    assert base.lineage["call"]["chunks"] == 1 and "embeddings" not in base.lineage["call"]
    assert (long.lineage["call"]["prompt_tokens"], long.lineage["call"]["chunks"]) == (90, 2)
    assert long.lineage["call"]["embeddings"] == "compel (long prompt, unweighted)"
    assert "Token indices sequence length" not in output
    # over the cap: prompt_too_long, with the count and the limit
    assert (too_long.status, too_long.failure_reason) == ("failed", "prompt_too_long")
    assert f"is {CAP + 20} CLIP tokens; the limit is {CAP}" in too_long.error_message
    # a template's placeholder is filled from the job's variables before the prompt is composed
    templated = Job.objects.get(pk=templated.pk)
    assert templated.status == "completed" and templated.final_prompt.startswith("studio light, rim light, ")
    assert templated.lineage["call"]["prompt"] == templated.final_prompt
    # the configuration's Qwen settings are the rewrite call's: budget from the expansion target, focus, time
    rewritten = Job.objects.get(pk=rewritten.pk)
    enhance_call = rewritten.lineage["enhance_call"]
    assert rewritten.status == "completed", rewritten.error_message
    assert (enhance_call["max_new_tokens"], enhance_call["max_time_s"], enhance_call["quality_focus"]) == \
        (250, 6.0, "low")
    assert enhance_call["system_prompt"].endswith("Quality focus: low. Return one short sentence that keeps the "
                                                  "user's wording.")
    log = PromptLog.objects.get(job=rewritten, use_case="enhancement")
    assert 0 < log.tokens_out <= 250  # the tiny model writes noise until the budget or its end token
    # a blocked term the character brings into the final prompt fails the job as content_filter, naming it
    filtered = Job.objects.get(pk=filtered.pk)
    assert (filtered.status, filtered.failure_reason) == ("failed", "content_filter")
    assert "contains “gore”, which the content policy blocks for SFW jobs" in filtered.error_message
    assert "contains the blocked term 'gore'" in output
    # the lineage's parameters are the call's
    assert base.lineage["parameters"]["num_inference_steps"] == base.lineage["call"]["num_inference_steps"] == 4


def _pixels(job):
    from io import BytesIO

    from PIL import Image

    return Image.open(BytesIO(job.outputs.get().file.read())).convert("RGB").tobytes()


def test_a_lora_changes_the_output_only_for_the_job_that_asks_for_it(workers, tiny_models, admin_client):
    from configs.models import LoRA

    LoRA.objects.create(name="tiny_style", path=str(tiny_models["sdxl_lora"]), model_family="sdxl")
    before = job_submit(prompt="a teal square", seed=5, **SMALL_SDXL)
    styled = job_submit(prompt="a teal square <lora:tiny_style:0.8>", seed=5, **SMALL_SDXL)
    after = job_submit(prompt="a teal square", seed=5, **SMALL_SDXL)

    output = workers.run_burst()

    before, styled, after = (Job.objects.get(pk=j.pk) for j in (before, styled, after))
    assert [j.status for j in (before, styled, after)] == ["completed"] * 3, output
    # the LoRA changes the image, and the next job is exactly the image without it: nothing leaks
    assert _pixels(styled) != _pixels(before)
    assert _pixels(after) == _pixels(before)
    # the call record and the PNG say what was loaded, as A1111 writes it
    (applied,) = styled.lineage["call"]["loras"]
    assert (applied["name"], applied["weight"], len(applied["hash"])) == ("tiny_style", 0.8, 12)
    params = _params(styled)
    assert params["prompt"] == "a teal square <lora:tiny_style:0.8>"
    assert params["Lora hashes"] == f"tiny_style: {applied['hash']}"
    assert "loras" not in after.lineage["call"] and "Lora hashes" not in _params(after)
    # job_status says what ran, from the same record
    from io import StringIO

    from django.core.management import call_command
    from django.urls import reverse

    from generations.lineage import describe_call

    page = admin_client.get(reverse("admin:generations_job_change", args=[styled.pk])).content.decode()
    assert describe_call(styled.lineage["call"]) in page  # the job page shows the call the pipeline received
    out = StringIO()
    call_command("job_status", str(styled.pk), stdout=out)
    assert "ran        StableDiffusionXLPipeline, steps 4, cfg 7.5, width 128, height 128, seed 5, prompt chunks 1, " \
           "LoRA tiny_style:0.8" in out.getvalue()
