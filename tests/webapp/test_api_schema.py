"""The OpenAPI schema says what the API does (issue 21, Schemathesis): the bounds the serializers and kdcore keep,
JSON bodies where views read JSON, and a schema view that refuses a language or format it does not have."""

from typing import Any

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    properties: dict[str, Any] = schema["components"]["schemas"][name]["properties"]
    return properties


@pytest.mark.parametrize("query", [{"lang": "AAA"}, {"lang": ""}, {"format": "AAA"}, {"lang": ["en", "de"]}])
def test_the_schema_view_refuses_a_language_or_format_it_does_not_have(
    alice_api: APIClient, query: dict[str, Any]
) -> None:
    response = alice_api.get("/api/schema/", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == set(query)


def test_the_schema_view_answers_a_known_language_and_format(alice_api: APIClient) -> None:
    assert alice_api.get("/api/schema/", {"lang": "de", "format": "json"}).json()["openapi"].startswith("3.")
    assert APIClient().get("/api/schema/", {"lang": "AAA"}).status_code == 401


def test_bodies_are_json_where_a_view_reads_json_and_multipart_for_uploads(schema: dict[str, Any]) -> None:
    def media_types(path: str) -> list[str]:
        return list(schema["paths"][path]["post"]["requestBody"]["content"])

    assert media_types("/api/runs/create/") == media_types("/api/pings/create/") == ["application/json"]
    assert media_types("/api/datasets/upload/") == ["multipart/form-data"]
    assert "multipart/form-data" in media_types("/api/recordings/upload/")


def test_request_bodies_state_what_their_serializers_refuse(schema: dict[str, Any]) -> None:
    start = _component(schema, "RecordingUploadStartInputRequest")
    assert start["original_name"]["minLength"] == 1  # "" is "This field may not be blank."
    assert start["size_bytes"]["maximum"] == settings.STUDIO_MAX_UPLOAD_MB * 1024 * 1024  # more is a 413
    assert _component(schema, "DatasetUploadInputRequest")["file"]["format"] == "binary"


def test_the_job_body_states_kdcores_ranges(schema: dict[str, Any]) -> None:
    job = _component(schema, "RunCreateInputRequest")
    assert (job["temperature"]["minimum"], job["temperature"]["maximum"]) == (0.5, 20)
    assert (job["alpha"]["minimum"], job["alpha"]["maximum"]) == (0, 1)
    for name, high in (("lr", 10), ("width_mult", 1)):
        assert (job[name]["minimum"], job[name]["exclusiveMinimum"], job[name]["maximum"]) == (0, True, high)


def test_the_diff_states_that_versions_are_numbered_from_one(schema: dict[str, Any]) -> None:
    parameters = schema["paths"]["/api/datasets/{id}/versions/diff/"]["get"]["parameters"]
    stated = {each["name"]: (each.get("required"), each["schema"].get("minimum")) for each in parameters}
    assert stated["from"] == stated["to"] == (True, 1)


def test_the_label_scorings_refuse_a_bad_version_and_document_a_missing_one(
    alice_api: APIClient, schema: dict[str, Any]
) -> None:
    for bad in ("null", "²", "0", str(2**63)):
        response = alice_api.get("/api/reviews/scorings/", {"version": bad})
        assert response.status_code == 400, bad
        assert "version" in response.json()
    assert alice_api.get("/api/reviews/scorings/", {"version": 10**6}).status_code == 404
    operations = schema["paths"]["/api/reviews/scorings/"]
    assert "404" in operations["get"]["responses"]
    assert "404" in operations["post"]["responses"]
