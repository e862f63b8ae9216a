"""make_playable_copy and poster_jpeg: browser-playable, upright, scaled, cancellable, no partial files."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from kdcore.video import AnalysisProgress, VideoCancelled, VideoError, make_playable_copy, poster_jpeg, probe
from kdcore.video.playable import pick_encoder
from tests.kdcore.video import clips
from tests.kdcore.video.clips import needs_samples, sample

pytestmark = needs_samples


@pytest.mark.slow
def test_it_turns_hevc_quicktime_into_browser_playable_h264(tmp_path: Path) -> None:
    reports: list[AnalysisProgress] = []
    path = make_playable_copy(sample("face_noface.mov"), tmp_path / "copy", progress=reports.append)
    assert path == tmp_path / "copy.mp4"
    info = probe(path)
    assert info.browser_playable
    assert (info.codec, info.container, info.pixel_format) == ("h264", "mp4", "yuv420p")
    assert (info.width, info.height, info.rotation) == (960, 540, 0)
    assert info.frame_count == 169
    assert info.has_audio
    assert info.duration_s == pytest.approx(probe(sample("face_noface.mov")).duration_s, abs=0.05)
    assert info.variable_frame_rate
    np.testing.assert_allclose(_frame_times(path), _frame_times(sample("face_noface.mov")), atol=1e-3)
    assert reports[-1].frames_done == reports[-1].frames_total == 169
    assert list(tmp_path.iterdir()) == [path]


def _frame_times(path: Path) -> np.ndarray:
    """Every frame's time in seconds from the stream's start: the player's clock, and the analysis' time_s."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        start = stream.start_time or 0
        return np.array([float((f.pts - start) * stream.time_base) for f in container.decode(stream)])


def test_it_scales_down_to_the_height_limit(tmp_path: Path) -> None:
    info = probe(make_playable_copy(sample("single_face.mp4"), tmp_path / "new" / "folder" / "small", max_height=180))
    assert (info.width, info.height) == (320, 180)
    assert info.browser_playable


def test_it_writes_rotated_video_upright(tmp_path: Path) -> None:
    phone = clips.write_rotated(sample("single_face.mp4"), tmp_path / "phone.mov", degrees=90, frames=4)
    info = probe(make_playable_copy(phone, tmp_path / "upright"))
    assert (info.width, info.height, info.rotation) == (640, 360, 0)


def test_it_removes_the_partial_file_when_stopped(tmp_path: Path) -> None:
    with pytest.raises(VideoCancelled):
        make_playable_copy(sample("single_face.mp4"), tmp_path / "copy", should_stop=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_it_refuses_a_bad_file_without_writing_anything(tmp_path: Path) -> None:
    page = tmp_path / "page.mov"
    page.write_text(clips.HTML)
    with pytest.raises(VideoError, match="web page"):
        make_playable_copy(page, tmp_path / "copy")
    assert list(tmp_path.iterdir()) == [page]


def test_it_encodes_h264_with_this_pyav_build() -> None:
    assert pick_encoder().video == "libx264"


def _image(jpeg: bytes, tmp_path: Path) -> Image.Image:
    path = tmp_path / "poster.jpg"
    path.write_bytes(jpeg)
    return Image.open(path)


@pytest.mark.parametrize(("name", "size"), [("single_face.mp4", (320, 180)), ("multi_face.jpg", (320, 213))])
def test_it_makes_a_small_poster(tmp_path: Path, name: str, size: tuple[int, int]) -> None:
    image = _image(poster_jpeg(sample(name)), tmp_path)
    assert (image.format, image.size) == ("JPEG", size)


def test_it_makes_an_upright_poster_of_a_rotated_clip(tmp_path: Path) -> None:
    phone = clips.write_rotated(sample("single_face.mp4"), tmp_path / "phone.mp4", degrees=-90, frames=4)
    image = _image(poster_jpeg(phone, max_side=160), tmp_path)
    assert image.size == (160, 90)  # stored 360 × 640, shown (and posted) 640 × 360
