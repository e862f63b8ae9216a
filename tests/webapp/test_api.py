"""The REST API: login required, session and token authentication, the schema and its docs page."""

from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD, MembershipFactory
from webapp.accounts.models import Team, User
from webapp.system.models import Ping


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/me/", "/api/pings/", "/api/pings/1/", "/api/schema/", "/api/system/health/", "/api/dashboard/"]
)
def test_it_answers_401_to_an_anonymous_call(path: str) -> None:
    response = APIClient().get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_it_trades_credentials_for_a_token_that_authenticates(alice: User) -> None:
    client = APIClient()
    response = client.post("/api/auth/token/", {"email": "alice@example.com", "password": PASSWORD}, format="json")
    assert response.status_code == 201
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/me/").json()["email"] == "alice@example.com"


def test_it_refuses_a_token_for_wrong_credentials(alice: User) -> None:
    response = APIClient().post("/api/auth/token/", {"email": "alice@example.com", "password": "no"}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "That email and password don't match an account."}


def test_it_accepts_the_session_of_a_signed_in_page_user(alice_client: Client, team: Team) -> None:
    response = alice_client.get("/api/me/")
    assert response.json()["teams"] == [{"id": team.pk, "name": "Affect Lab"}]


def test_it_creates_a_ping_in_the_current_team_and_queues_it_after_commit(
    alice_api: APIClient, team: Team, django_capture_on_commit_callbacks: mock.Mock
) -> None:
    with (
        mock.patch("webapp.jobs.enqueue_ping") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = alice_api.post("/api/pings/create/", {}, format="json")
    assert response.status_code == 201
    ping = Ping.objects.get(pk=response.json()["id"])
    assert ping.team == team
    assert ping.status == Ping.Status.PENDING
    enqueue.assert_called_once_with(ping_id=ping.pk)


def test_it_serves_the_openapi_schema(alice_client: Client) -> None:
    response = alice_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    assert {"/api/pings/", "/api/pings/create/", "/api/pings/{id}/", "/api/me/", "/api/auth/token/"} <= set(paths)


def test_it_serves_the_api_docs_from_local_files_only(alice_client: Client) -> None:
    html = alice_client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn." not in html
    assert "https://" not in html


def test_it_creates_a_ping_in_the_team_chosen_in_the_page_header(
    alice: User, alice_client: Client, other_team: Team
) -> None:
    MembershipFactory(user=alice, team=other_team)
    alice_client.post("/teams/switch/", {"team_id": other_team.pk, "next": "/"})
    response = alice_client.post("/api/pings/create/", {}, content_type="application/json")
    assert response.json()["team"] == other_team.pk


def test_it_generates_a_valid_schema_without_warnings(tmp_path: Path) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "PingCreateInputRequest:" in (tmp_path / "schema.yaml").read_text()
