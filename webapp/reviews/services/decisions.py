"""Reviewers' decisions about faces of a version: relabel, keep, exclude, undo; each one audited, none lost.

Optimistic concurrency: every decision names the revision its author saw (`expected_revision`, 0 for a face nobody
decided yet). When a teammate changed the face meanwhile, the decision is refused with a `ConflictError` that
carries the current state, so nobody overwrites anybody silently. A committed version takes no more decisions.
"""

from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import transaction

from webapp.accounts.models import User
from webapp.datasets.models import CLASS_NAMES, DatasetItem, DatasetVersion
from webapp.reviews.models import Action, LabelScoring, ReviewCommit, ReviewDecision, ReviewEvent
from webapp.runs.models import Run


class ConflictError(ValidationError):
    """The face changed since the author saw it (or the version was committed); `current` is what it is now."""

    def __init__(self, message: str, *, current: ReviewDecision | None) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class Surface:
    """What put the face in front of the reviewer: a scoring or a job, and the score it gave (for the audit)."""

    scoring: LabelScoring | None = None
    run: Run | None = None
    score: float | None = None


def version_check_open(version: DatasetVersion) -> None:
    """A committed version is immutable: its review went into the next version."""
    commit = ReviewCommit.objects.filter(version=version).select_related("new_version").first()
    if commit is not None:
        raise ConflictError(
            f"{version.label} was committed as {commit.new_version.label}: review continues on "
            f"{commit.new_version.label} (reload the page).",
            current=None,
        )


def _check_choice(action: str, label: int | None) -> None:
    if action not in (Action.RELABEL, Action.KEEP, Action.EXCLUDE):
        raise ValidationError({"action": f"Action must be relabel, keep or exclude; got {action!r}."})
    if action == Action.RELABEL and (label is None or not 0 <= label < len(CLASS_NAMES)):
        raise ValidationError({"label": f"A new label must be a class 0-{len(CLASS_NAMES) - 1}; got {label}."})


def _locked_decision(version: DatasetVersion, item: DatasetItem) -> ReviewDecision:
    decision, _ = ReviewDecision.objects.select_for_update().get_or_create(
        version=version, item=item, defaults={"team": version.team}
    )
    return decision


def _check_revision(decision: ReviewDecision, expected: int, user: User | None) -> None:
    if decision.revision != expected:
        who = decision.decided_by or "someone"
        raise ConflictError(
            f"{who} changed this face meanwhile (now: {decision.get_action_display() or 'undecided'}"
            f"{f' as {CLASS_NAMES[decision.label]}' if decision.label is not None else ''}). Nothing was overwritten: "
            "look again and decide.",
            current=decision,
        )


@transaction.atomic
def review_decide(
    *, version: DatasetVersion, item: DatasetItem, user: User | None, action: str, label: int | None = None,
    expected_revision: int, surface: Surface = Surface(),
) -> ReviewDecision:  # fmt: skip
    """Record one decision about one face, and its audit entry."""
    if item.version_id != version.pk:
        raise ValidationError({"item": f"Face {item.pk} is not in {version.label}."})
    _check_choice(action, label)
    version_check_open(version)
    decision = _locked_decision(version, item)
    _check_revision(decision, expected_revision, user)
    new_label = label if action == Action.RELABEL else None
    if action == Action.RELABEL and new_label == item.label:
        action, new_label = Action.KEEP, None  # relabelling to the label it has keeps it
    before = decision.state_revision
    decision.action, decision.label, decision.decided_by = action, new_label, user
    decision.revision += 1
    decision.state_revision = decision.revision
    decision.save()
    _audit(decision, item, user, action=action, before=before, surface=surface)
    return decision


@transaction.atomic
def review_undo(
    *, version: DatasetVersion, item: DatasetItem, user: User | None, expected_revision: int
) -> ReviewDecision:
    """Take back the decision a face has now: it returns to the one before (audited as an undo). Repeated undos step
    further back, to undecided."""
    version_check_open(version)
    decision = _locked_decision(version, item)
    _check_revision(decision, expected_revision, user)
    if decision.state_revision == 0:
        raise ValidationError("Nothing to undo: nobody has decided about this face.")
    events = ReviewEvent.objects.filter(version=version, item=item)
    undone = events.get(revision=decision.state_revision)
    restored = events.filter(revision=undone.before).first() if undone.before else None
    decision.action = restored.result if restored else ""
    decision.label = restored.new_label if restored else None
    decision.state_revision = restored.revision if restored else 0
    decision.decided_by = user
    decision.revision += 1
    decision.save()
    _audit(decision, item, user, action=Action.UNDO, before=undone.revision, surface=Surface())
    return decision


def _audit(
    decision: ReviewDecision, item: DatasetItem, user: User | None, *, action: str, before: int, surface: Surface
) -> None:
    ReviewEvent.objects.create(
        team=decision.team, version_id=decision.version_id, item=item, user=user, action=action,
        result=decision.action, old_label=item.label, new_label=decision.label, revision=decision.revision,
        before=before, scoring=surface.scoring, run=surface.run, score=surface.score,
    )  # fmt: skip


@dataclass(frozen=True)
class BulkItem:
    """One face of a bulk decision, with the revision its author saw and the score that surfaced it (for the audit)."""

    item: DatasetItem
    expected_revision: int
    score: float | None = None


@transaction.atomic
def review_decide_many(
    *, version: DatasetVersion, items: list[BulkItem], user: User | None, action: str, label: int | None = None,
    surface: Surface = Surface(),
) -> list[ReviewDecision]:  # fmt: skip
    """The same decision about several faces (grid mode): all of them, or none when any one conflicts."""
    if not items or len(items) > 500:
        raise ValidationError({"items": f"Choose between 1 and 500 faces; got {len(items)}."})
    return [
        review_decide(
            version=version,
            item=entry.item,
            user=user,
            action=action,
            label=label,
            expected_revision=entry.expected_revision,
            surface=replace(surface, score=entry.score),  # each face's own score, not one for all
        )
        for entry in items
    ]
