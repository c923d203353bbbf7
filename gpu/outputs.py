"""Output encoding: A1111 "parameters" text, PNG with metadata, H.264 MP4, thumbnails.

No torch here, so web processes can read our files without the model stack.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile

import imageio_ffmpeg
import numpy as np
from PIL import Image, PngImagePlugin

#: AUTOMATIC1111's ``re_param`` from modules/infotext_utils.py: "Key: value" or 'Key: "quoted, value"'.
_PARAM = re.compile(r'\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)')
_NEGATIVE = "Negative prompt:"


def a1111_parameters(
    *,
    prompt: str,
    negative_prompt: str,
    steps: int,
    sampler: str,
    cfg_scale: float,
    seed: int,
    width: int,
    height: int,
    model: str,
    extra: dict[str, object] | None = None,
) -> str:
    """Build AUTOMATIC1111's infotext: prompt, optional "Negative prompt: ..." line, then "Key: value, ...".

    Values with a comma, colon or newline are JSON-quoted like A1111's
    ``quote()``; extra items whose value is None are left out. CFG scale is
    written with ``:g`` so 7.0 shows as "7".
    """
    params: dict[str, object] = {
        "Steps": steps,
        "Sampler": sampler,
        "CFG scale": format(float(cfg_scale), "g"),
        "Seed": seed,
        "Size": f"{width}x{height}",
        "Model": model,
        **(extra or {}),
    }
    last_line = ", ".join(f"{key}: {_quote(value)}" for key, value in params.items() if value is not None)
    negative_line = f"\n{_NEGATIVE} {negative_prompt}" if negative_prompt else ""
    return f"{prompt}{negative_line}\n{last_line}".strip()


def parse_a1111_parameters(text: str) -> dict:
    """Inverse of :func:`a1111_parameters` (A1111's ``parse_generation_parameters``, minus its extras).

    Returns "prompt", "negative_prompt" and every "Key: value" of the last line
    as strings ("Steps": "25", "Size": "1024x1024"), quoted values unquoted.
    """
    *lines, last_line = text.strip().split("\n")
    if len(_PARAM.findall(last_line)) < 3:  # A1111's heuristic: no parameter line at all
        lines.append(last_line)
        last_line = ""
    prompt: list[str] = []
    negative: list[str] = []
    for line in (line.strip() for line in lines):
        if not negative and line.startswith(_NEGATIVE):
            negative.append(line[len(_NEGATIVE) :].strip())
        elif negative:
            negative.append(line)
        else:
            prompt.append(line)
    result: dict = {"prompt": "\n".join(prompt).strip(), "negative_prompt": "\n".join(negative).strip()}
    for key, value in _PARAM.findall(last_line):
        result[key] = _unquote(value.strip())
    return result


def _quote(value: object) -> str:
    """A1111's ``quote()``: JSON-quote a value holding a comma, colon or newline."""
    text = str(value)
    if "," not in text and ":" not in text and "\n" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _unquote(value: str) -> str:
    """Undo :func:`_quote` (A1111's ``unquote()``)."""
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def encode_png(image: Image.Image, parameters: str) -> bytes:
    """PNG bytes with ``parameters`` in a "parameters" text chunk (tEXt, or iTXt when not latin-1)."""
    info = PngImagePlugin.PngInfo()
    try:
        parameters.encode("latin-1")
        info.add_text("parameters", parameters)
    except UnicodeEncodeError:
        info.add_itxt("parameters", parameters)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def read_png_parameters(data: bytes) -> str | None:
    """The "parameters" text chunk of PNG bytes, or None when there is none."""
    with Image.open(io.BytesIO(data)) as image:
        return image.text.get("parameters") if image.format == "PNG" else None


def thumbnail_png(image: Image.Image, max_side: int = 256) -> bytes:
    """PNG bytes of ``image`` shrunk (never enlarged) to fit max_side x max_side, aspect kept."""
    thumb = image.copy()
    thumb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if thumb.mode not in ("RGB", "RGBA", "L", "LA"):
        thumb = thumb.convert("RGBA" if "A" in thumb.getbands() else "RGB")
    buffer = io.BytesIO()
    thumb.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def encode_mp4(frames: list, fps: int) -> bytes:
    """H.264 (libx264, yuv420p) MP4 bytes of PIL frames, via imageio-ffmpeg's bundled ffmpeg.

    yuv420p needs even dimensions, so odd sizes are padded by one edge pixel
    (repeating the border) rather than resized. ``+faststart`` puts the index
    first so browsers can start playing before the download ends.
    """
    if not frames:
        raise ValueError("encode_mp4 needs at least one frame.")
    arrays = [_even_rgb(frame) for frame in frames]
    height, width = arrays[0].shape[:2]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "video.mp4")
        writer = imageio_ffmpeg.write_frames(
            path,
            (width, height),
            fps=fps,
            codec="libx264",
            pix_fmt_out="yuv420p",
            macro_block_size=1,  # the default 16 would rescale with a warning
            output_params=["-movflags", "+faststart"],
        )
        writer.send(None)  # start ffmpeg
        for array in arrays:
            writer.send(np.ascontiguousarray(array))
        writer.close()
        with open(path, "rb") as file:
            return file.read()


def _even_rgb(frame: Image.Image) -> np.ndarray:
    """The frame as an RGB uint8 array padded to even width and height."""
    array = np.asarray(frame.convert("RGB"))
    pad_h, pad_w = array.shape[0] % 2, array.shape[1] % 2
    if pad_h or pad_w:
        array = np.pad(array, ((0, pad_h), (0, pad_w), (0, 0)), mode="edge")
    return array


def read_mp4_frames(data: bytes, indices: list[int]) -> list[Image.Image]:
    """The RGB frames of MP4 bytes at ``indices`` (0-based, decoding order), as PIL images.

    Frames are decoded one by one and only the wanted ones are kept, so a long
    video costs one frame of memory per index. An index past the end is skipped.
    """
    wanted = set(indices)
    frames: dict[int, Image.Image] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "video.mp4")
        with open(path, "wb") as file:
            file.write(data)
        reader = imageio_ffmpeg.read_frames(path, pix_fmt="rgb24")
        try:
            width, height = next(reader)["size"]
            for index, raw in enumerate(reader):
                if index in wanted:
                    frames[index] = Image.frombytes("RGB", (width, height), bytes(raw))
                if len(frames) == len(wanted):
                    break
        finally:
            reader.close()
    return [frames[index] for index in indices if index in frames]


def probe_mp4(data: bytes) -> dict:
    """Decode MP4 bytes and report frames, width, height, codec and duration_ms.

    The frame count comes from decoding every frame (``count_frames_and_secs``),
    not from container metadata. duration_ms is frames / fps: ffmpeg reports
    times rounded to 10 ms (9 frames at 8 fps read as 1.12 s or 1.13 s).
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "video.mp4")
        with open(path, "wb") as file:
            file.write(data)
        frames, seconds = imageio_ffmpeg.count_frames_and_secs(path)
        reader = imageio_ffmpeg.read_frames(path)
        try:
            meta = next(reader)
        finally:
            reader.close()
    width, height = meta["size"]
    return {
        "frames": frames,
        "width": width,
        "height": height,
        "codec": meta["codec"].split()[0],
        "duration_ms": round(frames * 1000 / meta["fps"]) if meta.get("fps") else round(seconds * 1000),
    }
