"""One face as the review page shows it: the image, the label it has, the model's top guesses, the decision."""

from typing import Any

from django.urls import reverse

from webapp.datasets.models import CLASS_NAMES, SPLIT_NAMES, DatasetItem, DatasetVersion
from webapp.reviews import selectors
from webapp.reviews.models import FaceScore, ReviewDecision
from webapp.reviews.serializers import DecisionSerializer
from webapp.runs.models import RunPrediction


def _top(probs: list[float] | None, count: int = 3) -> list[dict[str, Any]]:
    if not probs:
        return []
    best = sorted(range(len(probs)), key=lambda index: -probs[index])[:count]
    return [{"label": index, "name": CLASS_NAMES[index], "prob": round(float(probs[index]), 4)} for index in best]


def _entry(item: DatasetItem, decision: ReviewDecision | None, **scored: Any) -> dict[str, Any]:
    return {
        "item": item.pk, "name": item.name, "split": SPLIT_NAMES[item.split], "label": item.label,
        "label_name": CLASS_NAMES[item.label], "image_url": reverse("api:dataset_image", kwargs={"pk": item.image_id}),
        "decision": DecisionSerializer(decision).data if decision else None, **scored,
    }  # fmt: skip


def _scored(row: FaceScore) -> dict[str, Any]:
    return {"rank": row.rank, "score": round(row.quality, 5), "flagged": row.flagged,
            "suggested": row.suggested, "top": _top(row.probs)}  # fmt: skip


def _predicted(row: RunPrediction) -> dict[str, Any]:
    return {"score": round(row.confidence, 5), "suggested": row.predicted, "top": _top(row.probs)}


def face_entries(version: DatasetVersion, rows: list[Any]) -> list[dict[str, Any]]:
    """Entries for a page of `FaceScore`, `RunPrediction` or `DatasetItem` rows, decisions fetched in one query."""
    items = [row if isinstance(row, DatasetItem) else row.item for row in rows]
    decisions = selectors.decisions_of(version=version, item_ids=[item.pk for item in items])
    entries = []
    for row, item in zip(rows, items, strict=True):
        extra = (
            _scored(row) if isinstance(row, FaceScore) else _predicted(row) if isinstance(row, RunPrediction) else {}
        )
        entries.append(_entry(item, decisions.get(item.pk), **extra))
    return entries
