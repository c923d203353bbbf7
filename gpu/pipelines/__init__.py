"""One module per model family: ``load(path, device, dtype)`` plus the family's run function.

Loaders take already resolved device names and dtype names ("float32",
"auto" is also accepted); :mod:`gpu.cache` decides when to call them.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image


def step_end_callback(step_callback: Callable[[int, int], None] | None) -> Callable | None:
    """Adapt ``step_callback(step_index, total_steps)`` to diffusers' ``callback_on_step_end``.

    diffusers calls it after every denoising step with the pipeline, the
    0-based step index, the timestep and the tensors it asked for; it must
    return that dict. ``num_timesteps`` is the real step count (img2img runs
    fewer than ``num_inference_steps``). Exceptions are not caught: raising
    JobCancelled here is how a job stops mid-run.
    """
    if step_callback is None:
        return None

    def on_step_end(pipe, step_index: int, _timestep, callback_kwargs: dict) -> dict:
        step_callback(step_index, pipe.num_timesteps)
        return callback_kwargs

    return on_step_end


def fit_image(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` as RGB at exactly width x height (LANCZOS), the size the pipelines will render."""
    image = image.convert("RGB")
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image


def call_record(pipe, kwargs: dict, *, seed: int, prompt_source: dict | None = None) -> dict:
    """The arguments ``pipe(**kwargs)`` received, as plain values: what the lineage and infotext are written from.

    Tensors are named by what they encode (``prompt_source``: the text compel
    embedded), an input image by its size, the generator by its seed.
    """
    record = {"pipeline": type(pipe).__name__, "seed": seed}
    for key, value in kwargs.items():
        if key in ("generator", "callback_on_step_end", "output_type"):
            continue
        if isinstance(value, Image.Image):
            record[key] = f"{value.width}x{value.height}"
        elif value is None or isinstance(value, (str, int, float, bool)):
            record[key] = value
    if prompt_source:
        record.update(prompt_source)
    return record
