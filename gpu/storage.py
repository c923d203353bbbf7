"""Write outputs through Django's storage API (local disk or S3 alike) and describe them for the job row."""

from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from generations.lifecycle import OutputSpec
from gpu.outputs import a1111_parameters, encode_mp4, encode_png, probe_mp4, read_mp4_frames, thumbnail_png


def _save(name: str, data: bytes) -> str:
    # A redelivered attempt overwrites its own files instead of piling up renamed copies.
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


def save_images(job, images: list[Image.Image], *, call: dict, sampler: str) -> list[OutputSpec]:
    """PNG files whose ``parameters`` text chunk is AUTOMATIC1111's infotext, written from the pipeline ``call``."""
    loras = call.get("loras", [])
    tags = "".join(f" <lora:{lora['name']}:{lora['weight']:g}>" for lora in loras)  # as A1111 writes them
    infotext = a1111_parameters(
        prompt=job.final_prompt + tags, negative_prompt=job.negative_prompt, steps=call["num_inference_steps"],
        sampler=sampler, cfg_scale=call["guidance_scale"], seed=call["seed"],
        width=call.get("width", images[0].width if images else 0),
        height=call.get("height", images[0].height if images else 0), model=job.model_used,
        extra={"Job id": str(job.pk), "Enhancement": job.enhancement_strategy,
               "Denoising strength": call.get("strength"), "Clip skip": call.get("clip_skip"),
               "Lora hashes": ", ".join(f"{lora['name']}: {lora['hash']}" for lora in loras) or None},
    )
    specs = []
    for index, image in enumerate(images):
        data = encode_png(image, infotext)
        base = f"jobs/{job.pk}/a{job.attempts}-{index}"
        specs.append(OutputSpec(
            file_name=_save(f"{base}.png", data), mime_type="image/png", width=image.width, height=image.height,
            file_size_bytes=len(data), thumbnail_name=_save(f"{base}-thumb.png", thumbnail_png(image)),
        ))
    return specs


def save_video(job, frames: list[Image.Image], *, fps: int) -> list[OutputSpec]:
    """One H.264 MP4 with a PNG thumbnail of its first frame; frame count read back from the file."""
    data = encode_mp4(frames, fps)
    probe = probe_mp4(data)
    base = f"jobs/{job.pk}/a{job.attempts}-0"
    return [OutputSpec(
        file_name=_save(f"{base}.mp4", data), mime_type="video/mp4", width=probe["width"], height=probe["height"],
        file_size_bytes=len(data), thumbnail_name=_save(f"{base}-thumb.png", thumbnail_png(frames[0])),
        frame_count=probe["frames"], duration_ms=probe["duration_ms"],
    )]


def load_output_frames(spec: OutputSpec, indices: list[int]) -> list[Image.Image]:
    """Read a stored output back as RGB frames: the image itself, or the video's frames at ``indices``.

    What is scored is what was stored (and what raters see): the PNG's pixels, the MP4's decoded frames.
    """
    with default_storage.open(spec.file_name, "rb") as handle:
        data = handle.read()
    if spec.mime_type.startswith("video/"):
        return read_mp4_frames(data, indices)
    with Image.open(BytesIO(data)) as image:
        return [image.convert("RGB")]


def load_input_image(job) -> Image.Image | None:
    """The job's first input image (image-to-image / image-to-video), or None."""
    first = job.inputs.order_by("order_index").first()
    if first is None:
        return None
    if first.file:
        try:
            with first.file.open("rb") as handle:
                data = handle.read()
        except OSError:
            raise ValueError("The job's input image file is missing from storage.") from None
        try:
            return Image.open(BytesIO(data)).convert("RGB")
        except (OSError, Image.DecompressionBombError) as exc:
            raise ValueError(f"Input image {first.file.name} cannot be read: {exc}") from exc
    raise ValueError(f"Input image {first.pk} is an external URL ({first.url}); workers read stored files only.")
