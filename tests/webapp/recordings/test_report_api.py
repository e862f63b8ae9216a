"""What the recording page's script relies on in the API: marking a task (times as seconds or clock times, errors
as 400s with a message), the report's task rows carrying their ids (to delete them), and a photo reading "Ready"."""

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.recording_files import clip, recording_store
from tests.webapp.recordings.conftest import VIDEO_INFO, AnalysisMaker, prepared
from webapp.accounts.models import Team, User
from webapp.recordings.models import TaskSegment

pytestmark = pytest.mark.django_db


def test_it_marks_a_task_given_as_clock_times(alice_api: APIClient, finished_analysis: AnalysisMaker) -> None:
    analysis = finished_analysis()
    answer = alice_api.post(
        f"/api/recordings/{analysis.recording_id}/tasks/", {"name": "Checkout", "start": "0:00.5", "end": "1.5"}
    )
    assert answer.status_code == 201, answer.content
    assert (answer.json()["start_s"], answer.json()["end_s"]) == (0.5, 1.5)


@pytest.mark.parametrize(
    ("start", "message"),
    [("soon", "'soon' is not a time"), ("1" * 40, "at most 32 characters")],
)
def test_it_refuses_a_time_it_cannot_read_with_a_message(
    alice_api: APIClient, finished_analysis: AnalysisMaker, start: str, message: str
) -> None:
    analysis = finished_analysis()
    task = {"name": "A", "start": start, "end": "1"}
    answer = alice_api.post(f"/api/recordings/{analysis.recording_id}/tasks/", task)
    assert answer.status_code == 400
    assert message in answer.json()["start"][0]


def test_the_reports_task_rows_carry_their_ids(alice_api: APIClient, finished_analysis: AnalysisMaker) -> None:
    analysis = finished_analysis()
    alice_api.post(f"/api/recordings/{analysis.recording_id}/tasks/", {"name": "Intro", "start": "0", "end": "1"})
    task = TaskSegment.objects.get()
    rows = alice_api.get(f"/api/recordings/analyses/{analysis.pk}/report/").json()["tasks"]
    assert [(row["id"], row["task"], row["dominant"]) for row in rows] == [(task.pk, "Intro", "happy")]
    assert alice_api.delete(f"/api/recordings/tasks/{rows[0]['id']}/").status_code == 204


def test_a_prepared_photo_reads_ready(team: Team, alice: User, media: Path, tmp_path: Path) -> None:
    recording = recording_store(team=team, user=alice, source=clip("single_face.jpg"), tmp_path=tmp_path)
    photo = {**VIDEO_INFO, "is_image": True, "browser_playable": False, "duration_s": 0.0, "frame_count": 1}
    assert prepared(recording, info=photo).message == "Ready"
