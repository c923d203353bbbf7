"""Serve a pair's output by its blind label, so raters never see a job id or file path.

Stored files are streamed; PNGs lose their text chunks on the way, because
the workers write AUTOMATIC1111's infotext (final prompt, strategy, job id)
into them. Outputs that live at an external URL can only be redirected to.
"""

import os

from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect

from ourvidz_admin.media import media_headers

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_CHUNKS = {b"tEXt", b"iTXt", b"zTXt"}


def png_without_text(data: bytes) -> bytes:
    """The PNG ``data`` with its tEXt/iTXt/zTXt chunks removed (pixels untouched)."""
    if not data.startswith(_PNG_SIGNATURE):
        return data
    kept, position = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    while position + 12 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        end = position + 12 + length
        if data[position + 4:position + 8] not in _TEXT_CHUNKS:
            kept.append(data[position:end])
        position = end
    return b"".join(kept)


def blind_output_response(output, label: str):
    """The output's bytes as ``<label>.<ext>`` with no identifying headers; 404 when the file is gone."""
    if not output.file:
        return HttpResponseRedirect(output.url)
    extension = os.path.splitext(output.file.name)[1].lower()
    try:
        if output.mime_type == "image/png" or extension == ".png":
            with output.file.open("rb") as handle:
                response = HttpResponse(png_without_text(handle.read()), content_type="image/png")
        else:
            response = FileResponse(output.file.open("rb"), content_type=output.mime_type or None,
                                    filename=f"{label}{extension}")
    except OSError:  # the row outlived its file (deleted or never copied to this storage)
        raise Http404("This output's file is missing.") from None
    media_headers(response, f"{label}{extension}", inline=True)
    response["Cache-Control"] = "private, max-age=3600"
    return response
