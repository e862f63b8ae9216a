"""Factories for datasets and versions with faces; versions are made through the service, as imports make them."""

import factory
from django.db import transaction
from factory.django import DjangoModelFactory

from tests.dataset_files import face_hash, face_png
from tests.factories import TeamFactory
from webapp.datasets.models import Dataset, DatasetVersion, Split
from webapp.datasets.services.versions import FaceRow, version_create
from webapp.datasets.storage import face_file_write

Face = tuple[int, int, int]
"""(grey value, label code, split code) of one flat face."""

FACES: list[Face] = [
    (10, 0, Split.TRAIN),
    (20, 0, Split.TRAIN),
    (30, 3, Split.TRAIN),
    (40, 6, Split.VAL),
    (50, 4, Split.TEST),
]


class DatasetFactory(DjangoModelFactory):
    class Meta:
        model = Dataset

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Faces {n}")


def version_with_faces(dataset: Dataset, faces: list[Face] = FACES, *, store: bool = False) -> DatasetVersion:
    """The dataset's next version holding flat faces; `store=True` also writes their PNGs under MEDIA_ROOT."""
    rows = [FaceRow(f"face-{value:03d}.png", label, split, face_hash(value)) for value, label, split in faces]
    if store:
        for value, _, _ in faces:
            face_file_write(sha256=face_hash(value), png=face_png(value))
    with transaction.atomic():
        return version_create(dataset=dataset, rows=rows, image_size=48, user=None, note="made by a test")
