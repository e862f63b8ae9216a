"""A bulk decision (grid mode) audits every face with the score that surfaced that face, not the first face's."""

from rest_framework.test import APIClient

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.review_factories import scoring_succeeded_create
from webapp.accounts.models import Team
from webapp.reviews.models import ReviewEvent


def test_it_audits_each_face_of_a_bulk_decision_with_its_own_score(alice_api: APIClient, team: Team) -> None:
    version = version_with_faces(DatasetFactory(team=team))
    scoring = scoring_succeeded_create(version=version)
    scores = dict(scoring.scores.values_list("item_id", "quality"))
    items = [{"item": item_id, "expected_revision": 0} for item_id in sorted(scores)[:3]]
    body = {"items": items, "action": "exclude", "scoring": scoring.pk}
    response = alice_api.post(f"/api/reviews/versions/{version.pk}/decisions/bulk/", body, format="json")
    assert response.status_code == 200, response.json()
    audited = dict(ReviewEvent.objects.filter(version=version).values_list("item_id", "score"))
    assert audited == {entry["item"]: scores[entry["item"]] for entry in items}
    assert len(set(audited.values())) == 3
