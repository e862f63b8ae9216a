"""Request bodies that used to get a 500 or an HTML error page: deep JSON, oversized bodies, a huge login email."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from webapp.accounts.models import User


@pytest.mark.parametrize("depth", [40, 100_000])
def test_it_refuses_deeply_nested_json_with_a_message(alice_api: APIClient, depth: int) -> None:
    body = "[" * depth + "]" * depth
    response = alice_api.post("/api/runs/create/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_it_still_reads_ordinary_json(alice_api: APIClient) -> None:
    response = alice_api.post("/api/runs/create/", {"config": {"a": [{"b": 1}]}}, format="json")
    assert response.status_code == 400
    assert "dataset_version" in response.json()


def test_it_answers_an_oversized_api_body_with_413_json(alice_api: APIClient) -> None:
    body = '{"name": "' + "x" * 3_000_000 + '"}'
    response = alice_api.post("/api/runs/create/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "2.5 MB" in response.json()["detail"]


def test_it_answers_an_oversized_form_body_with_413_json(alice_api: APIClient) -> None:
    response = alice_api.post("/api/runs/create/", {"name": "x" * 3_000_000}, format="multipart")
    assert response.status_code == 413
    assert "detail" in response.json()


def test_it_refuses_a_100000_character_email_on_the_login_page(client: Client, alice: User) -> None:
    response = client.post("/login/", {"username": "a" * 100_000 + "@example.com", "password": "x"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


def test_it_refuses_a_100000_character_email_for_a_token(alice: User) -> None:
    body = {"email": "a" * 100_000 + "@example.com", "password": "x"}
    response = APIClient().post("/api/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "email" in response.json()
