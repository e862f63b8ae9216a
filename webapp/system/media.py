"""Serving stored files to browsers, with HTTP Range so a <video> can seek (Chromium needs 206 answers to seek).

Views check who may see a file, then hand its path here; MEDIA_ROOT itself is never served.
"""

import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_PIECE = 256 * 1024


def _pieces(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as file:
        file.seek(start)
        while length > 0:
            piece = file.read(min(_PIECE, length))
            if not piece:
                return
            length -= len(piece)
            yield piece


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(start, end inclusive) of a single `bytes=` range within `size`, None when it cannot be served."""
    match = _RANGE.match(header.strip())
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    return (start, end) if start <= end < size else None


def file_response(request: HttpRequest, path: Path, *, content_type: str | None = None) -> HttpResponseBase:
    """The file, whole (200) or the one range asked for (206); 416 for a range outside it, 404 when missing."""
    if not path.is_file():
        raise Http404("That file is not stored any more.")
    content_type = content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    size = path.stat().st_size
    header = request.headers.get("Range", "")
    if not header:
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    span = _byte_range(header, size)
    if span is None:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    start, end = span
    partial = StreamingHttpResponse(_pieces(path, start, end - start + 1), status=206, content_type=content_type)
    partial["Content-Range"], partial["Content-Length"] = f"bytes {start}-{end}/{size}", str(end - start + 1)
    partial["Accept-Ranges"] = "bytes"
    return partial
