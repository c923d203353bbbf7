"""A small set of demo PNGs and MP4s, written once into the default storage under ``demo/``."""

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

IMAGE_COUNT, VIDEO_COUNT = 16, 4
IMAGE_SIZE, VIDEO_SIZE, VIDEO_FRAMES, VIDEO_FPS = 96, 64, 8, 8


@dataclass(frozen=True)
class MediaFile:
    """One file in storage and what an output row says about it."""

    name: str
    width: int
    height: int
    size: int
    mime_type: str
    thumbnail: str
    frame_count: int | None = None
    duration_ms: int | None = None


def _frame(seed: int, size: int, shift: float = 0.0) -> np.ndarray:
    """A diagonal two-colour gradient with deterministic noise; ``shift`` slides it (for video frames)."""
    rng = np.random.default_rng(seed)
    start, end = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    axis = np.linspace(0.0, 1.0, size)
    mix = ((axis[:, None] + axis[None, :]) / 2 + shift) % 1.0
    pixels = start[None, None, :] * (1 - mix[..., None]) + end[None, None, :] * mix[..., None]
    pixels += rng.normal(0, 12, (size, size, 3))
    return np.clip(pixels, 0, 255).astype(np.uint8)


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _mp4(seed: int) -> bytes:
    import imageio.v2 as imageio  # imported here: only needed the first time the files are written

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        writer = imageio.get_writer(path, fps=VIDEO_FPS, codec="libx264", pixelformat="yuv420p",
                                    macro_block_size=16, ffmpeg_log_level="error")
        for frame in range(VIDEO_FRAMES):
            writer.append_data(_frame(seed, VIDEO_SIZE, frame / VIDEO_FRAMES / 2))
        writer.close()
        return path.read_bytes()


def _ensure(name: str, render) -> int:
    """Write ``name`` unless it exists; return its size in bytes."""
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(render()))
        if saved != name:  # storage renamed it: another process wrote the same file meanwhile
            default_storage.delete(saved)
    return default_storage.size(name)


def ensure_media() -> tuple[list[MediaFile], list[MediaFile]]:
    """Write the missing demo images, videos and video thumbnails; return (images, videos)."""
    images = []
    for n in range(IMAGE_COUNT):
        name = f"demo/images/demo-{n:02d}.png"
        size = _ensure(name, lambda n=n: _png(_frame(1_000 + n, IMAGE_SIZE)))
        images.append(MediaFile(name, IMAGE_SIZE, IMAGE_SIZE, size, "image/png", name))
    videos = []
    for n in range(VIDEO_COUNT):
        name, thumb = f"demo/videos/demo-{n}.mp4", f"demo/videos/demo-{n}-thumb.png"
        size = _ensure(name, lambda n=n: _mp4(2_000 + n))
        _ensure(thumb, lambda n=n: _png(_frame(2_000 + n, VIDEO_SIZE)))
        videos.append(MediaFile(name, VIDEO_SIZE, VIDEO_SIZE, size, "video/mp4", thumb, VIDEO_FRAMES,
                                VIDEO_FRAMES * 1000 // VIDEO_FPS))
    return images, videos
