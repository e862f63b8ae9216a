"""`?limit=&offset=` on every paged API list: a bad value is a 400 that names it (DRF's own paging ignored it), and
the schema states the bounds and the page's shape (issue 21, Schemathesis ST201 and ST108)."""

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.dataset_factories import DatasetFactory
from webapp.accounts.models import Team
from webapp.ids import MAX_INT

LISTS = ["/api/datasets/", "/api/recordings/"]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("offset=null", "offset"),
        ("offset=-1", "offset"),
        ("offset=²", "offset"),
        (f"offset={2**64}", "offset"),
        ("offset=1&offset=2", "offset"),
        ("limit=0", "limit"),
        ("limit=1e3", "limit"),
        ("limit=100000", "limit"),
    ],
)
def test_it_refuses_a_bad_limit_or_offset_with_a_message(alice_api: APIClient, url: str, query: str, name: str) -> None:
    response = alice_api.get(f"{url}?{query}")
    assert response.status_code == 400
    assert response.json()[name][0].startswith("Expected one whole number from ")


def test_it_pages_within_the_bounds(alice_api: APIClient, team: Team) -> None:
    DatasetFactory.create_batch(3, team=team)
    page = alice_api.get("/api/datasets/", {"limit": 2, "offset": 1}).json()
    assert (page["count"], len(page["results"]), page["next"]) == (3, 2, None)
    assert alice_api.get("/api/datasets/", {"offset": MAX_INT}).json()["results"] == []


@pytest.mark.parametrize(
    ("path", "component", "max_limit"),
    [
        ("/api/datasets/", "PaginatedDatasetOutputList", 500),
        ("/api/recordings/", "PaginatedRecordingList", 200),
        ("/api/datasets/{id}/versions/{number}/items/", "PaginatedDatasetItemOutputList", 1000),
        ("/api/reviews/versions/{id}/faces/", "PaginatedFaceList", 500),
        ("/api/reviews/versions/{id}/audit/", "PaginatedEventList", 500),
    ],
)
def test_the_schema_says_which_lists_are_paged_and_their_bounds(
    schema: dict[str, Any], path: str, component: str, max_limit: int
) -> None:
    operation = schema["paths"][path]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": f"#/components/schemas/{component}"}
    assert set(schema["components"]["schemas"][component]["properties"]) == {"count", "next", "previous", "results"}
    parameters = {parameter["name"]: parameter["schema"] for parameter in operation["parameters"]}
    assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, max_limit)
    assert (parameters["offset"]["minimum"], parameters["offset"]["maximum"]) == (0, MAX_INT)
