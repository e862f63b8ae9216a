"""Label-quality jobs on the worker, eagerly: a real (tiny) cross-fit scores every face of a version once, ranked;
cancels and bad versions end the job with the reason."""

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.test import TestCase
from pytest_django.fixtures import Settings

from tests.live_jobs import face_version_create
from tests.run_factories import TINY_SETTINGS
from webapp.accounts.models import Team, User
from webapp.reviews import services
from webapp.reviews.models import FaceScore, LabelScoring
from worker.reviews.scoring import score_run

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def quiet(settings: Settings, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT, settings.DATASET_CACHE_DIR = tmp_path / "media", tmp_path / "cache"
    with (
        mock.patch("webapp.jobs.enqueue_label_scoring"),
        mock.patch("webapp.events.publish"),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        yield


def _scoring(team: Team, user: User) -> LabelScoring:
    version = face_version_create(team=team, user=user, per_class=4)
    settings = {**TINY_SETTINGS, "epochs": 2, "device": "cpu"}
    return services.label_scoring_create(version=version, user=user, folds=2, settings=settings)


def test_it_scores_every_face_once_from_out_of_sample_probabilities(team: Team, alice: User) -> None:
    scoring = _scoring(team, alice)
    score_run(scoring.pk, hostname="w@test")
    scoring.refresh_from_db()
    assert scoring.status == LabelScoring.Status.SUCCEEDED, scoring.status_message
    scores = FaceScore.objects.filter(scoring=scoring)
    assert scores.count() == scoring.version.item_count == 28
    assert sorted(scores.values_list("rank", flat=True)) == list(range(1, 29))
    assert set(scores.values_list("item__version", flat=True)) == {scoring.version_id}
    assert all(abs(sum(row.probs) - 1) < 1e-3 for row in scores)
    summary = scoring.summary
    assert (summary["faces"], summary["folds"], len(summary["fold_metrics"])) == (28, 2, 2)
    assert scoring.device == "cpu"


def test_it_stops_when_cancelled(team: Team, alice: User) -> None:
    scoring = _scoring(team, alice)
    with mock.patch("webapp.reviews.services.label_scoring_stop_reason", return_value=services.STOP_CANCELLED):
        score_run(scoring.pk, hostname="w@test")
    scoring.refresh_from_db()
    assert scoring.status == LabelScoring.Status.CANCELLED
    assert not FaceScore.objects.filter(scoring=scoring).exists()
