"""The dashboard: the current team's counts and latest work, on the page and from the API it refreshes from."""

from typing import Any

from django.test import Client
from rest_framework.test import APIClient

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.factories import UserFactory
from tests.run_factories import RunFactory, TeacherRunFactory
from webapp.accounts.models import Team
from webapp.runs.models import Run


def _teams_work(team: Team) -> tuple[Run, Run]:
    version = version_with_faces(DatasetFactory(team=team, name="Lab faces"))
    return TeacherRunFactory(team=team, dataset_version=version), RunFactory(team=team, dataset_version=version)


def test_it_counts_the_teams_work_and_lists_the_latest(alice_client: Client, team: Team, redis: Any) -> None:
    finished, queued = _teams_work(team)
    html = alice_client.get("/").content.decode()
    assert "1 dataset · 1 version" in html
    assert "2 jobs · 1 queued or running · 1 model" in html
    assert html.index(f'href="/jobs/{queued.pk}/"') < html.index(f'href="/jobs/{finished.pk}/"')  # newest first
    assert "Lab faces" in html
    assert "No datasets yet." not in html
    assert "No jobs yet." not in html


def test_it_says_so_when_the_team_has_nothing_yet(alice_client: Client, redis: Any) -> None:
    html = alice_client.get("/").content.decode()
    assert "No datasets yet." in html
    assert "No jobs yet." in html


def test_it_shows_no_other_teams_work(charlie_client: Client, team: Team, redis: Any) -> None:
    finished, _ = _teams_work(team)
    html = charlie_client.get("/").content.decode()
    assert f"/jobs/{finished.pk}/" not in html
    assert "No jobs yet." in html


def test_it_serves_the_summary_the_dashboard_refreshes_from(alice_api: APIClient, team: Team) -> None:
    finished, queued = _teams_work(team)
    body = alice_api.get("/api/dashboard/").json()
    assert body["team"] == "Affect Lab"
    counts = {key: body[key] for key in ("dataset_count", "version_count", "job_count", "active_job_count")}
    assert counts == {"dataset_count": 1, "version_count": 1, "job_count": 2, "active_job_count": 1}
    assert body["model_count"] == 1
    assert [job["id"] for job in body["latest_jobs"]] == [queued.pk, finished.pk]
    assert body["latest_jobs"][1] | {"created_at": None} == {
        "id": finished.pk, "url": f"/jobs/{finished.pk}/", "model_label": "Student ×0.0625",
        "dataset_version": str(finished.dataset_version), "status": "succeeded", "status_label": "Succeeded",
        "accuracy": 0.6, "created_at": None,
    }  # fmt: skip
    dataset = body["latest_datasets"][0]
    assert (dataset["name"], dataset["latest_version"], dataset["faces"]) == ("Lab faces", "v1", 5)


def test_it_summarises_nothing_for_an_outsider(charlie_api: APIClient, team: Team) -> None:
    _teams_work(team)
    body = charlie_api.get("/api/dashboard/").json()
    assert (body["team"], body["job_count"], body["latest_jobs"]) == ("Outsiders", 0, [])


def test_it_summarises_nothing_for_someone_in_no_team(db: None) -> None:
    client = APIClient()
    client.force_authenticate(UserFactory())
    body = client.get("/api/dashboard/").json()
    assert (body["team"], body["dataset_count"], body["latest_datasets"]) == (None, 0, [])
