"""Task segments: typed times, CSV imports checked whole, every problem said by line."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from tests.webapp.recordings.conftest import RecordingMaker
from webapp.recordings import services
from webapp.recordings.models import Recording

CSV_OK = b"task,start,end\nFind the cart,0,00:00:01.5\nCheckout,1:30,2:10\n"


@pytest.mark.parametrize(("text", "seconds"), [("12.5", 12.5), ("01:02", 62.0), ("1:02:03.5", 3723.5), (" 0 ", 0.0)])
def test_it_reads_seconds_and_clock_times(text: str, seconds: float) -> None:
    assert services.parse_time(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "1:75", "nan", "inf", "1:2:3:4"])
def test_it_refuses_what_is_not_a_time(text: str) -> None:
    with pytest.raises(ValueError, match="is not a time"):
        services.parse_time(text)


@pytest.fixture
def two_minutes(stored_recording: RecordingMaker) -> Recording:
    recording = stored_recording()
    recording.info = {"duration_s": 150.0}
    recording.save()
    return recording


def test_it_imports_every_task_of_a_csv(alice_api: APIClient, two_minutes: Recording) -> None:
    response = alice_api.post(
        f"/api/recordings/{two_minutes.pk}/tasks/import/", {"file": _file(CSV_OK)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert [(t["name"], t["start_s"], t["end_s"]) for t in response.json()] == [
        ("Find the cart", 0.0, 1.5),
        ("Checkout", 90.0, 130.0),
    ]


@pytest.mark.parametrize(
    ("csv", "says"),
    [
        (b"name,from,to\nA,0,1\n", "The first line must be the header task,start,end"),
        (b"task,start,end\nA,5,2\n", "line 2: end 2 s is not after start 5 s"),
        (b"task,start,end\nA,0,1\nB,100,200\n", "line 3: end 200 s is beyond the recording's 150 s"),
        (b"task,start,end\nA,0\n", "line 2: expected 3 columns (task,start,end), got 2"),
        (b"task,start,end\nA,zero,1\n", "line 2: 'zero' is not a time"),
        (b"task,start,end\n", "The CSV has a header but no tasks."),
        (b"\xff\xfe\x00junk", "not UTF-8 text"),
    ],
)
def test_it_refuses_a_wrong_csv_and_adds_nothing(
    alice_api: APIClient, two_minutes: Recording, csv: bytes, says: str
) -> None:
    response = alice_api.post(
        f"/api/recordings/{two_minutes.pk}/tasks/import/", {"file": _file(csv)}, format="multipart"
    )
    assert response.status_code == 400
    assert says in str(response.json())
    assert two_minutes.tasks.count() == 0


def test_it_adds_and_removes_one_task(alice_api: APIClient, two_minutes: Recording) -> None:
    created = alice_api.post(
        f"/api/recordings/{two_minutes.pk}/tasks/", {"name": "Search", "start": "0:10", "end": "25"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert (created.json()["start_s"], created.json()["end_s"]) == (10.0, 25.0)
    assert alice_api.delete(f"/api/recordings/tasks/{created.json()['id']}/").status_code == 204
    assert two_minutes.tasks.count() == 0


def test_it_refuses_a_task_that_ends_before_it_starts(two_minutes: Recording) -> None:
    with pytest.raises(ValidationError, match="not after start"):
        services.task_segment_create(
            recording=two_minutes, user=None, segment=services.SegmentInput(name="A", start_s=9, end_s=3)
        )


def test_another_team_cannot_touch_the_tasks(charlie_api: APIClient, two_minutes: Recording) -> None:
    task = services.task_segment_create(
        recording=two_minutes, user=None, segment=services.SegmentInput(name="A", start_s=1, end_s=3)
    )
    assert charlie_api.delete(f"/api/recordings/tasks/{task.pk}/").status_code == 404
    added = charlie_api.post(f"/api/recordings/{two_minutes.pk}/tasks/", {"name": "x", "start": 0, "end": 1})
    assert added.status_code == 404


def _file(data: bytes) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("tasks.csv", data, content_type="text/csv")
