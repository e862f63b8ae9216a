"""``make_playable_copy``: a copy every browser plays and seeks, upright, at most ``max_height`` tall.

H.264 in MP4 with the index up front (``movflags=+faststart``, so the player can seek before the download ends),
encoded by the libx264 that PyAV's wheel ships; VP9 in WebM where a build lacks it. Frame timestamps are kept
(shifted so the first frame is at 0), so the copy's clock is the analysis' ``time_s`` and a variable frame rate stays
variable. Audio is re-encoded (AAC or Opus) when the source has decodable audio: researchers listen to think-aloud.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.audio.stream
import av.container
import av.stream
import numpy as np

from kdcore.video._frames import average_rate, rotation_of, upright
from kdcore.video._media import open_media, video_stream
from kdcore.video.errors import VideoCancelled
from kdcore.video.probing import VideoInfo, probe
from kdcore.video.progress import Clock, ProgressCallback, ProgressMeter

STOP_CHECK_EVERY = 15  # frames between should_stop() polls
KEYFRAME_EVERY_S = 2.0  # a keyframe every 2 s keeps seeking in the player quick


@dataclass(frozen=True)
class Encoder:
    """A video codec, its container and audio codec, as one browser-playable combination."""

    video: str
    audio: str
    suffix: str
    format: str
    options: dict[str, str]
    container_options: dict[str, str]


H264_MP4 = Encoder("libx264", "aac", ".mp4", "mp4", {"crf": "23", "preset": "veryfast"}, {"movflags": "+faststart"})
VP9_WEBM = Encoder("libvpx-vp9", "libopus", ".webm", "webm", {"crf": "33", "b": "0", "deadline": "realtime"}, {})


def pick_encoder() -> Encoder:
    """H.264/MP4 when this PyAV build can encode it (its wheels ship libx264), else VP9/WebM."""
    for encoder in (H264_MP4, VP9_WEBM):
        if encoder.video in av.codecs_available:
            return encoder
    raise RuntimeError("this PyAV build encodes neither H.264 (libx264) nor VP9 (libvpx-vp9)")


def playable_size(info: VideoInfo, max_height: int) -> tuple[int, int]:
    """Displayed (width, height) scaled down to ``max_height`` if taller, both even (4:2:0 needs even sides)."""
    scale = min(1.0, max_height / info.height)
    width, height = round(info.width * scale), round(info.height * scale)
    return max(2, width - width % 2), max(2, height - height % 2)


def make_playable_copy(
    src: str | Path,
    dst_without_suffix: str | Path,
    *,
    max_height: int = 1080,
    progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    clock: Clock = time.monotonic,
) -> Path:
    """Re-encode ``src`` to ``dst_without_suffix`` + ``.mp4`` (or ``.webm``); returns the written path.

    Raises ``VideoError`` for a file that is not a usable video and ``VideoCancelled`` when ``should_stop()``
    answers True; either way no partial file is left behind. Written to ``<name>.part`` and renamed at the end;
    missing parent folders are created.
    """
    src, encoder = Path(src), pick_encoder()
    info = probe(src)
    dst = Path(f"{dst_without_suffix}{encoder.suffix}")
    dst.parent.mkdir(parents=True, exist_ok=True)
    part = dst.with_name(dst.name + ".part")
    meter = ProgressMeter(progress, total=info.frame_count, clock=clock)
    try:
        done = _transcode(src, part, encoder, info, max_height, meter, should_stop or (lambda: False))
        meter.report(done, final=True)
        part.replace(dst)
    finally:
        part.unlink(missing_ok=True)
    return dst


def _transcode(
    src: Path,
    part: Path,
    encoder: Encoder,
    info: VideoInfo,
    max_height: int,
    meter: ProgressMeter,
    should_stop: Callable[[], bool],
) -> int:
    """Write the copy to ``part``; returns the number of frames written."""
    with (
        open_media(src) as source,
        av.open(str(part), "w", format=encoder.format, container_options=encoder.container_options) as target,
    ):
        copier = _Copier(source, target, encoder, playable_size(info, max_height))
        for packet in source.demux(*copier.inputs):
            copier.copy(packet)
            if copier.frames % STOP_CHECK_EVERY == 0 and copier.frames:
                meter.update(copier.frames)
                if should_stop():
                    raise VideoCancelled(f"stopped after {copier.frames} frames of {src.name}")
        copier.finish()
        return copier.frames


class _Copier:
    """Decodes packets of the source's first video (and audio) stream and encodes them into the target."""

    def __init__(
        self,
        source: av.container.InputContainer,
        target: av.container.OutputContainer,
        encoder: Encoder,
        size: tuple[int, int],
    ) -> None:
        self.target, self.size, self.frames = target, size, 0
        self.video_in = video_stream(source, Path(source.name).name)
        self.video_out = _video_output(target, encoder, self.video_in, size)
        self.audio_in = source.streams.audio[0] if source.streams.audio else None
        self.audio_out = _audio_output(target, encoder) if self.audio_in is not None else None
        self.inputs = [s for s in (self.video_in, self.audio_in) if s is not None]
        self.start = self.video_in.start_time or 0
        self.rotation: int | None = None
        self.last_pts = -1

    def copy(self, packet: av.Packet[av.stream.Stream]) -> None:
        """Re-encode what one packet decodes to; a damaged packet is skipped as in analysis."""
        try:
            frames = packet.decode()
        except av.FFmpegError:
            return
        # Packets come only from `inputs`: one video stream (video frames) and at most one audio stream.
        for frame in frames:
            if isinstance(frame, av.VideoFrame):
                self._video(frame)
            elif isinstance(frame, av.AudioFrame) and self.audio_out is not None:
                self._mux(self.audio_out.encode(frame))

    def finish(self) -> None:
        """Drain both encoders."""
        self._mux(self.video_out.encode(None))
        if self.audio_out is not None:
            self._mux(self.audio_out.encode(None))

    def _video(self, frame: av.VideoFrame) -> None:
        if self.rotation is None:
            self.rotation = rotation_of(frame, self.video_in)
        pts = self.last_pts + 1 if frame.pts is None else max(frame.pts - self.start, self.last_pts + 1)
        out = self._upright(frame).reformat(width=self.size[0], height=self.size[1], format="yuv420p")
        out.pts, out.time_base, self.last_pts = pts, self.video_in.time_base, pts
        self._mux(self.video_out.encode(out))
        self.frames += 1

    def _upright(self, frame: av.VideoFrame) -> av.VideoFrame:
        if not self.rotation:
            return frame
        rgb = np.ascontiguousarray(upright(frame.to_ndarray(format="rgb24"), self.rotation))
        return av.VideoFrame.from_ndarray(rgb, format="rgb24")

    def _mux(self, packets: list[av.Packet[av.stream.Stream]]) -> None:
        for packet in packets:
            self.target.mux(packet)


def _video_output(
    target: av.container.OutputContainer,
    encoder: Encoder,
    source: av.video.stream.VideoStream,
    size: tuple[int, int],
) -> av.video.stream.VideoStream:
    rate = average_rate(source) or 30.0
    stream = target.add_stream(encoder.video, rate=round(rate))
    assert isinstance(stream, av.VideoStream), f"{encoder.video} is a video codec"
    assert source.time_base is not None, "a demuxed stream always has a time base"
    stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
    stream.codec_context.time_base = source.time_base or Fraction(1, round(rate))
    stream.codec_context.gop_size = max(1, round(rate * KEYFRAME_EVERY_S))
    stream.codec_context.options = dict(encoder.options)
    return stream


def _audio_output(target: av.container.OutputContainer, encoder: Encoder) -> av.AudioStream:
    stream = target.add_stream(encoder.audio, rate=48000)
    assert isinstance(stream, av.AudioStream), f"{encoder.audio} is an audio codec"
    return stream
