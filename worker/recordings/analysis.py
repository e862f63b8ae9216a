"""Analyse one recording with one model: claim, run `kdcore.video.analyze_video`, stream, store, summarise.

Chunks of per-frame rows are written as they come (Parquet + live rows) and published to the analysis's watchers
a few times a second; progress (frames/s, ETA) and the cancel flag are checked about once a second. At the end the
report's files are written and the summary stored. A bad video fails the analysis with kdcore's message.
"""

import dataclasses
import logging
import shutil
from functools import partial
from pathlib import Path
from typing import Any

import torch
from django.conf import settings

from kdcore.checkpoint import load_checkpoint
from kdcore.pretrained import load_default_model
from kdcore.runtime import resolve_device
from kdcore.video import AnalysisSettings, VideoError, analyze_video
from webapp.recordings import selectors, services, storage
from webapp.recordings.models import Analysis
from worker.failures import expected_failure, failure_message, is_expected
from worker.lifecycle import TaskHeartbeat
from worker.recordings.report_files import write_exports, write_moments, write_timeline
from worker.recordings.reporter import AnalysisReporter
from worker.recordings.results import ResultWriter, read_frames

logger = logging.getLogger(__name__)


def analyse_run(analysis_id: int, *, hostname: str) -> None:
    """Run analysis `analysis_id` here, unless it was cancelled or deleted while queued.

    A permanent error marks it failed with a message a user can act on (an expected one, such as a GPU out of memory,
    in one log line); an unexpected one also propagates so that Celery logs it with its traceback.
    """
    analysis = selectors.analysis_get_for_worker(analysis_id=analysis_id)
    if analysis is None or analysis.status != Analysis.Status.QUEUED:  # deleted, or a redelivered message
        return
    try:
        model, device, config = _prepare(analysis)
    except Exception as error:
        services.analysis_mark_failed(analysis_id=analysis_id, message=failure_message(error))
        raise
    if services.analysis_start(analysis_id=analysis_id, hostname=hostname, device=device.type) is None:
        return
    beat = partial(services.ANALYSES.heartbeat, analysis_id)
    try:
        with TaskHeartbeat(beat, name=f"analysis-{analysis_id}", interval=settings.TASK_HEARTBEAT_SECONDS):
            _analyse(analysis, model, device, config)
    except VideoError as error:
        logger.info("analysis #%s: the video cannot be read: %s", analysis_id, error)
        services.analysis_mark_failed(analysis_id=analysis_id, message=str(error))
    except Exception as error:
        services.analysis_mark_failed(analysis_id=analysis_id, message=failure_message(error))
        if is_expected(error):
            raise expected_failure(error, task=f"analysis #{analysis_id}") from error
        raise
    finally:
        if not Analysis.objects.filter(pk=analysis_id).exists():  # its recording was deleted: take our files too
            storage.tree_delete(storage.media_path(analysis.result_dir))


def _prepare(analysis: Analysis) -> tuple[torch.nn.Module, torch.device, AnalysisSettings]:
    config = AnalysisSettings.from_dict(analysis.config)
    device = resolve_device("auto")
    if analysis.model_run is None:
        model, _ = load_default_model(device=device)
    else:
        model, _, _ = load_checkpoint(storage.media_path(analysis.model_run.checkpoint_path), device=device)
    return model, device, config


def _analyse(analysis: Analysis, model: torch.nn.Module, device: torch.device, config: AnalysisSettings) -> None:
    folder = storage.media_path(analysis.result_dir)
    shutil.rmtree(folder, ignore_errors=True)  # a redelivered task starts clean
    writer = ResultWriter(folder)
    reporter = AnalysisReporter(analysis.pk, writer)
    path = storage.media_path(analysis.recording.original_path)
    try:
        result = analyze_video(
            path, model, settings=config, device=device, on_chunk=reporter.on_chunk, progress=reporter.on_progress,
            should_stop=reporter.should_stop,
        )  # fmt: skip
    finally:
        reporter.flush()
        writer.close()
    if result.stopped:
        if reporter.stop_reason == services.STOP_CANCELLED:
            services.analysis_mark_cancelled(analysis_id=analysis.pk)
        return
    summary = _finish_files(folder, result, info=analysis.recording.info)
    services.analysis_mark_succeeded(analysis_id=analysis.pk, summary={**summary, "model": analysis.model_label})


def _finish_files(folder: Path, result: Any, *, info: dict[str, Any]) -> dict[str, Any]:
    """Write the report's files and return the summary stored with the analysis."""
    table = read_frames(folder)
    duration = float(info.get("duration_s") or result.duration_s or 0.0)
    timeline = write_timeline(folder, table, duration_s=duration, frame_rate=float(info.get("frame_rate") or 30.0))
    write_exports(folder, table)
    return {
        "frames": result.frames, "duration_s": result.duration_s, "seconds": round(result.seconds, 3),
        "frames_per_s": round(result.frames_per_s, 2),
        "realtime_factor": round(result.duration_s / result.seconds, 2) if result.seconds > 0 else None,
        "no_face_frames": int(sum(timeline["frames"])) - _frames_with_faces(table),
        "tracks": [dataclasses.asdict(track) for track in result.tracks],
        "participant_track": result.participant_track, "moments": write_moments(folder, result.moments),
        "timings": {name: round(value, 3) for name, value in result.timings.items()},
        "bin_s": timeline["bin_s"],
    }  # fmt: skip


def _frames_with_faces(table: Any) -> int:
    import pyarrow.compute as pc

    # ignore[call-overload]: pyarrow-stubs leave out the plain Python scalars that pyarrow.compute accepts.
    with_face = table.filter(pc.greater_equal(table.column("track"), 0))  # type: ignore[call-overload]
    return len(pc.unique(with_face.column("frame")))
