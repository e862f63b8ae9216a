"""Reads of the reviews app: scorings, the faces to review in ranked order with their filters, decisions, audit."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import Team
from webapp.accounts.selectors import AnyUser, team_object_get, team_scope
from webapp.datasets.models import DatasetItem, DatasetVersion
from webapp.reviews.models import Action, FaceScore, LabelScoring, ReviewCommit, ReviewDecision, ReviewEvent
from webapp.runs.models import Run, RunPrediction


def scoring_list(*, user: AnyUser, version: DatasetVersion | None = None) -> QuerySet[LabelScoring]:
    """The user's teams' label-quality jobs, newest first (of one version, if given)."""
    scorings = team_scope(LabelScoring.objects.select_related("version__dataset"), user=user)
    return scorings.filter(version=version) if version is not None else scorings


def scoring_get(*, user: AnyUser, scoring_id: int) -> LabelScoring:
    """One label-quality job of the user's teams, or Http404."""
    return team_object_get(LabelScoring.objects.select_related("version__dataset"), user=user, pk=scoring_id)


def scoring_get_for_worker(*, scoring_id: int) -> LabelScoring | None:
    """A job with its version, for the worker."""
    return LabelScoring.objects.select_related("version").filter(pk=scoring_id).first()


def scoring_team_id(*, scoring_id: int) -> int | None:
    """The team owning a job, for the live consumer's permission check."""
    return LabelScoring.objects.filter(pk=scoring_id).values_list("team_id", flat=True).first()


def version_get(*, user: AnyUser, version_id: int) -> DatasetVersion:
    """A dataset version of the user's teams, or Http404."""
    return team_object_get(DatasetVersion.objects.select_related("dataset"), user=user, pk=version_id)


def review_versions(*, user: AnyUser, team: Team | None) -> QuerySet[DatasetVersion]:
    """The versions the Review page offers: the current team's, by dataset name, newest version first."""
    if team is None:
        return DatasetVersion.objects.none()
    versions = team_scope(DatasetVersion.objects.select_related("dataset"), user=user).filter(team=team)
    return versions.order_by("dataset__name", "dataset_id", "-number")


def item_get(*, version: DatasetVersion, item_id: int) -> DatasetItem:
    """One face of `version`, or Http404."""
    return get_object_or_404(DatasetItem.objects.select_related("image"), pk=item_id, version=version)


@dataclass(frozen=True)
class FaceFilter:
    """Which faces to list: by given label, predicted label, split, score range, reviewed or not."""

    given: int | None = None
    predicted: int | None = None
    split: int | None = None
    min_score: float | None = None
    max_score: float | None = None
    reviewed: bool | None = None


def _decided(version: DatasetVersion, item_field: str) -> Exists:
    decisions = ReviewDecision.objects.filter(version=version, item=OuterRef(item_field)).exclude(action="")
    return Exists(decisions)


def _common(queryset: QuerySet[Any], version: DatasetVersion, wanted: FaceFilter, item: str) -> QuerySet[Any]:
    query = Q()
    if wanted.given is not None:
        query &= Q(**{f"{item}__label": wanted.given})
    if wanted.split is not None:
        query &= Q(**{f"{item}__split": wanted.split})
    queryset = queryset.filter(query)
    if wanted.reviewed is not None:
        queryset = queryset.annotate(decided=_decided(version, item)).filter(decided=wanted.reviewed)
    return queryset


def scored_faces(*, scoring: LabelScoring, wanted: FaceFilter) -> QuerySet[FaceScore]:
    """A scoring's faces, most likely mislabelled first."""
    scores = FaceScore.objects.filter(scoring=scoring).select_related("item__image").order_by("rank")
    if wanted.predicted is not None:
        scores = scores.filter(suggested=wanted.predicted)
    if wanted.min_score is not None:
        scores = scores.filter(quality__gte=wanted.min_score)
    if wanted.max_score is not None:
        scores = scores.filter(quality__lte=wanted.max_score)
    return _common(scores, scoring.version, wanted, "item")


def predicted_faces(*, run: Run, wanted: FaceFilter) -> QuerySet[RunPrediction]:
    """A job's val/test faces (a confusion-matrix cell with `given` and `predicted`), most confident first."""
    predictions = RunPrediction.objects.filter(run=run).select_related("item__image").order_by("-confidence", "id")
    if wanted.predicted is not None:
        predictions = predictions.filter(predicted=wanted.predicted)
    return _common(predictions, run.dataset_version, wanted, "item")


def plain_faces(*, version: DatasetVersion, wanted: FaceFilter) -> QuerySet[DatasetItem]:
    """A version's faces in (split, name) order, for review without a score."""
    return _common(version.items.select_related("image"), version, wanted, "pk").order_by("split", "name")


def decisions_of(*, version: DatasetVersion, item_ids: list[int]) -> dict[int, ReviewDecision]:
    """The current decisions about some faces of a version, by item id."""
    decisions = ReviewDecision.objects.filter(version=version, item_id__in=item_ids).select_related("decided_by")
    return {decision.item_id: decision for decision in decisions}


def decision_counts(*, version: DatasetVersion) -> dict[str, int]:
    """How many faces each kind of decision holds, and how many audit entries there are (what a commit checks)."""
    counts: dict[str, int] = dict.fromkeys((Action.RELABEL, Action.KEEP, Action.EXCLUDE), 0)
    for action in ReviewDecision.objects.filter(version=version).exclude(action="").values_list("action", flat=True):
        counts[action] += 1
    return {**counts, "events": ReviewEvent.objects.filter(version=version).count()}


def events_of(*, version: DatasetVersion, item_id: int | None = None) -> QuerySet[ReviewEvent]:
    """A version's audit trail (of one face, if given), newest first."""
    events = ReviewEvent.objects.filter(version=version).select_related("user")
    return events.filter(item_id=item_id) if item_id is not None else events


def commit_of(*, version: DatasetVersion) -> ReviewCommit | None:
    """The commit that made the next version from `version`, if any."""
    return ReviewCommit.objects.filter(version=version).select_related("new_version").first()
