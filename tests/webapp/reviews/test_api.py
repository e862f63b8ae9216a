"""The reviews API: ranked and filtered faces, decisions with 409 on conflicts, commits, audit, team walls."""

from typing import Any

from rest_framework.test import APIClient

from tests.run_factories import TeacherRunFactory
from webapp.accounts.models import Team
from webapp.datasets.models import DatasetVersion, Split
from webapp.reviews.models import LabelScoring
from webapp.runs.models import RunPrediction


def _faces(api: APIClient, version: DatasetVersion, **query: Any) -> dict[str, Any]:
    response = api.get(f"/api/reviews/versions/{version.pk}/faces/", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_lists_faces_most_likely_mislabelled_first(
    alice_api: APIClient, version: DatasetVersion, scoring: LabelScoring
) -> None:
    page = _faces(alice_api, version, scoring=scoring.pk, limit=3)
    assert page["count"] == 14
    assert [face["rank"] for face in page["results"]] == [1, 2, 3]
    first = page["results"][0]
    assert first["image_url"].startswith("/api/datasets/images/")
    assert first["top"][0]["prob"] == 0.7
    assert first["top"][0]["label"] == first["suggested"] == (first["label"] + 1) % 7
    assert first["decision"] is None


def test_it_filters_by_given_predicted_split_score_and_review_state(
    alice_api: APIClient, version: DatasetVersion, scoring: LabelScoring
) -> None:
    assert {face["label"] for face in _faces(alice_api, version, scoring=scoring.pk, given=3)["results"]} == {3}
    assert _faces(alice_api, version, scoring=scoring.pk, predicted=4)["count"] == 2  # given 3 → suggested 4
    assert {face["split"] for face in _faces(alice_api, version, scoring=scoring.pk, split=Split.TEST)["results"]} == {
        "test"
    }
    assert _faces(alice_api, version, scoring=scoring.pk, max_score=0.05)["count"] == 5
    face = _faces(alice_api, version, scoring=scoring.pk)["results"][0]
    alice_api.post(f"/api/reviews/versions/{version.pk}/decisions/",
                   {"item": face["item"], "action": "keep", "expected_revision": 0}, format="json")  # fmt: skip
    assert _faces(alice_api, version, scoring=scoring.pk, reviewed=True)["count"] == 1
    assert _faces(alice_api, version, scoring=scoring.pk, reviewed=False)["count"] == 13


def test_a_confusion_cell_lists_exactly_its_faces(alice_api: APIClient, version: DatasetVersion, team: Team) -> None:
    run = TeacherRunFactory(team=team, dataset_version=version)
    for item in version.items.filter(split=Split.TEST):
        guess = 3 if item.label in (0, 1) else item.label
        probs = [0.0] * 7
        probs[guess] = 1.0
        RunPrediction.objects.create(run=run, item=item, split=Split.TEST, label=item.label, predicted=guess,
                                     confidence=1.0, probs=probs)  # fmt: skip
    cell = _faces(alice_api, version, run=run.pk, given=0, predicted=3)
    assert [face["label"] for face in cell["results"]] == [0]
    assert _faces(alice_api, version, run=run.pk, given=3, predicted=3)["count"] == 1


def test_a_stale_decision_answers_409_with_the_current_one(
    alice_api: APIClient, bob: Any, version: DatasetVersion, scoring: LabelScoring
) -> None:
    face = _faces(alice_api, version, scoring=scoring.pk)["results"][0]
    url = f"/api/reviews/versions/{version.pk}/decisions/"
    first = alice_api.post(url, {"item": face["item"], "action": "relabel", "label": face["suggested"],
                                 "expected_revision": 0, "scoring": scoring.pk}, format="json")  # fmt: skip
    assert first.json()["revision"] == 1
    bob_api = APIClient()
    bob_api.force_authenticate(bob)
    stale = bob_api.post(url, {"item": face["item"], "action": "exclude", "expected_revision": 0}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["label"] == face["suggested"]
    audit = alice_api.get(f"/api/reviews/versions/{version.pk}/audit/", {"item": face["item"]}).json()["results"]
    assert [(entry["action"], entry["scoring"], entry["score"]) for entry in audit] == [("relabel", scoring.pk, 0.01)]
    csv = alice_api.get(f"/api/reviews/versions/{version.pk}/audit.csv").content.decode().splitlines()
    assert csv[0].startswith("at,user,item,name,action")
    assert len(csv) == 2


def test_it_commits_and_a_stale_tab_then_hears_where_review_continues(
    alice_api: APIClient, version: DatasetVersion, scoring: LabelScoring
) -> None:
    faces = _faces(alice_api, version, scoring=scoring.pk)["results"]
    url = f"/api/reviews/versions/{version.pk}/decisions/"
    alice_api.post(url, {"item": faces[0]["item"], "action": "exclude", "expected_revision": 0}, format="json")
    nothing = alice_api.post(f"/api/reviews/versions/{version.pk}/commit/", {"expected_events": 0}, format="json")
    assert nothing.status_code == 409
    commit = alice_api.post(f"/api/reviews/versions/{version.pk}/commit/", {"expected_events": 1}, format="json")
    assert commit.status_code == 201, commit.content
    assert commit.json()["new_version_label"] == "v2"
    assert commit.json()["changelog"]["excluded"] == 1
    late = alice_api.post(url, {"item": faces[1]["item"], "action": "keep", "expected_revision": 0}, format="json")
    assert late.status_code == 409
    assert "was committed as v2" in late.json()["detail"]
    state = alice_api.get(f"/api/reviews/versions/{version.pk}/").json()
    assert state["commit"]["new_version_label"] == "v2"


def test_another_team_sees_nothing(charlie_api: APIClient, version: DatasetVersion, scoring: LabelScoring) -> None:
    item = version.items.first()
    assert item is not None
    assert charlie_api.get(f"/api/reviews/versions/{version.pk}/faces/").status_code == 404
    assert charlie_api.get(f"/api/reviews/versions/{version.pk}/audit.csv").status_code == 404
    decided = charlie_api.post(f"/api/reviews/versions/{version.pk}/decisions/",
                               {"item": item.pk, "action": "keep", "expected_revision": 0}, format="json")  # fmt: skip
    assert decided.status_code == 404
    assert charlie_api.get(f"/api/reviews/scorings/{scoring.pk}/").status_code == 404
    assert charlie_api.post("/api/reviews/scorings/", {"dataset_version": version.pk}, format="json").status_code == 404


def test_a_face_of_another_version_is_not_found(alice_api: APIClient, version: DatasetVersion, team: Team) -> None:
    from tests.dataset_factories import DatasetFactory, version_with_faces

    other = version_with_faces(DatasetFactory(team=team))
    item = other.items.first()
    assert item is not None
    response = alice_api.post(f"/api/reviews/versions/{version.pk}/decisions/",
                              {"item": item.pk, "action": "keep", "expected_revision": 0}, format="json")  # fmt: skip
    assert response.status_code == 404
