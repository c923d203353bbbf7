"""Stable Diffusion XL text-to-image and image-to-image (diffusers)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from diffusers import StableDiffusionXLImg2ImgPipeline, StableDiffusionXLPipeline
from PIL import Image

from gpu.devices import resolve_device, resolve_dtype
from gpu.errors import ModelLoadError
from gpu.pipelines import call_record, fit_image, step_end_callback

#: diffusers scheduler class -> AUTOMATIC1111 sampler label (diffusers' scheduler docs table).
SAMPLER_LABELS = {
    "EulerDiscreteScheduler": "Euler",
    "EulerAncestralDiscreteScheduler": "Euler a",
    "DPMSolverMultistepScheduler": "DPM++ 2M",
    "DPMSolverSinglestepScheduler": "DPM++ SDE",
    "KDPM2DiscreteScheduler": "DPM2",
    "KDPM2AncestralDiscreteScheduler": "DPM2 a",
    "HeunDiscreteScheduler": "Heun",
    "LMSDiscreteScheduler": "LMS",
    "DDIMScheduler": "DDIM",
    "PNDMScheduler": "PLMS",
    "UniPCMultistepScheduler": "UniPC",
    "DEISMultistepScheduler": "DEIS",
    "LCMScheduler": "LCM",
}


@dataclass
class SDXLBundle:
    """The text-to-image pipeline; the image-to-image one is built on first use, sharing its modules."""

    text2img: StableDiffusionXLPipeline
    device: str
    img2img: StableDiffusionXLImg2ImgPipeline | None = field(default=None)
    #: LoRAs loaded onto the (shared) UNet and text encoders: adapter name -> (path, short hash).
    loras: dict = field(default_factory=dict)


def load(path: str, device: str, dtype: str) -> SDXLBundle:
    """Load a local SDXL pipeline directory onto ``device`` in ``dtype``."""
    device = resolve_device(device)
    pipe = StableDiffusionXLPipeline.from_pretrained(path, dtype=resolve_dtype(dtype, device))
    pipe.to(device)
    pipe.set_progress_bar_config(disable=True)
    return SDXLBundle(text2img=pipe, device=device)


def generate(
    bundle: SDXLBundle,
    *,
    prompt: str,
    negative_prompt: str,
    embeddings: dict | None,
    init_image: Image.Image | None,
    strength: float | None,
    steps: int,
    guidance: float,
    width: int,
    height: int,
    seed: int,
    step_callback: Callable[[int, int], None] | None,
    clip_skip: int | None = None,
    call: dict | None = None,
    prompt_source: dict | None = None,
) -> list[Image.Image]:
    """Run text-to-image, or image-to-image when ``init_image`` is given; return PIL images.

    ``embeddings`` (from :func:`gpu.pipelines.compel.sdxl_embeddings`) replace
    the prompt strings when given. Image-to-image resizes ``init_image`` to
    width x height and runs ``int(steps * strength)`` denoising steps.
    ``step_callback(step_index, total_steps)`` gets a 0-based index after each
    step; whatever it raises (e.g. JobCancelled) propagates unchanged.
    ``call``, when given, is filled with the arguments the pipeline received
    (:func:`gpu.pipelines.call_record`; ``prompt_source`` describes embeddings).
    """
    kwargs = _prompt_kwargs(prompt, negative_prompt, embeddings)
    if clip_skip and embeddings is None:  # diffusers' count: layers skipped beyond SDXL's penultimate one
        kwargs["clip_skip"] = clip_skip
    kwargs.update(
        num_inference_steps=steps,
        guidance_scale=guidance,
        generator=torch.Generator(bundle.device).manual_seed(seed),
        callback_on_step_end=step_end_callback(step_callback),
    )
    if init_image is None:
        pipe = bundle.text2img
        kwargs.update(width=width, height=height)
    else:
        pipe = _img2img(bundle)
        kwargs.update(image=fit_image(init_image, width, height), strength=0.6 if strength is None else strength)
    if call is not None:
        call.update(call_record(pipe, kwargs, seed=seed, prompt_source=prompt_source))
    with torch.inference_mode():
        return list(pipe(**kwargs).images)


def loras_off(bundle: SDXLBundle) -> None:
    """Switch every adapter on the resident pipeline off (the next job starts without them)."""
    if bundle.loras or getattr(bundle.text2img.unet, "peft_config", None):
        bundle.text2img.disable_lora()


def lora_hash(path: str) -> str:
    """The first 12 hex digits of the SHA-256 of the LoRA's weights file (what ``Lora hashes:`` shows)."""
    target = Path(path)
    if target.is_dir():
        files = sorted(target.glob("*.safetensors")) or sorted(target.glob("*.bin"))
        if not files:
            raise ModelLoadError(f"LoRA directory {path} holds no .safetensors weights.")
        target = files[0]
    digest = hashlib.sha256()
    with target.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


def use_loras(bundle: SDXLBundle, loras: list[tuple[str, str, float]]) -> list[dict]:
    """Load (once) and switch on exactly ``loras`` (name, path, weight) for the next call; others stay off.

    Returns what was applied (name, weight, hash) for the call record.
    ``ModelLoadError`` when a LoRA cannot be loaded (what it injected is removed).
    The caller switches them off again with :func:`loras_off` after its call.
    """
    pipe = bundle.text2img
    for name, path, _weight in loras:
        if bundle.loras.get(name, (None,))[0] != path:
            if name in bundle.loras:
                pipe.delete_adapters(_adapter(name))
                del bundle.loras[name]
            try:
                short = lora_hash(path)
                pipe.load_lora_weights(path, adapter_name=_adapter(name))
            except (OSError, ValueError, KeyError, RuntimeError) as exc:
                _drop_partial(pipe, _adapter(name))
                raise ModelLoadError(f"LoRA {name} could not be loaded: {exc}") from exc
            bundle.loras[name] = (path, short)
    if not loras:
        loras_off(bundle)
        return []
    pipe.enable_lora()
    pipe.set_adapters([_adapter(name) for name, _path, _weight in loras],
                      adapter_weights=[weight for _name, _path, weight in loras])
    return [{"name": name, "weight": weight, "hash": bundle.loras[name][1]} for name, _path, weight in loras]


def _drop_partial(pipe, adapter: str) -> None:
    """Remove what a failed load may have injected, so the adapter neither lingers nor blocks a retry."""
    try:
        pipe.delete_adapters(adapter)
    except (ValueError, KeyError, AttributeError):  # nothing was injected
        pass


def _adapter(name: str) -> str:
    return "lora_" + re.sub(r"\W", "_", name)


def sampler_name(bundle: SDXLBundle) -> str:
    """The A1111 label of the scheduler in use ("Euler", "DPM++ 2M Karras"); else the class name."""
    scheduler = bundle.text2img.scheduler
    name = type(scheduler).__name__
    label = SAMPLER_LABELS.get(name, name.removesuffix("Scheduler"))
    config = scheduler.config
    if name == "DPMSolverMultistepScheduler" and str(config.get("algorithm_type", "")).startswith("sde-"):
        label += " SDE"
    if config.get("use_karras_sigmas"):
        label += " Karras"
    return label


def _prompt_kwargs(prompt: str, negative_prompt: str, embeddings: dict | None) -> dict:
    """Pipeline kwargs for the prompt: compel embeddings, else the strings.

    An empty negative prompt becomes None so diffusers uses zero embeddings
    (``force_zeros_for_empty_prompt``), matching the compel path.
    """
    if embeddings is not None:
        return dict(embeddings)
    return {"prompt": prompt, "negative_prompt": negative_prompt or None}


def _img2img(bundle: SDXLBundle) -> StableDiffusionXLImg2ImgPipeline:
    """Build the image-to-image pipeline once from the loaded modules (no extra weights).

    Built with the constructor rather than ``from_pipe``: ``from_pipe`` ends
    with ``.to(dtype)`` (float32 unless told otherwise), which casts the shared
    modules in place, silently upcasting a float16 text-to-image pipeline.
    """
    if bundle.img2img is None:
        text2img = bundle.text2img
        bundle.img2img = StableDiffusionXLImg2ImgPipeline(
            **text2img.components,
            force_zeros_for_empty_prompt=text2img.config.force_zeros_for_empty_prompt,
            add_watermarker=getattr(text2img, "watermark", None) is not None,
        )
        bundle.img2img.set_progress_bar_config(disable=True)
    return bundle.img2img

