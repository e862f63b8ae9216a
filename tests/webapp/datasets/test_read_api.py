"""Reading datasets through the API: lists, versions, paged items by class and split, images; one team only."""

import pytest
from rest_framework.test import APIClient

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.dataset_files import face_png, uploaded
from webapp.accounts.models import Team, User
from webapp.datasets import services
from webapp.datasets.models import DatasetVersion

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def version(team: Team) -> DatasetVersion:
    return version_with_faces(DatasetFactory(team=team, name="Lab faces"), store=True)


def test_it_lists_only_the_own_teams_datasets_with_paging(alice_api: APIClient, team: Team, other_team: Team) -> None:
    ours = [DatasetFactory(team=team) for _ in range(3)]
    DatasetFactory(team=other_team)
    body = alice_api.get("/api/datasets/?limit=2").json()
    assert body["count"] == 3
    assert [dataset["id"] for dataset in body["results"]] == [ours[2].pk, ours[1].pk]
    assert body["next"].endswith("limit=2&offset=2")


def test_it_shows_a_dataset_with_its_versions(alice_api: APIClient, version: DatasetVersion) -> None:
    body = alice_api.get(f"/api/datasets/{version.dataset_id}/").json()
    assert body["name"] == "Lab faces"
    assert body["latest_import"] is None
    (listed,) = body["versions"]
    assert (listed["id"], listed["label"], listed["item_count"], listed["parent_number"]) == (version.pk, "v1", 5, None)
    assert listed["split_counts"] == {"train": 3, "val": 1, "test": 1}
    assert listed["counts"]["train"]["angry"] == 2
    assert listed["fingerprint"] == version.fingerprint


def test_it_lists_and_shows_versions(alice_api: APIClient, version: DatasetVersion) -> None:
    second = version_with_faces(version.dataset)
    listed = alice_api.get(f"/api/datasets/{version.dataset_id}/versions/").json()
    assert [item["number"] for item in listed] == [2, 1]
    shown = alice_api.get(f"/api/datasets/{version.dataset_id}/versions/2/").json()
    assert shown["id"] == second.pk


def test_it_pages_items_by_class_and_split(alice_api: APIClient, version: DatasetVersion) -> None:
    url = f"/api/datasets/{version.dataset_id}/versions/1/items/"
    body = alice_api.get(url, {"limit": 2}).json()
    assert body["count"] == 5
    assert [item["name"] for item in body["results"]] == ["face-010.png", "face-020.png"]
    angry = alice_api.get(url, {"label": "angry", "split": "train"}).json()["results"]
    assert [(item["label"], item["label_index"], item["split"]) for item in angry] == [("angry", 0, "train")] * 2
    assert angry[0]["image_url"] == f"/api/datasets/images/{angry[0]['image']}/"
    assert alice_api.get(url, {"split": "val"}).json()["count"] == 1


def test_it_refuses_unknown_filters(alice_api: APIClient, version: DatasetVersion) -> None:
    response = alice_api.get(f"/api/datasets/{version.dataset_id}/versions/1/items/", {"label": "bored"})
    assert response.status_code == 400
    assert "label" in response.json()


def test_it_serves_a_face_as_png_for_good(alice_api: APIClient, version: DatasetVersion) -> None:
    item = version.items.get(name="face-030.png")
    response = alice_api.get(f"/api/datasets/images/{item.image_id}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == face_png(30)


def test_it_shows_an_imports_state(alice_api: APIClient, team: Team, alice: User, enqueued: object) -> None:
    dataset_import = services.dataset_upload_create(
        team=team, user=alice, name="x", upload=uploaded("a.csv", b"emotion,pixels,Usage\n")
    )
    body = alice_api.get(f"/api/datasets/imports/{dataset_import.pk}/").json()
    assert (body["status"], body["progress"], body["errors"], body["kind"]) == ("queued", 0.0, [], "csv")
    listed = alice_api.get(f"/api/datasets/{dataset_import.dataset_id}/imports/").json()
    assert [item["id"] for item in listed] == [dataset_import.pk]


@pytest.mark.parametrize(
    "path",
    [
        "/api/datasets/{dataset}/",
        "/api/datasets/{dataset}/versions/",
        "/api/datasets/{dataset}/versions/1/",
        "/api/datasets/{dataset}/versions/1/items/",
        "/api/datasets/{dataset}/imports/",
        "/api/datasets/images/{image}/",
    ],
)
def test_it_hides_another_teams_data_as_missing(charlie_api: APIClient, version: DatasetVersion, path: str) -> None:
    image = version.items.first().image_id  # type: ignore[union-attr]  # the version has faces
    assert charlie_api.get(path.format(dataset=version.dataset_id, image=image)).status_code == 404


def test_it_hides_another_teams_import(charlie_api: APIClient, team: Team, alice: User, enqueued: object) -> None:
    dataset_import = services.dataset_upload_create(
        team=team, user=alice, name="x", upload=uploaded("a.csv", b"emotion,pixels,Usage\n")
    )
    assert charlie_api.get(f"/api/datasets/imports/{dataset_import.pk}/").status_code == 404
    assert charlie_api.get("/api/datasets/").json()["count"] == 0


def test_it_describes_the_datasets_api_in_the_schema(alice_api: APIClient) -> None:
    schema = alice_api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "multipart/form-data" in paths["/api/datasets/upload/"]["post"]["requestBody"]["content"]
    assert "413" in paths["/api/datasets/upload/"]["post"]["responses"]
    items = paths["/api/datasets/{id}/versions/{number}/items/"]["get"]
    assert {parameter["name"] for parameter in items["parameters"]} >= {"label", "split", "limit", "offset"}
