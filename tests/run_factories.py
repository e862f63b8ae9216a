"""Factories for jobs: a queued tiny CPU job, and a finished one to distil from."""

from typing import Any

import factory
from factory.django import DjangoModelFactory

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.factories import TeamFactory
from webapp.datasets.models import CLASS_NAMES
from webapp.runs.configs import train_config_build
from webapp.runs.models import Run, RunEpoch

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


def _report(accuracy: float, seed: int) -> dict[str, Any]:
    """A FER2013-sized classification report: 3,589 faces, a confusion matrix with 3-digit counts."""
    sizes = [491, 55, 528, 879, 594, 416, 626]
    confusion = []
    for i, size in enumerate(sizes):
        right = round(size * accuracy)
        wrong = [(size - right) // 6 + (1 if (j + seed) % 3 == 0 else 0) for j in range(6)]
        row = [*wrong[:i], right, *wrong[i:]]
        row[i] += size - sum(row)
        confusion.append(row)
    per_class = [round(accuracy - 0.1 + 0.03 * ((i + seed) % 5), 3) for i in range(len(sizes))]
    macro_f1 = round(accuracy - 0.05, 3)
    return {"accuracy": accuracy, "macro_f1": macro_f1, "per_class_f1": per_class, "confusion": confusion}


def finished_run_create(
    *, model: str = "mini_resemotenet_b", teacher: Run | None = None, accuracy: float, epochs: int = 6, **fields: Any
) -> Run:
    """A succeeded job as a worker leaves it: epochs recorded, metrics with a confusion matrix, measurements."""
    config = tiny_config(teacher, model=model, epochs=epochs)
    run = TeacherRunFactory(teacher=teacher, config=config, **fields)
    run.metrics = {
        "epochs": epochs, "best_epoch": epochs - 1, "seconds": 61.5 * epochs, "val": _report(accuracy + 0.01, run.pk),
        "test": _report(accuracy, run.pk), "test_tta_flip": _report(accuracy + 0.004, run.pk),
    }  # fmt: skip
    run.parameters = run.parameters or 80_000
    run.size_bytes = run.size_bytes or 330_000
    run.latency_ms = 0.4 if run.latency_ms is None else run.latency_ms
    run.save()
    for epoch in range(1, epochs + 1):
        progress = epoch / epochs
        event = {
            "kind": "epoch", "epoch": epoch, "epochs": epochs, "step": 10, "steps_per_epoch": 10,
            "loss": 1.9 - 0.8 * progress, "accuracy": 0.3 + 0.4 * progress, "lr": 0.1 * (1 - progress) + 1e-4,
            "images_per_s": 2500.0, "elapsed_s": 60.0 * epoch, "eta_s": 60.0 * (epochs - epoch),
            "val_loss": 1.6 - 0.6 * progress, "val_accuracy": accuracy * (0.7 + 0.3 * progress), "val_macro_f1": 0.5,
        }  # fmt: skip
        RunEpoch.objects.create(run=run, epoch=epoch, event=event)
    run.progress = event
    run.save()
    return run
