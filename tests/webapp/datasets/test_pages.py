"""The dataset pages: list and empty state, upload form (also without JavaScript), detail, gallery; one team only."""

import os
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.dataset_files import emotion_zip, uploaded, zip_bytes
from webapp.accounts.models import Team, User
from webapp.datasets import services
from webapp.datasets.models import Dataset, DatasetImport, DatasetVersion

pytestmark = pytest.mark.usefixtures("media_root", "enqueued")


@pytest.fixture
def version(team: Team) -> DatasetVersion:
    return version_with_faces(DatasetFactory(team=team, name="Lab faces"), store=True)


def test_it_shows_an_empty_state_with_an_upload_button(alice_client: Client) -> None:
    html = alice_client.get("/datasets/").content.decode()
    assert "No datasets yet" in html
    assert 'href="/datasets/upload/"' in html


def test_it_lists_the_teams_datasets_with_their_latest_version(alice_client: Client, version: DatasetVersion) -> None:
    html = alice_client.get("/datasets/").content.decode()
    assert f'href="/datasets/{version.dataset_id}/"' in html
    assert f'href="/datasets/{version.dataset_id}/versions/1/"' in html


def test_it_shows_the_upload_form_with_its_limit(alice_client: Client) -> None:
    with override_settings(STUDIO_MAX_UPLOAD_MB=7):
        html = alice_client.get("/datasets/upload/").content.decode()
    assert 'data-api-url="/api/datasets/upload/"' in html
    assert "Up to 7 MB" in html
    assert 'type="file"' in html


def test_it_uploads_without_javascript_and_goes_to_the_dataset(alice_client: Client, team: Team) -> None:
    response = alice_client.post("/datasets/upload/", {"name": "Lab faces", "file": uploaded("f.zip", emotion_zip())})
    dataset = Dataset.objects.get(team=team)
    assert response.status_code == 302
    assert response["Location"] == f"/datasets/{dataset.pk}/"


def test_it_shows_an_upload_error_on_the_form(alice_client: Client) -> None:
    response = alice_client.post(
        "/datasets/upload/", {"name": "Evil", "file": uploaded("e.zip", zip_bytes({"../x.png": b"x"}))}
    )
    assert response.status_code == 400
    assert "unsafe path &#x27;../x.png&#x27;" in response.content.decode()
    assert not Dataset.objects.exists()


def test_it_refuses_an_oversized_upload_on_the_form_with_413(alice_client: Client) -> None:
    with override_settings(STUDIO_MAX_UPLOAD_MB=1):
        response = alice_client.post(
            "/datasets/upload/", {"name": "Big", "file": uploaded("b.zip", os.urandom(2 * 1024 * 1024))}
        )
    assert response.status_code == 413
    assert "the limit is 1 MB" in response.content.decode()
    assert not Dataset.objects.exists()


def test_it_shows_a_dataset_with_versions_and_imports(
    alice_client: Client, team: Team, alice: User, version: DatasetVersion
) -> None:
    dataset_import = services.dataset_import_create(
        dataset=version.dataset, user=alice, upload=uploaded("next.zip", emotion_zip())
    )
    services.dataset_import_fail(import_id=dataset_import.pk, message="unknown emotion folders: 'bored'")
    html = alice_client.get(f"/datasets/{version.dataset_id}/").content.decode()
    assert "v1" in html
    assert version.fingerprint[:12] in html
    assert "next.zip" in html
    assert "unknown emotion folders: &#x27;bored&#x27;" in html
    assert "1 file skipped" in html  # README.txt, found by the upload check
    assert f'data-import-id="{dataset_import.pk}"' in html


def test_it_says_when_no_worker_has_taken_an_import_for_minutes(alice_client: Client, team: Team) -> None:
    dataset_import = services.dataset_import_create(
        dataset=DatasetFactory(team=team), user=None, upload=uploaded("a.zip", emotion_zip())
    )
    url = f"/datasets/{dataset_import.dataset_id}/"
    assert "No news from a worker" not in alice_client.get(url).content.decode()
    DatasetImport.objects.filter(pk=dataset_import.pk).update(updated_at=timezone.now() - timedelta(minutes=6))
    assert "No news from a worker for 6\xa0minutes" in alice_client.get(url).content.decode()


def test_it_shows_a_gallery_page_by_class_and_split(alice_client: Client, version: DatasetVersion) -> None:
    url = f"/datasets/{version.dataset_id}/versions/1/"
    html = alice_client.get(url, {"label": "angry", "split": "train"}).content.decode()
    assert "2 faces" in html
    assert html.count('class="face"') == 2
    items = version.items.filter(label=0).order_by("name")
    assert f'src="/api/datasets/images/{items[0].image_id}/"' in html
    assert alice_client.get(url, {"split": "val"}).content.decode().count('class="face"') == 1


def test_it_pages_the_gallery(alice_client: Client, team: Team) -> None:
    faces = [(value, value % 7, 0) for value in range(130)]
    version = version_with_faces(DatasetFactory(team=team), faces)
    url = f"/datasets/{version.dataset_id}/versions/1/"
    first, second = alice_client.get(url).content.decode(), alice_client.get(url, {"page": 2}).content.decode()
    assert (first.count('class="face"'), second.count('class="face"')) == (120, 10)
    assert "page 2 of 2" in second
    assert 'rel="prev"' in second


@pytest.mark.parametrize("path", ["/datasets/{pk}/", "/datasets/{pk}/versions/1/", "/datasets/{pk}/upload/"])
def test_it_hides_another_teams_dataset_pages(charlie_client: Client, version: DatasetVersion, path: str) -> None:
    assert charlie_client.get(path.format(pk=version.dataset_id)).status_code == 404


def test_it_leaves_another_teams_datasets_off_the_list(charlie_client: Client, version: DatasetVersion) -> None:
    html = charlie_client.get("/datasets/").content.decode()
    assert "Lab faces" not in html
    assert "No datasets yet" in html


def test_it_asks_anonymous_visitors_to_sign_in(client: Any) -> None:
    response = client.get("/datasets/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
