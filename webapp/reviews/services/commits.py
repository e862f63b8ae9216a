"""Commit a review: the version's decisions become the next immutable version, with a changelog.

Relabelled faces carry their new label, excluded ones are left out, kept ones stay as they were. The committing
person names how many audit entries they saw (`expected_events`): if a teammate decided more meanwhile, the commit
is refused with what changed, so nobody commits decisions they have not seen. A version is committed once.
"""

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from webapp.accounts.models import User
from webapp.datasets.models import CLASS_NAMES, DatasetVersion
from webapp.datasets.services import dataset_version_create_from
from webapp.reviews.models import Action, ReviewCommit, ReviewDecision, ReviewEvent
from webapp.reviews.services.decisions import ConflictError, version_check_open


def _changes(version: DatasetVersion) -> tuple[dict[int, int], list[int], list[ReviewDecision]]:
    decisions = list(
        ReviewDecision.objects.filter(version=version, action__in=(Action.RELABEL, Action.EXCLUDE))
        .select_related("item", "decided_by")
        .order_by("item__split", "item__name")
    )
    relabel = {d.item_id: d.label for d in decisions if d.action == Action.RELABEL and d.label is not None}
    excluded = [d.item_id for d in decisions if d.action == Action.EXCLUDE]
    return relabel, excluded, decisions


def changelog(version: DatasetVersion, decisions: list[ReviewDecision]) -> dict[str, Any]:
    """Counts per class before and after, and every change (face, old label, new label or excluded, who)."""
    before = Counter(version.class_counts)
    after = Counter(before)
    changes = []
    for decision in decisions:
        old = CLASS_NAMES[decision.item.label]
        after[old] -= 1
        new = CLASS_NAMES[decision.label] if decision.action == Action.RELABEL and decision.label is not None else None
        if new is not None:
            after[new] += 1
        changes.append({"item": decision.item_id, "name": decision.item.name, "old": old, "new": new,
                        "excluded": new is None, "by": str(decision.decided_by or "")})  # fmt: skip
    return {
        "before": {name: before[name] for name in CLASS_NAMES}, "after": {name: after[name] for name in CLASS_NAMES},
        "relabelled": sum(1 for change in changes if not change["excluded"]),
        "excluded": sum(1 for change in changes if change["excluded"]), "changes": changes,
    }  # fmt: skip


@transaction.atomic
def review_commit(*, version: DatasetVersion, user: User | None, expected_events: int) -> ReviewCommit:
    """The next version from `version`'s decisions; `version` itself never changes.

    Raises:
        ConflictError: the version was committed already, or decisions were made since the person looked.
        ValidationError: no decision changes anything.
    """
    DatasetVersion.objects.select_for_update().filter(pk=version.pk).first()  # one commit of a version at a time
    version_check_open(version)
    seen = ReviewEvent.objects.filter(version=version).count()
    if seen != expected_events:
        raise ConflictError(
            f"{seen - expected_events:+d} decisions were made on {version.label} since you looked: review them, "
            "then commit.",
            current=None,
        )
    relabel, excluded, decisions = _changes(version)
    if not decisions:
        raise ValidationError(f"No decision relabels or excludes a face of {version.label}: nothing to commit.")
    note = f"Review of {version.label}: {len(relabel)} relabelled, {len(excluded)} excluded"
    new_version = dataset_version_create_from(parent=version, changes=relabel, excluded=excluded, user=user, note=note)
    return ReviewCommit.objects.create(
        version=version, new_version=new_version, committed_by=user, changelog=changelog(version, decisions)
    )
