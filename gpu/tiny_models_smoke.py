"""Smoke test for :mod:`gpu.tiny_models`: build every tiny model, load it with
``from_pretrained`` only, run the real pipelines on CPU and print timings.

Usage::

    .venv/bin/python gpu/tiny_models_smoke.py /tmp/tm

Exits non-zero (with a traceback) on the first failing check.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import sys
import time
from collections.abc import Iterator

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import imageio  # noqa: E402
import torch  # noqa: E402
from compel import CompelForSDXL  # noqa: E402
from diffusers import (  # noqa: E402
    AutoPipelineForImage2Image,
    StableDiffusionXLImg2ImgPipeline,
    StableDiffusionXLPipeline,
    WanImageToVideoPipeline,
    WanPipeline,
)
from diffusers.utils import export_to_video  # noqa: E402
from PIL import Image  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: E402

from gpu.tiny_models import build_tiny_models  # noqa: E402

DTYPE = torch.float32
PROMPT = "(woman)1.2 portrait++ with a red hat, cinematic lighting, highly detailed"
NEGATIVE = "blurry, ugly, watermark--"


@contextlib.contextmanager
def timed(label: str) -> Iterator[None]:
    """Print how long the enclosed block took."""
    start = time.perf_counter()
    yield
    print(f"{label:<34} {time.perf_counter() - start:6.2f} s", flush=True)


def smoke_qwen(path: pathlib.Path) -> None:
    """Chat-template + greedy generate with the tiny Qwen2."""
    with timed("qwen load"):
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForCausalLM.from_pretrained(path, dtype=DTYPE)
    messages = [
        {"role": "system", "content": "You write image prompts."},
        {"role": "user", "content": "Improve: a woman portrait, cinematic lighting."},
    ]
    with timed("qwen chat generate (16 tokens)"):
        inputs = tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        output = model.generate(**inputs, max_new_tokens=16)
    new_tokens = output[0, inputs["input_ids"].shape[1] :]
    assert 0 < len(new_tokens) <= 16
    print("  qwen says:", repr(tokenizer.decode(new_tokens, skip_special_tokens=True))[:80])


def smoke_sdxl(path: pathlib.Path) -> None:
    """txt2img with compel embeds and a step callback, then img2img (two loading routes)."""
    with timed("sdxl load"):
        pipe = StableDiffusionXLPipeline.from_pretrained(path, dtype=DTYPE)
    pipe.set_progress_bar_config(disable=True)
    with timed("sdxl compel encode"):
        conditioning = CompelForSDXL(pipe)(PROMPT, negative_prompt=NEGATIVE)
    steps_seen: list[int] = []

    def on_step_end(_pipe, step, _timestep, callback_kwargs):
        steps_seen.append(step)
        return callback_kwargs

    with timed("sdxl txt2img 128x128, 4 steps"):
        image = pipe(
            prompt_embeds=conditioning.embeds,
            pooled_prompt_embeds=conditioning.pooled_embeds,
            negative_prompt_embeds=conditioning.negative_embeds,
            negative_pooled_prompt_embeds=conditioning.negative_pooled_embeds,
            height=128,
            width=128,
            num_inference_steps=4,
            generator=torch.Generator().manual_seed(0),
            callback_on_step_end=on_step_end,
        ).images[0]
    assert image.size == (128, 128) and steps_seen == [0, 1, 2, 3], (image.size, steps_seen)

    with timed("sdxl img2img load (from_pretrained)"):
        img2img = StableDiffusionXLImg2ImgPipeline.from_pretrained(path, dtype=DTYPE)
    img2img.set_progress_bar_config(disable=True)
    with timed("sdxl img2img 128x128, 4 steps"):
        result = img2img(prompt="a red hat", image=image, strength=0.5, num_inference_steps=4).images[0]
    assert result.size == (128, 128)
    from_pipe = AutoPipelineForImage2Image.from_pipe(pipe)
    assert isinstance(from_pipe, StableDiffusionXLImg2ImgPipeline)


def smoke_wan(path: pathlib.Path, work_dir: pathlib.Path) -> None:
    """Text-to-video exported to MP4 and read back, then image-to-video from the same directory."""
    with timed("wan t2v load"):
        pipe = WanPipeline.from_pretrained(path, dtype=DTYPE)
    pipe.set_progress_bar_config(disable=True)
    video_kwargs = dict(height=32, width=32, num_frames=9, num_inference_steps=2, max_sequence_length=64)
    with timed("wan t2v 9x32x32, 2 steps"):
        frames = pipe(prompt="a dog running on the beach", negative_prompt="blurry", **video_kwargs).frames[0]
    assert len(frames) == 9, len(frames)
    mp4 = work_dir / "wan_t2v.mp4"
    with timed("wan export mp4 + read back"):
        export_to_video(list(frames), str(mp4), fps=8)
        with imageio.get_reader(mp4, "ffmpeg") as reader:
            frame_count = reader.count_frames()
    assert frame_count == 9, frame_count

    with timed("wan i2v load"):
        i2v = WanImageToVideoPipeline.from_pretrained(path, dtype=DTYPE)
    i2v.set_progress_bar_config(disable=True)
    first = Image.new("RGB", (32, 32), (200, 40, 40))
    with timed("wan i2v 9x32x32, 2 steps"):
        frames = i2v(image=first, prompt="the red square moves", **video_kwargs).frames[0]
    assert len(frames) == 9, len(frames)


def smoke_clip(path: pathlib.Path) -> None:
    """Projected text and image embeddings of the tiny CLIP, and their cosine (the CLIP score's)."""
    from transformers import CLIPModel, CLIPProcessor

    with timed("clip load"):
        model = CLIPModel.from_pretrained(path, dtype=DTYPE)
        processor = CLIPProcessor.from_pretrained(path)
    with timed("clip embed text + image"), torch.inference_mode():
        inputs = processor(text=[PROMPT], images=[Image.new("RGB", (96, 64), (200, 40, 40))], return_tensors="pt",
                           padding=True)
        text = model.get_text_features(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
        image = model.get_image_features(pixel_values=inputs["pixel_values"])
    cosine = torch.nn.functional.cosine_similarity(text.pooler_output, image.pooler_output).item()
    assert inputs["pixel_values"].shape == (1, 3, 32, 32) and -1 <= cosine <= 1, cosine
    print(f"  clip cosine: {cosine:.4f}")


def main(argv: list[str]) -> int:
    """Build into ``argv[1]`` and run every smoke check."""
    if len(argv) != 2:
        print(__doc__)
        return 2
    out_dir = pathlib.Path(argv[1])
    with timed("build all tiny models"):
        paths = build_tiny_models(out_dir)
    for name, path in paths.items():
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        print(f"  {name:<5} {size / 1e6:5.2f} MB  {path}")
    with timed("TOTAL smoke runs"):
        smoke_qwen(paths["qwen"])
        smoke_sdxl(paths["sdxl"])
        smoke_wan(paths["wan"], out_dir)
        smoke_clip(paths["clip"])
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
