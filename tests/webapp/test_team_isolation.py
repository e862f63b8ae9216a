"""One team cannot read another team's objects, through pages or through the API."""

from typing import Any

from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PingFactory
from webapp.accounts.models import Team


def test_it_shows_a_ping_to_its_own_team(alice_client: Client, bob_client: Client, team: Team) -> None:
    ping = PingFactory(team=team)
    assert alice_client.get(f"/status/pings/{ping.pk}/").status_code == 200
    assert bob_client.get(f"/status/pings/{ping.pk}/").status_code == 200


def test_it_hides_another_teams_ping_page_as_missing(charlie_client: Client, team: Team) -> None:
    ping = PingFactory(team=team)
    response = charlie_client.get(f"/status/pings/{ping.pk}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_it_leaves_other_teams_pings_off_the_status_page(charlie_client: Client, team: Team, redis: Any) -> None:
    ping = PingFactory(team=team)
    assert f"/status/pings/{ping.pk}/" not in charlie_client.get("/status/").content.decode()


def test_it_hides_another_teams_ping_in_the_api(charlie_api: APIClient, alice_api: APIClient, team: Team) -> None:
    ping = PingFactory(team=team)
    assert alice_api.get(f"/api/pings/{ping.pk}/").status_code == 200
    assert charlie_api.get(f"/api/pings/{ping.pk}/").status_code == 404


def test_it_lists_only_the_own_teams_pings_in_the_api(
    charlie_api: APIClient, alice_api: APIClient, team: Team, other_team: Team
) -> None:
    ours, theirs = PingFactory(team=team), PingFactory(team=other_team)
    assert [ping["id"] for ping in alice_api.get("/api/pings/").json()] == [ours.pk]
    assert [ping["id"] for ping in charlie_api.get("/api/pings/").json()] == [theirs.pk]


def test_it_refuses_to_create_in_another_team_through_the_api(charlie_api: APIClient, team: Team) -> None:
    response = charlie_api.post("/api/pings/create/", {"team": team.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"team": [f"You are not a member of team {team.pk}."]}
