"""The recordings API: analyses, reports and exports, share links, deletion that leaves no file, and team walls."""

from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.recording_files import finished_analysis
from tests.run_factories import TeacherRunFactory
from tests.webapp.recordings.conftest import RecordingMaker
from webapp.accounts.models import Team
from webapp.recordings import storage
from webapp.recordings.models import Analysis, Recording

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def recording(stored_recording: RecordingMaker) -> Recording:
    recording = stored_recording()
    recording.status, recording.info = Recording.Status.SUCCEEDED, {"duration_s": 4.0, "browser_playable": True}
    recording.save()
    return recording


def test_it_lists_and_shows_the_teams_recordings_only(
    alice_api: APIClient, charlie_api: APIClient, recording: Recording
) -> None:
    listed = alice_api.get("/api/recordings/").json()
    assert [item["id"] for item in listed["results"]] == [recording.pk]
    assert charlie_api.get("/api/recordings/").json()["count"] == 0
    assert charlie_api.get(f"/api/recordings/{recording.pk}/").status_code == 404
    assert charlie_api.delete(f"/api/recordings/{recording.pk}/").status_code == 404


def test_it_queues_an_analysis_with_the_built_in_model_or_a_finished_job(
    alice_api: APIClient, recording: Recording, team: Team
) -> None:
    builtin = alice_api.post(f"/api/recordings/{recording.pk}/analyses/", {}, format="json")
    assert builtin.status_code == 201, builtin.content
    assert builtin.json()["model_label"] == "Student B (built-in, 160 px)"
    job = TeacherRunFactory(team=team)
    chosen = alice_api.post(f"/api/recordings/{recording.pk}/analyses/", {"model_run": job.pk}, format="json")
    assert chosen.status_code == 201, chosen.content
    assert chosen.json()["model_run"] == job.pk


def test_it_refuses_a_model_of_another_team(alice_api: APIClient, recording: Recording) -> None:
    foreign = TeacherRunFactory()
    response = alice_api.post(f"/api/recordings/{recording.pk}/analyses/", {"model_run": foreign.pk}, format="json")
    assert response.status_code == 400
    assert "model_run" in response.json()


def test_another_team_cannot_reach_an_analysis(charlie_api: APIClient, recording: Recording) -> None:
    analysis = finished_analysis(recording)
    for path in ("", "report/", "timeline/", "live/", "export/frames.csv", "share-links/"):
        assert charlie_api.get(f"/api/recordings/analyses/{analysis.pk}/{path}").status_code == 404, path
    assert charlie_api.post(f"/api/recordings/analyses/{analysis.pk}/cancel/").status_code == 404
    assert charlie_api.post(f"/api/recordings/{recording.pk}/analyses/", {}, format="json").status_code == 404


def test_it_serves_the_report_and_every_export(alice_api: APIClient, recording: Recording) -> None:
    analysis = finished_analysis(recording)
    alice_api.post(f"/api/recordings/{recording.pk}/tasks/", {"name": "Search", "start": 1, "end": 3}, format="json")
    report = alice_api.get(f"/api/recordings/analyses/{analysis.pk}/report/").json()
    assert report["distribution"]["dominant"] == "happy"
    assert [(row["task"], row["dominant"]) for row in report["tasks"]] == [("Search", "happy")]
    for kind, first_line in (("frames.csv", "frame,time_s,track"), ("tasks.csv", "task,start_s,end_s,dominant")):
        response = alice_api.get(f"/api/recordings/analyses/{analysis.pk}/export/{kind}")
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.decode().startswith(first_line)
        assert "attachment" in response["Content-Disposition"]
    assert alice_api.get(f"/api/recordings/analyses/{analysis.pk}/export/tasks.json").json()[0]["task"] == "Search"
    assert alice_api.get(f"/api/recordings/analyses/{analysis.pk}/export/../../secrets").status_code == 404


def test_it_switches_the_participant_track(alice_api: APIClient, recording: Recording) -> None:
    analysis = finished_analysis(recording, tracks=2)
    url = f"/api/recordings/analyses/{analysis.pk}/participant/"
    assert alice_api.put(url, {"track": 1}, format="json").json()["participant_track"] == 1
    refused = alice_api.put(url, {"track": 7}, format="json")
    assert refused.status_code == 400
    assert "Track 7 is not in this analysis" in str(refused.json())


def test_a_share_link_shows_the_report_without_an_account_until_revoked(
    alice_api: APIClient, client: Any, recording: Recording
) -> None:
    analysis = finished_analysis(recording)
    link = alice_api.post(f"/api/recordings/analyses/{analysis.pk}/share-links/").json()
    assert len(link["url"]) > len("/share//") + 40
    page = client.get(link["url"])
    assert page.status_code == 200
    assert recording.name in page.content.decode()
    assert client.get(link["url"] + "timeline.json").status_code == 200
    assert client.get(link["url"] + "moments/m.jpg").status_code == 200
    assert client.get(link["url"] + "moments/../../timeline.json").status_code == 404
    revoked = alice_api.post(f"/api/recordings/analyses/{analysis.pk}/share-links/{link['id']}/revoke/")
    assert revoked.json()["revoked_at"] is not None
    assert client.get(link["url"]).status_code == 404
    assert client.get("/share/not-a-token/").status_code == 404


def test_deleting_a_recording_removes_every_file_of_it(
    alice_api: APIClient, recording: Recording, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    finished_analysis(recording)
    (storage.recording_folder(recording.pk) / "playable.mp4").write_bytes(b"copy")
    (storage.recording_folder(recording.pk) / "poster.jpg").write_bytes(b"poster")
    with django_capture_on_commit_callbacks(execute=True):
        assert alice_api.delete(f"/api/recordings/{recording.pk}/").status_code == 204
    assert not Recording.objects.exists()
    assert not Analysis.objects.exists()
    left = [path for path in media.rglob("*") if path.is_file()]
    assert left == []


def test_it_refuses_to_delete_while_an_analysis_runs(alice_api: APIClient, recording: Recording) -> None:
    analysis = finished_analysis(recording)
    Analysis.objects.filter(pk=analysis.pk).update(status=Analysis.Status.RUNNING)
    response = alice_api.delete(f"/api/recordings/{recording.pk}/")
    assert response.status_code == 400
    assert "cancel it first" in str(response.json())
    assert Recording.objects.filter(pk=recording.pk).exists()
