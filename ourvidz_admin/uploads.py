"""Uploaded images: decoded, checked, re-encoded and stored by content, or refused with one clear sentence.

An upload is an image or nothing. Pillow identifies and verifies it, then
decodes it again from scratch (``verify`` leaves the file unusable) within
size and pixel limits; only PNG, JPEG and WebP in ordinary colour modes pass.
The pixels are re-encoded in the same format, so nothing of the original file
(a script after the image data, text chunks, an HTML or SVG polyglot) is kept,
and the result is stored under a name made of its SHA-256: ``uploads/ab/<hash>.png``.
The same image uploaded twice is one file; rows that share it are counted
before a file is deleted (``stored_file_release``).
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

# Pillow format -> (extension, MIME type, save options).
FORMATS = {
    "PNG": ("png", "image/png", {"optimize": False}),
    "JPEG": ("jpg", "image/jpeg", {"quality": 95}),
    "WEBP": ("webp", "image/webp", {"quality": 95}),
}
# Colour modes accepted, and what each is stored as.
MODES = {"1": "L", "L": "L", "LA": "LA", "P": "RGBA", "RGB": "RGB", "RGBA": "RGBA"}
JPEG_MODES = ("L", "RGB")  # JPEG has no alpha channel
UPLOAD_PREFIX = "uploads"


@dataclass(frozen=True)
class StoredImage:
    """A cleaned upload, written to storage under ``name``."""

    name: str
    mime_type: str
    width: int
    height: int
    size: int


def _limits() -> tuple[int, int]:
    return settings.UPLOAD_MAX_BYTES, settings.UPLOAD_MAX_PIXELS


def _read(upload, label: str) -> bytes:
    max_bytes, _pixels = _limits()
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(f"{label} is {size:,} bytes; the limit is {max_bytes:,}.", code="too_large")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise ValidationError(f"{label} is over {max_bytes:,} bytes, the limit.", code="too_large")
    if not data:
        raise ValidationError(f"{label} is empty.", code="empty")
    return data


def _decode(data: bytes, label: str):
    """The decoded image, or ValidationError; Pillow's own errors never reach the message."""
    from PIL import Image, UnidentifiedImageError

    _bytes, max_pixels = _limits()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise ValidationError(f"{label} is a {kind or 'unknown'} file; upload a PNG, JPEG or WebP image.",
                                      code="format")
            width, height = probe.size
            if width * height > max_pixels:
                raise ValidationError(f"{label} is {width}×{height} pixels; the limit is {max_pixels:,} pixels.",
                                      code="too_many_pixels")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except ValidationError:
        raise
    except UnidentifiedImageError:
        raise ValidationError(f"{label} is not an image; upload a PNG, JPEG or WebP image.", code="not_image") from None
    except Image.DecompressionBombError:
        raise ValidationError(f"{label} has too many pixels to decode safely.", code="too_many_pixels") from None
    except Exception:  # noqa: BLE001 - a damaged file raises whatever its decoder raises
        raise ValidationError(f"{label} is damaged or truncated and cannot be read as an image.",
                              code="damaged") from None
    if image.mode not in MODES:
        raise ValidationError(f"{label} uses the {image.mode} colour mode; save it as RGB or RGBA and try again.",
                              code="mode")
    return kind, image


@dataclass(frozen=True)
class CheckedImage:
    """An upload that passed the checks, re-encoded and ready to store (``image_store``)."""

    content: bytes
    extension: str
    mime_type: str
    width: int
    height: int


def image_upload_check(upload, *, label: str = "The uploaded file") -> CheckedImage:
    """Decode, check and re-encode ``upload``; ``ValidationError`` with one sentence when it is not a fit image.

    Nothing is written. ``label`` names the upload in messages ("Input image #2").
    """
    kind, image = _decode(_read(upload, label), label)
    extension, mime_type, options = FORMATS[kind]
    mode = MODES[image.mode]
    if kind == "JPEG" and mode not in JPEG_MODES:
        mode = "RGB"
    clean = image.convert(mode) if image.mode != mode else image
    buffer = io.BytesIO()
    clean.save(buffer, format=kind, **options)
    return CheckedImage(buffer.getvalue(), extension, mime_type, clean.width, clean.height)


def image_store(image: CheckedImage, *, prefix: str = UPLOAD_PREFIX) -> StoredImage:
    """Write a checked image under its content hash (once: the same pixels are one file).

    ``prefix`` keeps files of another owner apart from job uploads (which are reclaimed when no job uses them).
    """
    digest = hashlib.sha256(image.content).hexdigest()
    name = f"{prefix}/{digest[:2]}/{digest}.{image.extension}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(image.content))
    return StoredImage(name=name, mime_type=image.mime_type, width=image.width, height=image.height,
                       size=len(image.content))


def stored_file_release(name: str, *, still_used) -> bool:
    """Delete the stored file ``name`` unless ``still_used(name)`` says another row references it.

    Returns whether the file was deleted. Call it after the deleting
    transaction commits, so a rolled-back delete keeps its file.
    """
    if not name or still_used(name):
        return False
    default_storage.delete(name)
    return True
