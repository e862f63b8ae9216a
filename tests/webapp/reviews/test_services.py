"""Review decisions and commits: audited, optimistic concurrency, an undo stack, immutable committed versions."""

from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.webapp.reviews.conftest import FACES
from webapp.accounts.models import Team, User
from webapp.datasets.models import DatasetItem, DatasetVersion
from webapp.reviews import services
from webapp.reviews.models import Action, ReviewEvent


def _item(version: DatasetVersion, label: int) -> DatasetItem:
    return version.items.filter(label=label).order_by("name").first()  # type: ignore[return-value]  # FACES has every label


def test_it_records_a_decision_and_audits_it(version: DatasetVersion, alice: User) -> None:
    face = _item(version, 0)
    decision = services.review_decide(
        version=version, item=face, user=alice, action=Action.RELABEL, label=3, expected_revision=0
    )
    assert (decision.action, decision.label, decision.revision) == ("relabel", 3, 1)
    event = ReviewEvent.objects.get()
    assert (event.user, event.item, event.old_label, event.new_label, event.action) == (alice, face, 0, 3, "relabel")


def test_relabelling_to_the_label_it_has_keeps_it(version: DatasetVersion, alice: User) -> None:
    decision = services.review_decide(
        version=version, item=_item(version, 2), user=alice, action=Action.RELABEL, label=2, expected_revision=0
    )
    assert (decision.action, decision.label) == ("keep", None)


def test_a_stale_decision_conflicts_instead_of_overwriting(version: DatasetVersion, alice: User, bob: User) -> None:
    face = _item(version, 1)
    services.review_decide(version=version, item=face, user=alice, action=Action.EXCLUDE, expected_revision=0)
    with pytest.raises(services.ConflictError, match="changed this face meanwhile") as conflict:
        services.review_decide(
            version=version, item=face, user=bob, action=Action.RELABEL, label=4, expected_revision=0
        )
    assert conflict.value.current is not None
    assert (conflict.value.current.action, conflict.value.current.decided_by) == ("exclude", alice)
    assert ReviewEvent.objects.count() == 1


def test_undo_steps_back_through_the_decisions(version: DatasetVersion, alice: User) -> None:
    face = _item(version, 5)
    services.review_decide(version=version, item=face, user=alice, action=Action.RELABEL, label=3, expected_revision=0)
    services.review_decide(version=version, item=face, user=alice, action=Action.EXCLUDE, expected_revision=1)
    first = services.review_undo(version=version, item=face, user=alice, expected_revision=2)
    assert (first.action, first.label) == ("relabel", 3)
    second = services.review_undo(version=version, item=face, user=alice, expected_revision=3)
    assert (second.action, second.label) == ("", None)
    with pytest.raises(ValidationError, match="Nothing to undo"):
        services.review_undo(version=version, item=face, user=alice, expected_revision=4)
    assert list(ReviewEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "relabel", "exclude", "undo", "undo"
    ]  # fmt: skip


def test_a_class_outside_the_versions_classes_is_refused(version: DatasetVersion, alice: User) -> None:
    with pytest.raises(ValidationError, match="class 0-6"):
        services.review_decide(
            version=version, item=_item(version, 0), user=alice, action=Action.RELABEL, label=7, expected_revision=0
        )


def test_a_commit_makes_the_next_version_with_a_changelog(version: DatasetVersion, alice: User) -> None:
    angry, sad, fear = _item(version, 0), _item(version, 4), _item(version, 2)
    services.review_decide(version=version, item=angry, user=alice, action=Action.RELABEL, label=3, expected_revision=0)
    services.review_decide(version=version, item=sad, user=alice, action=Action.EXCLUDE, expected_revision=0)
    services.review_decide(version=version, item=fear, user=alice, action=Action.KEEP, expected_revision=0)
    commit = services.review_commit(version=version, user=alice, expected_events=3)
    new = commit.new_version
    assert (new.parent, new.item_count) == (version, version.item_count - 1)
    assert new.items.get(name=angry.name).label == 3
    assert not new.items.filter(name=sad.name).exists()
    assert new.items.get(name=fear.name).label == fear.label
    log = commit.changelog
    assert (log["relabelled"], log["excluded"]) == (1, 1)
    assert (log["before"]["angry"], log["after"]["angry"], log["after"]["happy"], log["after"]["sad"]) == (2, 1, 3, 1)
    assert version.item_count == 14  # the reviewed version never changes


def test_it_refuses_a_commit_without_decisions(version: DatasetVersion, alice: User) -> None:
    services.review_decide(version=version, item=_item(version, 0), user=alice, action=Action.KEEP, expected_revision=0)
    with pytest.raises(ValidationError, match="nothing to commit"):
        services.review_commit(version=version, user=alice, expected_events=1)


def test_it_refuses_a_commit_when_decisions_were_made_since(version: DatasetVersion, alice: User, bob: User) -> None:
    services.review_decide(
        version=version, item=_item(version, 0), user=alice, action=Action.EXCLUDE, expected_revision=0
    )
    services.review_decide(
        version=version, item=_item(version, 1), user=bob, action=Action.EXCLUDE, expected_revision=0
    )
    with pytest.raises(services.ConflictError, match=r"\+1 decisions were made"):
        services.review_commit(version=version, user=alice, expected_events=1)


def test_a_committed_version_takes_no_more_decisions(version: DatasetVersion, alice: User) -> None:
    face = _item(version, 0)
    services.review_decide(version=version, item=face, user=alice, action=Action.EXCLUDE, expected_revision=0)
    commit = services.review_commit(version=version, user=alice, expected_events=1)
    with pytest.raises(services.ConflictError, match=f"was committed as {commit.new_version.label}"):
        services.review_decide(version=version, item=_item(version, 1), user=alice, action=Action.KEEP,
                               expected_revision=0)  # fmt: skip
    with pytest.raises(services.ConflictError):
        services.review_commit(version=version, user=alice, expected_events=1)


@pytest.mark.parametrize(
    ("folds", "says"),
    [
        (3, "fewer faces than the 3 folds: angry (2)"),
        (1, "between 2 and 10"),
    ],
)
def test_it_refuses_a_scoring_the_folds_cannot_split(
    version: DatasetVersion, alice: User, folds: int, says: str
) -> None:
    with pytest.raises(ValidationError, match=says.replace("(", r"\(").replace(")", r"\)")):
        services.label_scoring_create(version=version, user=alice, folds=folds)


def test_it_refuses_a_scoring_of_fewer_faces_than_folds(team: Team, alice: User) -> None:
    tiny = version_with_faces(DatasetFactory(team=team), FACES[:3])
    with pytest.raises(ValidationError, match="has 3 faces, fewer than the 4 folds"):
        services.label_scoring_create(version=tiny, user=alice, folds=4)


def test_it_queues_a_scoring_with_the_default_model(version: DatasetVersion, alice: User, held_queue: mock.Mock,
                                                    django_capture_on_commit_callbacks: Any) -> None:  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        scoring = services.label_scoring_create(version=version, user=alice, folds=2)
    assert scoring.config["model"] == services.DEFAULT_SETTINGS["model"]
    assert scoring.config["label_smoothing"] == 0.1
    held_queue.assert_called_once_with(scoring_id=scoring.pk, queue=scoring.queue)
