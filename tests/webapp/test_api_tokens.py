"""API tokens: hashed at rest, expiring, listed and revoked by their owner only; `Authorization: Token <key>` works."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from webapp.accounts.models import User


def _token(email: str = "alice@example.com") -> dict[str, str]:
    response = APIClient().post("/api/auth/token/", {"email": email, "password": PASSWORD}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_it_stores_only_a_hash_of_the_token(alice: User) -> None:
    body = _token()
    stored = AuthToken.objects.get(user=alice)
    assert body["token"] not in {stored.digest, stored.token_key}
    assert body["token"].startswith(stored.token_key)
    assert body["key"] == stored.token_key
    assert len(stored.digest) == 128  # sha512


def test_it_expires_a_token_after_the_configured_days(alice: User) -> None:
    body = _token()
    stored = AuthToken.objects.get(user=alice)
    assert timedelta(days=29) < stored.expiry - timezone.now() <= timedelta(days=30)
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert _client(body["token"]).get("/api/me/").status_code == 401


def test_its_owner_lists_and_revokes_tokens(alice: User) -> None:
    first, second = _token(), _token()
    client = _client(first["token"])
    listed = client.get("/api/auth/tokens/").json()
    assert [item["key"] for item in listed] == [second["key"], first["key"]]
    assert set(listed[0]) == {"key", "created", "expiry"}
    assert client.post(f"/api/auth/tokens/{second['key']}/revoke/").status_code == 204
    assert _client(second["token"]).get("/api/me/").status_code == 401
    assert client.get("/api/me/").status_code == 200


def test_nobody_else_sees_or_revokes_a_token(alice: User, charlie: User) -> None:
    alices = _token()
    charlies = _client(_token("charlie@example.com")["token"])
    assert [item["key"] for item in charlies.get("/api/auth/tokens/").json()] != [alices["key"]]
    assert charlies.post(f"/api/auth/tokens/{alices['key']}/revoke/").status_code == 404
    assert _client(alices["token"]).get("/api/me/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Token nonsense", "Token", "Token a b", "Token \xe9\xe9"])
def test_it_refuses_a_bad_token_header_with_401(header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
