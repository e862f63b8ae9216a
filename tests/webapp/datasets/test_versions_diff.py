"""Versions as a lineage and the diff of any two: the selector, `GET /api/datasets/<id>/versions/diff/`, the page."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.dataset_factories import FACES, DatasetFactory, version_with_faces
from webapp.accounts.models import Team, User
from webapp.datasets import selectors, services
from webapp.datasets.models import DatasetVersion, Split
from webapp.reviews import services as review_services

pytestmark = pytest.mark.usefixtures("media_root", "enqueued")


@pytest.fixture
def version(team: Team) -> DatasetVersion:
    return version_with_faces(DatasetFactory(team=team, name="Lab faces"), store=True)


def _item_id(version: DatasetVersion, name: str) -> int:
    return version.items.get(name=name).pk


@pytest.fixture
def relabelled(version: DatasetVersion) -> DatasetVersion:
    """v2 from v1: face-030 happy → sad, face-010 excluded."""
    changes = {_item_id(version, "face-030.png"): 4}
    excluded = [_item_id(version, "face-010.png")]
    return services.dataset_version_create_from(parent=version, changes=changes, excluded=excluded, user=None)


def test_it_finds_faces_relabelled_removed_added_and_replaced_by_name(
    version: DatasetVersion, relabelled: DatasetVersion
) -> None:
    diff = selectors.dataset_version_diff(base=version, other=relabelled)
    relabelled_faces = [(face.name, face.old_label, face.new_label) for face in diff.relabelled]
    assert relabelled_faces == [("face-030.png", "happy", "sad")]
    assert [(face.name, face.split, face.old_label) for face in diff.removed] == [("face-010.png", "train", "angry")]
    assert (diff.added, diff.replaced) == ([], [])
    counts = {name: (before, after, delta) for name, before, after, delta in diff.class_counts}
    assert counts["angry"] == (2, 1, -1)
    assert counts["happy"] == (1, 0, -1)
    assert counts["sad"] == (1, 2, 1)
    back = selectors.dataset_version_diff(base=relabelled, other=version)
    assert [face.name for face in back.added] == ["face-010.png"]
    # The same name with other pixels is told apart from a relabel (an upload may reuse names).
    upload = version_with_faces(version.dataset, [(99, 0, Split.TRAIN), *FACES[1:]])
    renamed = selectors.dataset_version_diff(base=version, other=upload)
    assert [face.name for face in renamed.added] == ["face-099.png"]
    assert [face.name for face in renamed.removed] == ["face-010.png"]


def test_it_answers_the_diff_through_the_api(
    alice_api: APIClient, version: DatasetVersion, relabelled: DatasetVersion
) -> None:
    url = f"/api/datasets/{version.dataset_id}/versions/diff/"
    body = alice_api.get(url, {"from": 1, "to": 2}).json()
    assert (body["from_version"]["id"], body["to_version"]["id"]) == (version.pk, relabelled.pk)
    assert body["counts"] == {"added": 0, "removed": 1, "relabelled": 1, "replaced": 0}
    assert body["relabelled"] == [{"name": "face-030.png", "split": "train", "old_label": "happy", "new_label": "sad"}]
    assert body["removed"][0]["new_label"] is None
    assert body["class_counts"]["sad"] == {"from": 1, "to": 2}
    capped = alice_api.get(url, {"from": 1, "to": 2, "limit": 0}).json()
    assert (capped["relabelled"], capped["counts"]["relabelled"]) == ([], 1)


def test_it_refuses_a_diff_without_versions_or_of_another_teams_dataset(
    alice_api: APIClient, charlie_api: APIClient, version: DatasetVersion, relabelled: DatasetVersion
) -> None:
    url = f"/api/datasets/{version.dataset_id}/versions/diff/"
    missing = alice_api.get(url, {"to": 2})
    assert missing.status_code == 400
    assert "from" in missing.json()
    assert alice_api.get(url, {"from": 1, "to": 9}).status_code == 404
    assert charlie_api.get(url, {"from": 1, "to": 2}).status_code == 404


def test_it_shows_the_lineage_the_review_changelog_and_the_diff_on_the_dataset_page(
    alice_client: Client, alice: User, version: DatasetVersion
) -> None:
    happy = version.items.get(name="face-030.png")
    review_services.review_decide(
        version=version, item=happy, user=alice, action="relabel", label=4, expected_revision=0
    )
    commit = review_services.review_commit(version=version, user=alice, expected_events=1)
    upload = version_with_faces(version.dataset)  # v3, from an upload: a root of its own
    html = alice_client.get(f"/datasets/{version.dataset_id}/").content.decode()
    assert html.index('data-version="1" data-depth="0"') < html.index('data-version="2" data-depth="1"')
    assert f'data-version="{upload.number}" data-depth="0"' in html
    assert "Changelog of the review of v1: 1 face, committed by alice@example.com" in html
    assert "face-030.png: happy → sad · alice@example.com" in html
    # Unless asked, the diff shows the newest version against its parent, or the one before it (v3 has no parent).
    assert '<strong data-diff="relabelled">1</strong> relabelled, <strong data-diff="removed">0</strong>' in html
    assert 'face-030.png</span> <small class="muted">train</small>: sad → happy' in html
    asked = alice_client.get(f"/datasets/{version.dataset_id}/", {"from": 1, "to": commit.new_version.number})
    page = asked.content.decode()
    assert '<strong data-diff="relabelled">1</strong>' in page
    assert 'face-030.png</span> <small class="muted">train</small>: happy → sad' in page
