"""Fixtures of the reviews tests: a version of faces, a finished scoring of it, nothing sent to a broker."""

from collections.abc import Iterator
from unittest import mock

import pytest

from tests.dataset_factories import DatasetFactory, version_with_faces
from webapp.accounts.models import Team
from webapp.datasets.models import DatasetVersion, Split
from webapp.reviews.models import FaceScore, LabelScoring

# 14 faces: two per class, one train and one test each.
FACES = [(10 + 10 * index, index // 2, Split.TRAIN if index % 2 == 0 else Split.TEST) for index in range(14)]


@pytest.fixture(autouse=True)
def held_queue() -> Iterator[mock.Mock]:
    with mock.patch("webapp.jobs.enqueue_label_scoring") as enqueue, mock.patch("webapp.events.publish"):
        yield enqueue


@pytest.fixture
def version(team: Team) -> DatasetVersion:
    return version_with_faces(DatasetFactory(team=team), FACES)


@pytest.fixture
def scoring(version: DatasetVersion) -> LabelScoring:
    """A finished scoring that ranks the faces in reverse name order, every other one flagged."""
    scoring = LabelScoring.objects.create(
        team=version.team, version=version, config={}, status=LabelScoring.Status.SUCCEEDED
    )
    items = list(version.items.order_by("-name"))
    for rank, item in enumerate(items, start=1):
        probs = [0.05] * 7
        probs[(item.label + 1) % 7] = 0.7
        FaceScore.objects.create(
            scoring=scoring, item=item, rank=rank, quality=rank / 100, self_confidence=0.05,
            normalized_margin=-0.65, flagged=rank % 2 == 1, suggested=(item.label + 1) % 7, probs=probs,
        )  # fmt: skip
    return scoring
