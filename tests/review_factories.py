"""Review data as the worker and the jobs leave it, made straight in the database: a succeeded label-quality job with a
score for every face, and a finished job's per-face predictions (no cross-fit, no training)."""

import random

from django.utils import timezone

from webapp.datasets.models import CLASS_NAMES, DatasetVersion
from webapp.reviews.models import FaceScore, LabelScoring
from webapp.runs.models import Run, RunPrediction

SCORING_CONFIG = {"model": "mini_resemotenet_c", "width_mult": None, "epochs": 30, "input_size": 64, "device": "auto"}


def _probs(rng: random.Random, favourite: int) -> list[float]:
    weights = [rng.random() for _ in CLASS_NAMES]
    weights[favourite] += 2.0
    total = sum(weights)
    return [round(weight / total, 5) for weight in weights]


def scoring_succeeded_create(*, version: DatasetVersion, flagged: int = 10, seed: int = 0) -> LabelScoring:
    """A finished label-quality job on `version`: every face ranked (in a shuffled order), the first `flagged` ones
    flagged, each with probabilities that favour a class other than its label for the flagged ones."""
    rng = random.Random(seed)
    items = list(version.items.order_by("split", "name"))
    rng.shuffle(items)
    now = timezone.now()
    scoring = LabelScoring.objects.create(
        team=version.team, version=version, folds=4, config=SCORING_CONFIG, status=LabelScoring.Status.SUCCEEDED,
        started_at=now, finished_at=now,
        summary={"faces": len(items), "flagged": flagged, "folds": 4, "seconds": 12.5},
    )  # fmt: skip
    rows = []
    for rank, item in enumerate(items, start=1):
        suggested = (item.label + 1 + rank % 6) % len(CLASS_NAMES) if rank <= flagged else item.label
        probs = _probs(rng, suggested)
        score = FaceScore(
            scoring=scoring, item=item, rank=rank, quality=round(rank / (len(items) + 1), 5),
            self_confidence=probs[item.label], normalized_margin=0.0, flagged=rank <= flagged, suggested=suggested,
            probs=probs,
        )  # fmt: skip
        rows.append(score)
    FaceScore.objects.bulk_create(rows)
    return scoring


def predictions_create(*, run: Run, seed: int = 0) -> list[RunPrediction]:
    """Per-face predictions of `run` on its version's val and test faces, every third one wrong; the job's confusion
    matrices are made to count exactly these faces, as a finished job's are."""
    rng = random.Random(seed)
    predictions = []
    for index, item in enumerate(run.dataset_version.items.filter(split__in=(1, 2)).order_by("split", "name")):
        predicted = (item.label + 1) % len(CLASS_NAMES) if index % 3 == 0 else item.label
        probs = _probs(rng, predicted)
        prediction = RunPrediction(
            run=run,
            item=item,
            split=item.split,
            label=item.label,
            predicted=predicted,
            confidence=probs[predicted],
            probs=probs,
        )
        predictions.append(prediction)
    for split, name in ((1, "val"), (2, "test")):
        confusion = [[0] * len(CLASS_NAMES) for _ in CLASS_NAMES]
        for prediction in predictions:
            if prediction.split == split:
                confusion[prediction.label][prediction.predicted] += 1
        run.metrics[name] = {**run.metrics.get(name, {}), "confusion": confusion}
    run.save(update_fields=["metrics"])
    return RunPrediction.objects.bulk_create(predictions)
