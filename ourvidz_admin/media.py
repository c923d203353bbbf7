"""Serving stored media through the app: only known types, inline only for images and video, never sniffed.

Uploads are re-encoded images under generated names (``ourvidz_admin.uploads``)
and workers write PNG, MP4 and their thumbnails, so every stored file has one
of the extensions below. The response's type comes from that list, never from
the browser's guess (``X-Content-Type-Options: nosniff``); anything else is
sent as an attachment, and a ``sandbox`` content security policy keeps a file
that slipped through from running script on the portal's origin.
A missing file is a 404.
"""

import posixpath
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils._os import safe_join

INLINE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
}
MEDIA_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


def media_headers(response, name: str, *, inline: bool) -> None:
    """The headers every media response carries."""
    filename = posixpath.basename(name).replace('"', "")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'


def media_serve(request, path: str):
    """GET a stored file under ``MEDIA_ROOT`` with the headers above; 404 when it is not there."""
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, posixpath.normpath(path).lstrip("/")))
    except Exception:  # noqa: BLE001 - a path that escapes MEDIA_ROOT is simply not there
        raise Http404("No such file.") from None
    if not full.is_file():
        raise Http404("No such file.")
    content_type = INLINE_TYPES.get(full.suffix.lower())
    response = FileResponse(full.open("rb"), content_type=content_type or "application/octet-stream")
    media_headers(response, full.name, inline=content_type is not None)
    return response
