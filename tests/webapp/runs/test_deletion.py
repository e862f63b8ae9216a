"""A finished job can be deleted from its page and the API, per team, with its files; a job that still runs, taught a
student or served a recording analysis is kept, and the confirmation says why. Its disk use shows on the pages."""

from pathlib import Path
from typing import Any

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from rest_framework.test import APIClient

from tests.run_factories import RunFactory, TeacherRunFactory, finished_run_create
from webapp.accounts.models import Team
from webapp.recordings.models import Analysis, Recording
from webapp.runs.models import Run


@pytest.fixture
def finished(team: Team, media: Path) -> Run:
    run = finished_run_create(team=team, accuracy=0.6, epochs=2)
    folder = media / run.artifact_dir
    folder.mkdir(parents=True)
    (folder / "best.pt").write_bytes(b"w" * 3000)
    (folder / "model.onnx").write_bytes(b"o" * 2000)
    return run


def test_its_page_and_the_jobs_list_say_how_much_disk_it_takes(alice_client: Client, finished: Run) -> None:
    shown = filesizeformat(5000)
    detail = alice_client.get(f"/jobs/{finished.pk}/").content.decode()
    assert f'<span data-role="disk">{shown}</span>' in detail
    assert f'href="/jobs/{finished.pk}/delete/"' in detail
    jobs = alice_client.get("/jobs/").content.decode()
    assert f'<strong class="disk" id="jobs-disk">{shown}</strong>' in jobs


def test_the_confirmation_says_what_goes_then_the_job_and_its_files_are_deleted(
    alice_client: Client, finished: Run, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    page = alice_client.get(f"/jobs/{finished.pk}/delete/").content.decode()
    assert f"its checkpoint and ONNX export ({filesizeformat(5000)})" in page
    assert "its curves (2 epochs)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(f"/jobs/{finished.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == "/jobs/"
    assert f"Deleted job #{finished.pk}: {filesizeformat(5000)} freed on disk." in response.content.decode()
    assert not Run.objects.filter(pk=finished.pk).exists()
    assert not (media / finished.artifact_dir).exists()


def test_the_api_deletes_for_the_team_only(
    alice_api: APIClient, charlie_api: APIClient, finished: Run, django_capture_on_commit_callbacks: Any
) -> None:
    assert charlie_api.delete(f"/api/runs/{finished.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert alice_api.delete(f"/api/runs/{finished.pk}/").status_code == 204
    assert alice_api.get(f"/api/runs/{finished.pk}/").status_code == 404


def test_a_job_still_running_is_kept(alice_api: APIClient, team: Team) -> None:
    running = RunFactory(team=team, status=Run.Status.RUNNING)
    refused = alice_api.delete(f"/api/runs/{running.pk}/")
    assert refused.status_code == 400
    assert f"Job #{running.pk} is running: cancel it first." in str(refused.json())


def test_a_teacher_is_kept_while_its_students_exist(alice_client: Client, team: Team) -> None:
    teacher = TeacherRunFactory(team=team)
    student = RunFactory(team=team, teacher=teacher, status=Run.Status.SUCCEEDED)
    page = alice_client.get(f"/jobs/{teacher.pk}/delete/").content.decode()
    assert f"Job #{student.pk} learned from it: delete them first." in page
    response = alice_client.post(f"/jobs/{teacher.pk}/delete/")
    assert response.status_code == 400
    assert Run.objects.filter(pk=teacher.pk).exists()


def test_a_model_a_recording_analysis_used_is_kept(alice_api: APIClient, team: Team) -> None:
    model = TeacherRunFactory(team=team)
    recording = Recording.objects.create(team=team, name="Session 3", original_name="s.mp4", size_bytes=1)
    Analysis.objects.create(team=team, recording=recording, model_run=model, model_label="x")
    refused = alice_api.delete(f"/api/runs/{model.pk}/")
    assert refused.status_code == 400
    assert "1 recording analysis used its model (Session 3): delete those recordings first." in str(refused.json())
