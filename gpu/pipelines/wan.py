"""WAN text-to-video and image-to-video (diffusers WanPipeline / WanImageToVideoPipeline).

One directory serves both directions when it is a Wan 2.2 "TI2V"-style
checkpoint (``expand_timesteps=True`` in ``model_index.json``): the first frame
is encoded by the VAE and no CLIP image encoder is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from diffusers import AutoencoderKLWan, WanImageToVideoPipeline, WanPipeline
from PIL import Image

from gpu.devices import resolve_device, resolve_dtype
from gpu.pipelines import call_record, fit_image, step_end_callback


@dataclass
class WANBundle:
    """Text-to-video pipeline plus an image-to-video pipeline sharing the same modules.

    ``image2video`` is built with the ``WanImageToVideoPipeline`` constructor from
    ``text2video.components`` (not ``from_pipe``, whose trailing ``.to(dtype)``
    would cast the transformer's keep-in-float32 layers and the float32 VAE).
    """

    text2video: WanPipeline
    image2video: WanImageToVideoPipeline
    device: str


def load(path: str, device: str, dtype: str) -> WANBundle:
    """Load a local WAN directory onto ``device``; the VAE stays float32 under half precision.

    diffusers' WAN examples keep the VAE in float32 because decoding in
    float16/bfloat16 loses detail; it is small next to the transformer.
    """
    device = resolve_device(device)
    torch_dtype = resolve_dtype(dtype, device)
    extra = {}
    if torch_dtype != torch.float32:
        extra["vae"] = AutoencoderKLWan.from_pretrained(path, subfolder="vae", dtype=torch.float32)
    text2video = WanPipeline.from_pretrained(path, dtype=torch_dtype, **extra)
    text2video.to(device)
    text2video.set_progress_bar_config(disable=True)
    image2video = WanImageToVideoPipeline(
        **text2video.components,
        image_encoder=None,
        image_processor=None,
        boundary_ratio=text2video.config.boundary_ratio,
        expand_timesteps=text2video.config.expand_timesteps,
    )
    image2video.set_progress_bar_config(disable=True)
    return WANBundle(text2video=text2video, image2video=image2video, device=device)


def generate(
    bundle: WANBundle,
    *,
    prompt: str,
    negative_prompt: str,
    image: Image.Image | None,
    steps: int,
    guidance: float,
    width: int,
    height: int,
    num_frames: int,
    seed: int,
    step_callback: Callable[[int, int], None] | None = None,
    call: dict | None = None,
) -> list[Image.Image]:
    """Render ``num_frames`` PIL frames: text-to-video, or image-to-video from ``image`` (first frame).

    Raises ValueError for a frame count or size the model cannot produce
    (diffusers would silently round the frame count) and for image input on a
    checkpoint without image-to-video support. ``step_callback`` behaves as in
    :func:`gpu.pipelines.sdxl.generate`.
    """
    validate_video_shape(bundle, width=width, height=height, num_frames=num_frames)
    kwargs = dict(
        prompt=prompt,
        negative_prompt=negative_prompt or None,
        height=height,
        width=width,
        num_frames=num_frames,
        num_inference_steps=steps,
        guidance_scale=guidance,
        generator=torch.Generator(bundle.device).manual_seed(seed),
        output_type="pil",
        callback_on_step_end=step_end_callback(step_callback),
    )
    pipe = bundle.text2video if image is None else _image2video(bundle)
    if image is not None:
        kwargs["image"] = fit_image(image, width, height)
    if call is not None:  # the arguments the pipeline received, for the lineage
        call.update(call_record(pipe, kwargs, seed=seed))
    with torch.inference_mode():
        return list(pipe(**kwargs).frames[0])


def _image2video(bundle: WANBundle) -> WanImageToVideoPipeline:
    """The image-to-video pipeline, if the checkpoint can condition on a first frame without CLIP."""
    if not bundle.image2video.config.expand_timesteps:
        raise ValueError("This WAN checkpoint cannot do image-to-video (it is not a TI2V-style model).")
    return bundle.image2video


def validate_video_shape(bundle: WANBundle, *, width: int, height: int, num_frames: int) -> None:
    """Raise ValueError unless num_frames = k*T+1 and width/height are multiples of the latent patch.

    T is the VAE's temporal compression (4). The spatial multiple is the VAE's
    spatial compression times the transformer's patch size (8 * 2 = 16 for
    Wan 2.1, 16 * 2 = 32 for Wan 2.2 TI2V-5B); diffusers only checks 16.
    """
    pipe = bundle.text2video
    temporal = pipe.vae_scale_factor_temporal
    spatial = max(16, pipe.vae_scale_factor_spatial * pipe.transformer.config.patch_size[1])
    if num_frames < 1 or (num_frames - 1) % temporal:
        raise ValueError(
            f"num_frames must be {temporal}k+1 (e.g. {temporal * 2 + 1}, {temporal * 20 + 1}); got {num_frames}."
        )
    if width <= 0 or height <= 0 or width % spatial or height % spatial:
        raise ValueError(f"width and height must be positive multiples of {spatial}; got {width}x{height}.")
