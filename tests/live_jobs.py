"""Helpers for tests that run jobs on the live Studio (tests/stack.py): real faces, a real teacher, waiting.

The live worker reads faces and checkpoints under its own MEDIA_ROOT, so these write there.
"""

import time
from pathlib import Path

import pytest
import torch
from django.db import transaction
from pytest_django.fixtures import Settings

from kdcore.checkpoint import save_checkpoint
from kdcore.models import create_model
from tests.faces import emotion_faces
from tests.run_factories import TINY_SETTINGS, TeacherRunFactory
from tests.stack import LiveStudio
from webapp.accounts.models import Team, User
from webapp.datasets import services as dataset_services
from webapp.datasets.models import CLASS_NAMES, DatasetVersion
from webapp.datasets.services.versions import version_create
from webapp.runs.models import Run
from worker.datasets.faces import faces_store


def use_live_media(settings: Settings, studio: LiveStudio) -> Path:
    """Point this test process's MEDIA_ROOT at the live worker's, so both see the same files."""
    media = studio.log_path.parent / "media"
    settings.MEDIA_ROOT = media
    return media


def face_version_create(*, team: Team, user: User, per_class: int = 6) -> DatasetVersion:
    """A dataset version of generated faces (7 classes, train/val/test), stored as an import would store them."""
    arrays = emotion_faces(per_class=per_class)
    hashes = faces_store(arrays.images)
    rows = [
        dataset_services.FaceRow(name, int(label), int(split), sha)
        for name, label, split, sha in zip(arrays.names, arrays.labels, arrays.splits, hashes, strict=True)
    ]
    with transaction.atomic():
        dataset = dataset_services.dataset_create(team=team, user=user, name=f"Stripes {time.monotonic_ns()}")
        return version_create(dataset=dataset, rows=rows, image_size=arrays.image_size, user=user, note="generated")


def teacher_create(*, team: Team, version: DatasetVersion, media: Path) -> Run:
    """A finished job with a real (untrained, seeded) tiny checkpoint on disk: something to distil from."""
    run = TeacherRunFactory(team=team, dataset_version=version, class_names=list(CLASS_NAMES))
    torch.manual_seed(0)
    model = create_model("mini_resemotenet", width_mult=TINY_SETTINGS["width_mult"], num_classes=len(CLASS_NAMES))
    save_checkpoint(media / run.checkpoint_path, model, run.config, {"class_names": list(CLASS_NAMES)})
    return run


def wait_for_status(run: Run, statuses: set[str], *, timeout: float, studio: LiveStudio) -> Run:
    """Poll the job until it reaches one of `statuses`; fail with the worker's log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in statuses:
            return run
        time.sleep(0.2)
    log = studio.log_path.read_text()[-4000:]
    pytest.fail(f"job #{run.pk} is {run.status} ({run.status_message}), not {statuses}, after {timeout:.0f} s\n{log}")


def wait_for_latency(run: Run, *, timeout: float, studio: LiveStudio) -> Run:
    """Poll a finished job until its latency measurement (its own task, queued when it succeeded) is stored."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.latency_measured and not run.latency_pending:
            return run
        time.sleep(0.2)
    log = studio.log_path.read_text()[-4000:]
    pytest.fail(f"job #{run.pk}'s latency was not measured after {timeout:.0f} s ({run.latency})\n{log}")
