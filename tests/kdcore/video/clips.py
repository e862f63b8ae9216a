"""Real sample clips from ../shared and small generated files: broken uploads, a rotated phone-style clip."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

VIDEOS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "videos"
needs_samples = pytest.mark.skipif(not VIDEOS.is_dir(), reason="needs ../shared/data/videos")
HTML = "<!doctype html>\n<html><head><title>Download</title></head><body>Your file is ready.</body></html>\n"


def sample(name: str) -> Path:
    """A clip of the shared sample set (single_face.mp4, no_face.mp4, face_noface.mov, multi_face.jpg, …)."""
    return VIDEOS / name


def write_truncated(source: Path, target: Path, fraction: float = 0.5) -> Path:
    """The first ``fraction`` of ``source``'s bytes: an upload cut short."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * fraction)])
    return target


def write_png_as(target: Path) -> Path:
    """A real PNG under ``target``'s (video) name."""
    Image.fromarray(np.full((32, 48, 3), 128, dtype=np.uint8)).save(target, format="PNG")
    return target


def _silence(pts: int) -> av.AudioFrame:
    """1,024 samples of mono silence at 44.1 kHz, starting at sample `pts`."""
    frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
    frame.sample_rate, frame.pts = 44100, pts
    return frame


def write_audio_only(target: Path, *, seconds: float = 0.5) -> Path:
    """An AAC file with no picture."""
    with av.open(str(target), "w") as out:
        stream = out.add_stream("aac", rate=44100)
        for index in range(int(seconds * 44100 / 1024)):
            out.mux(stream.encode(_silence(index * 1024)))
        out.mux(stream.encode(None))
    return target


def write_empty_video_track(target: Path) -> Path:
    """A Matroska file whose H.264 track holds no frame (an audio track keeps the file non-empty)."""
    with av.open(str(target), "w") as out:
        video = out.add_stream("libx264", rate=30)
        video.width, video.height, video.pix_fmt = 64, 64, "yuv420p"
        audio = out.add_stream("aac", rate=44100)
        out.mux(audio.encode(_silence(0)))
        out.mux(audio.encode(None))
    return target


def write_undecodable(target: Path) -> Path:
    """An MP4 whose H.264 packets are random bytes: a video track without one decodable frame."""
    with av.open(str(target), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        out.start_encoding()
        rng = np.random.default_rng(0)
        for index in range(5):
            packet = av.Packet(rng.integers(0, 255, 300, dtype=np.uint8).tobytes())
            packet.stream, packet.pts, packet.dts, packet.time_base = stream, index, index, stream.time_base
            out.mux(packet)
    return target


def write_rotated(source: Path, target: Path, *, degrees: int, frames: int = 9) -> Path:
    """``source``'s first frames stored turned, with a display matrix of ``degrees`` (counter-clockwise) that turns
    them upright again: how a phone stores portrait video."""
    with av.open(str(source)) as container:
        decoded = itertools.islice(container.decode(video=0), frames)
        pictures = [frame.to_ndarray(format="rgb24") for frame in decoded]
    with av.open(str(target), "w") as out:
        coded = [np.ascontiguousarray(np.rot90(p, k=-degrees // 90)) for p in pictures]
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = coded[0].shape[1], coded[0].shape[0], "yuv420p"
        stream.set_display_rotation(degrees)
        for index, picture in enumerate(coded):
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return target
