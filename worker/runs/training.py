"""One training or distillation job, start to finish: claim it, train with kdcore, store what it made.

The Celery task (`worker.tasks.run_training`) only calls `train_run`; each step here is small so that tests
can swap `fit` or the dataset reader for fakes.
"""

import dataclasses
import logging
from functools import partial
from pathlib import Path

import torch
from django.conf import settings

from kdcore.benchmark import count_parameters
from kdcore.checkpoint import save_checkpoint
from kdcore.config import TrainConfig
from kdcore.data import DatasetError, FaceArrays
from kdcore.export import check_parity, export_onnx
from kdcore.runtime import resolve_device
from kdcore.train import FitResult, fit
from kdcore.train.loop import checkpoint_meta
from kdcore.train.resume import RESUME_NAME
from webapp.runs import selectors, services
from webapp.runs.models import Run
from worker.datasets import version_face_arrays
from worker.failures import expected_failure, failure_message, is_expected
from worker.lifecycle import TaskHeartbeat
from worker.runs.predictions import store_predictions
from worker.runs.progress import RunProgressCallback

logger = logging.getLogger(__name__)

CHECKPOINT_NAME, ONNX_NAME = "best.pt", "model.onnx"


def media_path(relative: str) -> Path:
    """An absolute path under MEDIA_ROOT for a path stored relative to it."""
    return Path(settings.MEDIA_ROOT) / relative


def runtime_config(run: Run) -> TrainConfig:
    """The stored config with the teacher's checkpoint resolved on this machine's MEDIA_ROOT."""
    cfg = TrainConfig.from_dict(run.config)
    if cfg.distill is None:
        return cfg
    paths = tuple(str(media_path(path)) for path in cfg.distill.teacher_checkpoints)
    return dataclasses.replace(cfg, distill=dataclasses.replace(cfg.distill, teacher_checkpoints=paths))


def check_teacher_classes(run: Run, arrays: FaceArrays) -> None:
    """A teacher must predict the classes the student learns, in the same order."""
    teacher = run.teacher
    if teacher is not None and teacher.class_names and tuple(teacher.class_names) != tuple(arrays.class_names):
        raise DatasetError(
            f"The teacher (job #{teacher.pk}) learned the classes {', '.join(teacher.class_names)}, but this dataset "
            f"version has {', '.join(arrays.class_names)}: pick a teacher trained on the same classes."
        )


def dataset_version_meta(run: Run) -> dict[str, object]:
    """Which dataset version a checkpoint was trained on, as the Studio's pages name it: its id, its label and the
    fingerprint they show (kdcore's own, over the arrays, is `arrays_fingerprint`)."""
    version = run.dataset_version
    return {"id": version.pk, "label": str(version), "fingerprint": version.fingerprint}


def store_artifacts(run: Run, result: FitResult) -> services.RunArtifacts:
    """Write the checkpoint and ONNX export under MEDIA_ROOT/runs/<id>/.

    Latency is not measured here: this process may share the CPU with another job. `run_mark_succeeded` queues the
    measurement as its own task (`worker.runs.latency`), which waits until the machine is idle.
    """
    checkpoint = f"{run.artifact_dir}/{CHECKPOINT_NAME}"
    meta = {**checkpoint_meta(result), "dataset_version": dataset_version_meta(run)}
    size = save_checkpoint(media_path(checkpoint), result.model, result.config, meta).stat().st_size
    onnx = f"{run.artifact_dir}/{ONNX_NAME}"
    parity = _export_onnx(result, media_path(onnx))
    return services.RunArtifacts(
        checkpoint_path=checkpoint, onnx_path=onnx if parity is not None else "", onnx_max_abs_diff=parity,
        parameters=count_parameters(result.model), size_bytes=size,
    )  # fmt: skip


def drop_resume_state(run: Run) -> None:
    """A finished job keeps what a user needs (best weights, ONNX export, metrics in the database): resume state
    (`last.pt`) and half-written files left in its folder go, whichever way it ended."""
    folder = media_path(run.artifact_dir)
    leftovers = [folder / RESUME_NAME, *folder.glob("*.tmp")] if folder.is_dir() else []
    for path in leftovers:
        path.unlink(missing_ok=True)


def _export_onnx(result: FitResult, path: Path) -> float | None:
    """Export and return the largest logit difference from eager PyTorch; a failure costs the export, not the model."""
    try:
        export_onnx(result.model, path, class_names=result.class_names)
        return check_parity(result.model, path, "onnx")
    except Exception as error:
        logger.warning("ONNX export to %s failed, keeping the checkpoint only: %s", path, error)
        path.unlink(missing_ok=True)
        return None


def _prepare(run: Run) -> tuple[TrainConfig, torch.device]:
    cfg = runtime_config(run)
    return cfg, resolve_device(cfg.device)


def _train(run: Run, cfg: TrainConfig, device: torch.device) -> None:
    """Read the data, fit, and record how it ended; runs under the job's heartbeat."""
    arrays = version_face_arrays(run.dataset_version_id)
    check_teacher_classes(run, arrays)
    result = fit(cfg, device=device, callbacks=[RunProgressCallback(run.pk)], arrays=arrays)
    if result.stopped:
        if result.stop_reason == services.STOP_CANCELLED:
            services.run_mark_cancelled(run_id=run.pk)
        return  # otherwise the job was taken from this worker (reaped): nothing left to record
    store_predictions(run, result, arrays, cfg)  # while the model is still on its device
    artifacts = store_artifacts(run, result)
    services.run_mark_succeeded(
        run_id=run.pk, metrics=result.metrics(), class_names=list(result.class_names), artifacts=artifacts
    )


def train_run(run_id: int, *, hostname: str) -> None:
    """Run job `run_id` on this worker, unless it was cancelled while queued.

    A failure marks the job failed with a message a user can act on; an expected one (settings, data, memory) then
    raises `TaskFailedError` (one log line), anything else propagates with its traceback.
    """
    run = selectors.run_load(run_id=run_id)
    if run.status != Run.Status.QUEUED:  # a redelivered message: running elsewhere, or ended
        return
    try:
        cfg, device = _prepare(run)
    except Exception as error:  # its settings cannot work here (a config, a device): the user's to change
        services.run_mark_failed(run_id=run_id, message=failure_message(error))
        raise expected_failure(error, task=f"job #{run_id}") from error
    if services.run_start(run_id=run_id, hostname=hostname, device=device.type) is None:
        return
    try:
        beat = partial(services.run_heartbeat, run_id=run_id)
        with TaskHeartbeat(beat, name=f"job-{run_id}", interval=settings.TASK_HEARTBEAT_SECONDS):
            _train(run, cfg, device)
    except Exception as error:
        services.run_mark_failed(run_id=run_id, message=failure_message(error))
        if is_expected(error):
            raise expected_failure(error, task=f"job #{run_id}") from error
        raise
    finally:
        drop_resume_state(run)
