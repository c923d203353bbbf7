"""Tests for the GPU layer on tiny random-weight models, run for real on CPU.

Each pipeline runs the real torch/transformers/diffusers/compel code; only the
weights are tiny, so outputs are noise but shapes, seeding and control flow
are the production ones.
"""

import shutil

import pytest
import torch
from PIL import Image

from gpu.cache import ModelCache
from gpu.devices import gpu_memory_mb, is_out_of_memory, resolve_device, resolve_dtype
from gpu.errors import JobCancelled, MalformedPromptError, ModelLoadError
from gpu.pipelines import qwen, sdxl, wan
from gpu.pipelines.compel import sdxl_embeddings

no_cuda = pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only behaviour")
SYSTEM = "You write image prompts."


@pytest.fixture(scope="module")
def cache():
    """One cache for the SDXL/WAN tests, so each tiny pipeline loads once per module."""
    models = ModelCache()
    yield models
    models.clear()


@pytest.fixture(scope="module")
def qwen_bundle(tiny_models):
    return qwen.load(str(tiny_models["qwen"]), "cpu", "float32")


@pytest.fixture(scope="module")
def sdxl_bundle(cache, tiny_models):
    return cache.get("sdxl", str(tiny_models["sdxl"]), "cpu", "float32").bundle


@pytest.fixture(scope="module")
def wan_bundle(cache, tiny_models):
    return cache.get("wan", str(tiny_models["wan"]), "cpu", "float32").bundle


def sdxl_run(bundle, **overrides):
    """Text-to-image at 128x128 in 4 steps unless overridden."""
    kwargs = dict(
        prompt="a red hat",
        negative_prompt="blurry",
        embeddings=None,
        init_image=None,
        strength=0.5,
        steps=4,
        guidance=5.0,
        width=128,
        height=128,
        seed=0,
        step_callback=None,
    )
    return sdxl.generate(bundle, **{**kwargs, **overrides})


def wan_run(bundle, **overrides):
    """Text-to-video, 9 frames of 32x32 in 2 steps unless overridden."""
    kwargs = dict(
        prompt="a dog running on the beach",
        negative_prompt="blurry",
        image=None,
        steps=2,
        guidance=5.0,
        width=32,
        height=32,
        num_frames=9,
        seed=0,
    )
    return wan.generate(bundle, **{**kwargs, **overrides})


# devices


@no_cuda
def test_auto_device_and_dtype_resolve_to_cpu_float32():
    # given / when
    device = resolve_device("auto")

    # then
    assert (device, resolve_dtype("auto", device)) == ("cpu", torch.float32)
    assert gpu_memory_mb() == (None, None)


def test_dtype_resolution_per_device():
    # given / when / then
    assert resolve_dtype("auto", "cuda") == torch.float16
    assert resolve_dtype("bfloat16", "cuda") == torch.bfloat16
    assert resolve_dtype("float32", "cpu") == torch.float32
    with pytest.raises(ValueError, match="dtype 'float16' is not supported on cpu"):
        resolve_dtype("float16", "cpu")
    with pytest.raises(ValueError, match="Unknown device 'tpu'"):
        resolve_device("tpu")


def test_is_out_of_memory_recognises_oom_also_when_wrapped():
    # given
    oom = RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
    try:
        raise ModelLoadError("Could not load sdxl model from /m") from oom
    except ModelLoadError as exc:
        wrapped = exc

    # when / then
    assert is_out_of_memory(oom) is True
    assert is_out_of_memory(wrapped) is True
    assert is_out_of_memory(RuntimeError("shape mismatch")) is False


# cache


def test_cache_loads_once_and_reloads_when_path_changes(tiny_models, tmp_path):
    # given a second copy of the tiny Qwen in another directory
    models = ModelCache()
    first_path, second_path = str(tiny_models["qwen"]), str(tmp_path / "qwen-copy")
    shutil.copytree(first_path, second_path)

    # when
    first = models.get("qwen", first_path, "cpu", "float32")
    again = models.get("qwen", first_path, "cpu", "float32")

    # then
    assert again is first
    assert models.load_count["qwen"] == 1
    assert [(m["family"], m["path"], m["device"], m["dtype"]) for m in models.loaded()] == [
        ("qwen", first_path, "cpu", "float32")
    ]

    # when the path changes
    second = models.get("qwen", second_path, "cpu", "float32")

    # then the old bundle is replaced, not kept beside the new one
    assert second is not first
    assert models.load_count["qwen"] == 2
    assert [m["path"] for m in models.loaded()] == [second_path]
    models.clear()
    assert models.loaded() == []


@no_cuda
def test_cache_auto_shares_the_entry_of_resolved_names(tiny_models):
    # given
    models = ModelCache()
    first = models.get("qwen", str(tiny_models["qwen"]), "cpu", "float32")

    # when
    again = models.get("qwen", str(tiny_models["qwen"]))

    # then
    assert again is first
    assert models.load_count["qwen"] == 1


def test_cache_missing_dir_raises_model_load_error_naming_path(tiny_models, tmp_path):
    # given a loaded model
    models = ModelCache()
    models.get("qwen", str(tiny_models["qwen"]), "cpu", "float32")
    missing = str(tmp_path / "nope")

    # when / then
    with pytest.raises(ModelLoadError) as excinfo:
        models.get("qwen", missing, "cpu", "float32")
    assert str(excinfo.value) == f"Model directory not found: {missing}"
    assert [m["path"] for m in models.loaded()] == [str(tiny_models["qwen"])]  # the old model stays


def test_cache_wraps_load_failures(tmp_path):
    # given an empty directory (no model files)
    models = ModelCache()

    # when / then
    with pytest.raises(ModelLoadError, match=f"Could not load wan model from {tmp_path}") as excinfo:
        models.get("wan", str(tmp_path), "cpu", "float32")
    assert excinfo.value.__cause__ is not None
    assert models.loaded() == [] and models.load_count["wan"] == 0


# qwen


def test_qwen_enhance_counts_tokens_and_respects_max_new_tokens(qwen_bundle):
    # given
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "a woman portrait"}]
    expected_input = len(
        qwen_bundle.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=False)
    )

    # when
    result = qwen.enhance(qwen_bundle, prompt="a woman portrait", system_prompt=SYSTEM, max_new_tokens=8, max_time_s=60)

    # then
    assert result.input_tokens == expected_input
    assert result.output_tokens == 8
    assert result.stopped_by_time is False
    assert isinstance(result.text, str) and result.elapsed_ms >= 0


def test_qwen_sampling_is_reproducible_per_seed(qwen_bundle):
    # given
    kwargs = dict(prompt="a cat", system_prompt=SYSTEM, max_new_tokens=8, max_time_s=60, temperature=0.9, top_p=0.95)

    # when
    first, again = qwen.enhance(qwen_bundle, seed=1, **kwargs), qwen.enhance(qwen_bundle, seed=1, **kwargs)
    other = qwen.enhance(qwen_bundle, seed=2, **kwargs)

    # then
    assert first.text == again.text != ""
    assert other.text != first.text


def test_qwen_enhance_stops_by_time(qwen_bundle):
    # given / when a time budget that runs out after the first token
    result = qwen.enhance(qwen_bundle, prompt="a cat", system_prompt=SYSTEM, max_new_tokens=50, max_time_s=1e-9)

    # then
    assert (result.output_tokens, result.stopped_by_time) == (1, True)


# compel


def test_compel_embeddings_for_weighted_prompt(sdxl_bundle):
    # given
    pipe = sdxl_bundle.text2img

    # when
    weighted = sdxl_embeddings(pipe, "a cat in a (red hat)1.3, sunset++", "blurry")
    plain = sdxl_embeddings(pipe, "a cat in a red hat, sunset", "blurry")

    # then 77 tokens of 32 + 32 channels from the two CLIP encoders, pooled from the second
    assert {key: tuple(value.shape) for key, value in weighted.items()} == {
        "prompt_embeds": (1, 77, 64),
        "pooled_prompt_embeds": (1, 32),
        "negative_prompt_embeds": (1, 77, 64),
        "negative_pooled_prompt_embeds": (1, 32),
    }
    assert not torch.equal(weighted["prompt_embeds"], plain["prompt_embeds"])


def test_compel_pads_long_prompt_and_negative_to_same_length(sdxl_bundle):
    # given / when a prompt longer than one 77-token window and an empty negative
    result = sdxl_embeddings(sdxl_bundle.text2img, " ".join(["red"] * 100), "")

    # then
    assert tuple(result["prompt_embeds"].shape) == tuple(result["negative_prompt_embeds"].shape) == (1, 154, 64)
    assert torch.count_nonzero(result["negative_prompt_embeds"]) == 0  # force_zeros_for_empty_prompt


@pytest.mark.parametrize(
    ("prompt", "negative", "message"),
    [
        ('("a cat", "a dog").blend(1)', "", "Malformed prompt: while parsing Blend: mismatched"),
        ('("a", "b").blend(0.7, 0.3).blend(1)', "", "Malformed prompt: Expected end of text"),
        ("a cat", '("x", "y").and(1, 2, 3)', "Malformed negative prompt: while parsing Conjunction"),
    ],
)
def test_compel_malformed_prompt_raises(sdxl_bundle, prompt, negative, message):
    # given / when / then
    with pytest.raises(MalformedPromptError, match=message.replace("(", r"\(")):
        sdxl_embeddings(sdxl_bundle.text2img, prompt, negative)


# sdxl


def test_sdxl_text_to_image_is_deterministic_per_seed(sdxl_bundle):
    # given / when
    first, again, other = sdxl_run(sdxl_bundle, seed=7), sdxl_run(sdxl_bundle, seed=7), sdxl_run(sdxl_bundle, seed=8)

    # then
    assert [(image.size, image.mode) for image in first] == [((128, 128), "RGB")]
    assert first[0].tobytes() == again[0].tobytes()
    assert first[0].tobytes() != other[0].tobytes()
    assert sdxl.sampler_name(sdxl_bundle) == "Euler"


def test_sdxl_step_callback_called_once_per_step_with_embeddings(sdxl_bundle):
    # given
    calls = []
    embeddings = sdxl_embeddings(sdxl_bundle.text2img, "(red hat)1.3", "blurry")

    # when
    images = sdxl_run(sdxl_bundle, embeddings=embeddings, step_callback=lambda step, total: calls.append((step, total)))

    # then
    assert len(images) == 1
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4)]


def test_sdxl_image_to_image_from_pil(sdxl_bundle):
    # given an init image of another size
    calls = []
    init = Image.new("RGB", (96, 80), (200, 40, 40))

    # when
    images = sdxl_run(sdxl_bundle, init_image=init, strength=0.5, step_callback=lambda s, t: calls.append((s, t)))

    # then strength 0.5 of 4 steps runs 2, and the output has the requested size
    assert [image.size for image in images] == [(128, 128)]
    assert calls == [(0, 2), (1, 2)]
    assert sdxl_bundle.img2img.unet is sdxl_bundle.text2img.unet


def test_sdxl_job_cancelled_in_callback_propagates_and_stops(sdxl_bundle):
    # given a callback that cancels at step index 2
    calls = []
    cancelled = JobCancelled("job 42 cancelled")

    def on_step(step, total):
        calls.append(step)
        if step == 2:
            raise cancelled

    # when / then
    with pytest.raises(JobCancelled) as excinfo:
        sdxl_run(sdxl_bundle, step_callback=on_step)
    assert excinfo.value is cancelled
    assert calls == [0, 1, 2]


# wan


def test_wan_text_to_video_frames(wan_bundle):
    # given / when
    frames = wan_run(wan_bundle)

    # then
    assert [(frame.size, frame.mode) for frame in frames] == [((32, 32), "RGB")] * 9


def test_wan_image_to_video_frames(wan_bundle):
    # given
    calls = []
    first = Image.new("RGB", (48, 40), (200, 40, 40))

    # when
    frames = wan_run(wan_bundle, image=first, step_callback=lambda s, t: calls.append((s, t)))

    # then
    assert [frame.size for frame in frames] == [(32, 32)] * 9
    assert calls == [(0, 2), (1, 2)]
    assert wan_bundle.image2video.transformer is wan_bundle.text2video.transformer


def test_wan_job_cancelled_propagates(wan_bundle):
    # given
    def cancel(step, total):
        raise JobCancelled("stop")

    # when / then
    with pytest.raises(JobCancelled, match="stop"):
        wan_run(wan_bundle, step_callback=cancel)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"num_frames": 10}, "num_frames must be 4k+1 (e.g. 9, 81); got 10."),
        ({"num_frames": 0}, "num_frames must be 4k+1 (e.g. 9, 81); got 0."),
        ({"width": 40}, "width and height must be positive multiples of 16; got 40x32."),
    ],
)
def test_wan_rejects_invalid_shape(wan_bundle, overrides, message):
    # given / when / then
    with pytest.raises(ValueError) as excinfo:
        wan_run(wan_bundle, **overrides)
    assert str(excinfo.value) == message
