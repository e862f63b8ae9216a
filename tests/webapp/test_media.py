"""Stored files served with HTTP Range, so a video can seek."""

from pathlib import Path

import pytest
from django.http import Http404
from django.test import RequestFactory

from webapp.system.media import file_response


@pytest.fixture
def movie(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    path.write_bytes(bytes(range(256)) * 4)
    return path


def _get(path: Path, range_header: str = "") -> tuple[int, bytes, dict[str, str]]:
    request = RequestFactory().get("/", headers={"Range": range_header} if range_header else {})
    response = file_response(request, path)
    streamed = getattr(response, "streaming_content", None)
    body = b"".join(streamed) if streamed is not None else response.content
    return response.status_code, body, dict(response.headers)


def test_it_serves_the_whole_file_and_says_it_takes_ranges(movie: Path) -> None:
    status, body, headers = _get(movie)
    assert (status, body, headers["Accept-Ranges"]) == (200, movie.read_bytes(), "bytes")


@pytest.mark.parametrize(
    ("header", "start", "end"), [("bytes=0-9", 0, 9), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023)]
)
def test_it_serves_a_range(movie: Path, header: str, start: int, end: int) -> None:
    status, body, headers = _get(movie, header)
    assert status == 206
    assert body == movie.read_bytes()[start : end + 1]
    assert headers["Content-Range"] == f"bytes {start}-{end}/1024"


def test_it_refuses_a_range_outside_the_file(movie: Path) -> None:
    status, _, headers = _get(movie, "bytes=5000-6000")
    assert (status, headers["Content-Range"]) == (416, "bytes */1024")


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(Http404):
        file_response(RequestFactory().get("/"), tmp_path / "gone.mp4")
