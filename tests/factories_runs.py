"""TEMPORARY: runs factories until tests/factories.py is open for edits (then merged there)."""

import factory
from factory.django import DjangoModelFactory

from tests.factories import TeamFactory
from webapp.datasets.models import CLASS_NAMES, SPLIT_NAMES, Dataset, DatasetVersion
from webapp.runs.configs import train_config_build
from webapp.runs.models import Run


class DatasetFactory(DjangoModelFactory):
    class Meta:
        model = Dataset

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Faces {n}")


class DatasetVersionFactory(DjangoModelFactory):
    class Meta:
        model = DatasetVersion

    dataset = factory.SubFactory(DatasetFactory)
    team = factory.SelfAttribute("dataset.team")
    number = factory.Sequence(lambda n: n + 1)
    image_size = 48
    item_count = 0
    counts = factory.LazyFunction(lambda: {split: dict.fromkeys(CLASS_NAMES, 0) for split in SPLIT_NAMES})
    fingerprint = "0" * 64


def _config(teacher: Run | None) -> dict:
    settings = {"model": "mini_resemotenet", "width_mult": 0.0625, "epochs": 1, "batch_size": 16, "device": "cpu"}
    path = teacher.checkpoint_path if teacher else None
    return train_config_build(settings=settings, teacher_checkpoint=path, on_cpu=True).to_dict()


class RunFactory(DjangoModelFactory):
    """A queued tiny CPU job; pass `teacher=` for a distillation, `status=` and friends for later states."""

    class Meta:
        model = Run

    team = factory.SubFactory(TeamFactory)
    dataset_version = factory.SubFactory(
        DatasetVersionFactory, team=factory.SelfAttribute("..team"), dataset__team=factory.SelfAttribute("...team")
    )
    teacher = None
    queue = Run.Queue.CPU
    config = factory.LazyAttribute(lambda run: _config(run.teacher))


class TeacherRunFactory(RunFactory):
    """A finished job with a checkpoint: something to distil from."""

    status = Run.Status.SUCCEEDED
    checkpoint_path = factory.Sequence(lambda n: f"runs/teacher-{n}/best.pt")
    class_names = factory.LazyFunction(lambda: list(CLASS_NAMES))
    metrics = factory.LazyFunction(lambda: {"val": {"accuracy": 0.5}, "test": {"accuracy": 0.6}})
