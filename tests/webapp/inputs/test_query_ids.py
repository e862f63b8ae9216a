"""Ids in query strings and form fields: "²" (a digit to `str.isdigit()`, not to `int()`) and numbers too large for
the database are treated as missing, never a 500 (issue 21)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.dataset_factories import DatasetFactory, version_with_faces
from webapp.accounts.models import Team
from webapp.ids import MAX_INT, id_list_parse, id_parse, int_parse

BAD = ["²", "¹", "٣", "-1", "1e3", " 7", "", "0", str(2**63), str(2**70), "9" * 40]


@pytest.mark.parametrize("text", BAD)
def test_it_parses_no_id_from_bad_text(text: str) -> None:
    assert id_parse(text) is None


def test_it_parses_the_largest_id_and_bounded_numbers() -> None:
    assert id_parse(str(MAX_INT)) == MAX_INT
    assert int_parse("0") == 0
    assert int_parse("5", high=4) is None
    assert id_list_parse(["3", " 5", "²", "3", str(2**70)]) == [3, 5]


@pytest.mark.parametrize("ids", ["¹", "²,3", str(2**70), f"1,{2**64}"])
def test_it_compares_no_job_for_bad_ids_in_the_api(alice_api: APIClient, ids: str) -> None:
    response = alice_api.get("/api/runs/compare/", {"ids": ids})
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("value", ["¹", str(2**70)])
def test_it_shows_the_pages_for_bad_ids(alice_client: Client, team: Team, value: str) -> None:
    dataset = DatasetFactory(team=team)
    version_with_faces(dataset)
    assert alice_client.get("/models/compare/", {"runs": value}).status_code == 200
    assert alice_client.get("/jobs/", {"from": value}).status_code == 200
    assert alice_client.get(f"/datasets/{dataset.pk}/", {"from": value, "to": value}).status_code == 200
    review = alice_client.get(f"/review/versions/{dataset.versions.get().pk}/", {"scoring": value, "run": value})
    assert review.status_code == 200


@pytest.mark.parametrize("value", ["²", str(2**70), "-3"])
def test_it_refuses_a_bad_team_switch_with_a_message(alice_client: Client, value: str) -> None:
    response = alice_client.post("/teams/switch/", {"team_id": value, "next": "/jobs/"}, follow=True)
    assert response.status_code == 200
    assert "You are not a member of that team." in response.content.decode()
