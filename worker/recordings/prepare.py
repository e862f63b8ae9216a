"""Prepare one uploaded recording: probe it with PyAV, write its poster, and a browser-playable copy if needed.

The probe decides: a file that is not a decodable video (or photo) fails with the probe's message and is deleted,
nothing half-stored stays behind. Analyses waiting for the recording are queued as soon as the probe succeeds; the
playable copy (which can take minutes for a long HEVC recording) is made while they run.
"""

import dataclasses
import logging
from functools import partial
from pathlib import Path

from django.conf import settings

from kdcore.video import AnalysisSettings, VideoError, make_playable_copy, poster_jpeg, probe
from webapp.recordings import services, storage
from webapp.recordings.models import Recording
from worker.lifecycle import TaskHeartbeat

logger = logging.getLogger(__name__)

MAX_PLAYED_SIDE = 3840  # larger originals (8K) are played from a copy at most 1080 px high


def prepare_run(recording_id: int, *, hostname: str) -> None:
    """Prepare recording `recording_id` on this worker; a redelivered or deleted one does nothing."""
    recording = services.recording_prepare_start(recording_id=recording_id, hostname=hostname)
    if recording is None:
        return
    beat = partial(services.recording_prepare_heartbeat, recording_id=recording_id)
    try:
        with TaskHeartbeat(beat, name=f"recording-{recording_id}", interval=settings.TASK_HEARTBEAT_SECONDS):
            _prepare(recording)
    except VideoError as error:
        logger.info("recording #%s is not usable: %s", recording_id, error)
        services.recording_prepare_fail(
            recording_id=recording_id, message=f"{error} The file was not kept.", unusable=True
        )
    except Exception as error:  # a fault of ours: Celery logs it once, with its traceback
        services.recording_prepare_fail(
            recording_id=recording_id, message=f"Preparing the recording failed ({type(error).__name__}: {error}).",
            unusable=False,
        )  # fmt: skip
        raise
    finally:
        if not Recording.objects.filter(pk=recording_id).exists():  # deleted meanwhile: take our files with it
            storage.tree_delete(storage.recording_folder(recording_id))


def _prepare(recording: Recording) -> None:
    original = storage.media_path(recording.original_path)
    info = probe(original)
    folder = storage.recording_folder(recording.pk)
    (folder / "poster.jpg").write_bytes(poster_jpeg(original))
    too_large = max(info.width, info.height) > MAX_PLAYED_SIDE
    needs_copy = not info.is_image and (not info.browser_playable or too_large)
    services.recording_probed(
        recording_id=recording.pk, info=dataclasses.asdict(info), poster_path=f"{recording.folder}/poster.jpg",
        message=_probed_message(info.width, info.height, needs_copy=needs_copy, too_large=too_large),
    )  # fmt: skip
    playable = _playable_copy(recording, original, folder) if needs_copy else ""
    services.recording_prepare_succeeded(recording_id=recording.pk, playable_path=playable)


def _probed_message(width: int, height: int, *, needs_copy: bool, too_large: bool) -> str:
    """What the recording's page says once it is probed."""
    if too_large:
        return (
            f"A {width}×{height} video: faces are found on frames scaled down to at most "
            f"{AnalysisSettings().analysis_width} px wide, and the browser plays a copy at most 1080 px high, made "
            "while the analysis runs"
        )
    return "Making a copy the browser can play; analysis runs meanwhile" if needs_copy else "Ready"


def _playable_copy(recording: Recording, original: Path, folder: Path) -> str:
    """An H.264/VP9 copy the report's player can show; '' when it could not be made (the report still works)."""
    stop = partial(services.recording_stop_requested, recording_id=recording.pk)
    try:
        written = make_playable_copy(original, folder / "playable", max_height=1080, should_stop=stop)
    except VideoError as error:
        logger.warning("no playable copy of recording #%s: %s", recording.pk, error)
        return ""
    return written.relative_to(Path(settings.MEDIA_ROOT)).as_posix()
