"""probe: the real clips' facts, and every kind of bad upload refused with a message that says what arrived."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kdcore.video import VideoError, probe
from tests.kdcore.video import clips
from tests.kdcore.video.clips import needs_samples, sample

pytestmark = needs_samples


def test_it_reads_a_browser_playable_h264_mp4() -> None:
    info = probe(sample("single_face.mp4"))
    assert (info.width, info.height, info.rotation) == (640, 360, 0)
    assert info.frame_count == 72
    assert info.frame_rate == pytest.approx(30.0)
    assert info.duration_s == pytest.approx(2.4, abs=0.05)
    assert (info.codec, info.container) == ("h264", "mp4")
    assert info.has_audio
    assert info.browser_playable
    assert not info.is_image
    assert not info.variable_frame_rate


def test_it_flags_hevc_in_quicktime_as_not_browser_playable() -> None:
    info = probe(sample("face_noface.mov"))
    assert (info.codec, info.container) == ("hevc", "mov")
    assert not info.browser_playable
    assert info.variable_frame_rate  # its frame gaps are 512 and 640 ticks
    assert (info.width, info.height) == (960, 540)


def test_it_treats_a_photo_as_a_one_frame_video() -> None:
    info = probe(sample("multi_face.jpg"))
    assert info.is_image
    assert (info.frame_count, info.duration_s, info.frame_rate) == (1, 0.0, 0.0)
    assert (info.width, info.height) == (1000, 667)
    assert not info.browser_playable


@pytest.mark.parametrize("degrees", [90, -90, 180])
def test_it_reports_the_displayed_size_of_a_rotated_clip(tmp_path: Path, degrees: int) -> None:
    path = clips.write_rotated(sample("single_face.mp4"), tmp_path / "phone.mp4", degrees=degrees, frames=3)
    info = probe(path)
    assert info.rotation == degrees % 360
    assert (info.width, info.height) == (640, 360)  # stored turned, displayed as the original


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _html(path: Path) -> Path:
    path.write_text(clips.HTML * 4)
    return path


BAD_INPUTS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("empty.mp4", _empty, "empty (0 bytes)"),
    ("photo.mp4", clips.write_png_as, "is an image (PNG), not a video; upload it as .png or .jpg"),
    ("page.mov", _html, "is a web page (HTML), not a video"),
    ("voice.m4a", clips.write_audio_only, "holds only audio (aac), no picture"),
    ("blank.mkv", clips.write_empty_video_track, "has a video track but not one frame of it can be decoded"),
    ("noise.mp4", clips.write_undecodable, "has a video track but not one frame of it can be decoded"),
    ("cut.mp4", lambda p: clips.write_truncated(sample("single_face.mp4"), p), "header is missing or damaged"),
    ("cut.mov", lambda p: clips.write_truncated(sample("face_noface.mov"), p, 0.3), "header is missing or damaged"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_INPUTS, ids=[name for name, _, _ in BAD_INPUTS])
def test_it_refuses_bad_input_with_a_clear_message(
    tmp_path: Path, name: str, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path / name)
    with pytest.raises(VideoError, match=r"expected a video|upload it as") as caught:
        probe(path)
    assert message in str(caught.value)
    assert name in str(caught.value)


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="no file at"):
        probe(tmp_path / "gone.mp4")
