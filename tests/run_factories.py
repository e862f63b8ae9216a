"""Factories for jobs: a queued tiny CPU job, and a finished one to distil from."""

from typing import Any

import factory
from factory.django import DjangoModelFactory

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.factories import TeamFactory
from webapp.datasets.models import CLASS_NAMES
from webapp.runs.configs import train_config_build
from webapp.runs.models import Run

TINY_SETTINGS: dict[str, Any] = {
    "model": "mini_resemotenet", "width_mult": 0.0625, "epochs": 1, "batch_size": 8, "lr": 0.01, "device": "cpu",
}  # fmt: skip


def tiny_config(teacher: Run | None = None, **settings: Any) -> dict[str, Any]:
    """The stored config of a tiny CPU job (a distillation when `teacher` is given)."""
    path = teacher.checkpoint_path if teacher else None
    return train_config_build(settings={**TINY_SETTINGS, **settings}, teacher_checkpoint=path, on_cpu=True).to_dict()


class RunFactory(DjangoModelFactory):
    """A queued job on the cpu queue; pass `teacher=` for a distillation, `status=` and friends for later states."""

    class Meta:
        model = Run

    team = factory.SubFactory(TeamFactory)
    dataset_version = factory.LazyAttribute(lambda run: version_with_faces(DatasetFactory(team=run.team)))
    teacher = None
    queue = Run.Queue.CPU
    config = factory.LazyAttribute(lambda run: tiny_config(run.teacher))


class TeacherRunFactory(RunFactory):
    """A finished job with a checkpoint: something to distil from."""

    status = Run.Status.SUCCEEDED
    checkpoint_path = factory.Sequence(lambda n: f"runs/teacher-{n}/best.pt")
    class_names = factory.LazyFunction(lambda: list(CLASS_NAMES))
    metrics = factory.LazyFunction(lambda: {"val": {"accuracy": 0.5}, "test": {"accuracy": 0.6}})
