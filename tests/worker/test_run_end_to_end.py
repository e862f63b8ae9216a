"""A real job end to end: queue → Celery worker → kdcore → database, with events over Redis to a WebSocket."""

import json
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from websockets.sync.client import ClientConnection, connect

from tests.live_jobs import face_version_create, use_live_media, wait_for_latency, wait_for_status
from tests.run_factories import TINY_SETTINGS, RunFactory, tiny_config
from tests.stack import LiveStudio
from webapp import jobs
from webapp.accounts.models import Team, User
from webapp.datasets.models import Split
from webapp.runs import selectors, services
from webapp.runs.models import Run

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _websocket(studio: LiveStudio, user: User, run: Run) -> ClientConnection:
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    url = studio.url.replace("http://", "ws://") + f"/ws/runs/{run.pk}/"
    return connect(url, origin=studio.url, additional_headers={"Cookie": cookie}, open_timeout=10)


def _events_until_finished(websocket: ClientConnection) -> list[dict[str, Any]]:
    received = []
    while True:
        message = json.loads(websocket.recv(timeout=120))
        received.append(message)
        if message["event"] == "run.status" and message["data"]["status"] in {"succeeded", "failed", "cancelled"}:
            return received


def test_it_trains_a_teacher_then_distils_a_student_with_live_events(
    live_studio: LiveStudio, alice: User, team: Team, settings: Settings
) -> None:
    media = use_live_media(settings, live_studio)
    version = face_version_create(team=team, user=alice)
    teacher = services.run_create(team=team, user=alice, dataset_version=version, teacher=None, settings=TINY_SETTINGS)
    teacher = wait_for_status(teacher, {"succeeded", "failed"}, timeout=120, studio=live_studio)
    assert teacher.status == "succeeded", teacher.status_message

    student = RunFactory(
        team=team, created_by=alice, dataset_version=version, teacher=teacher, config=tiny_config(teacher)
    )
    with _websocket(live_studio, alice, student) as websocket:
        jobs.enqueue_training(run_id=student.pk, queue="cpu")
        received = _events_until_finished(websocket)

    kinds = [message["event"] for message in received]
    assert kinds[0] == "run.status"
    assert received[0]["data"]["status"] == "running"
    assert received[0]["data"]["worker_hostname"] == live_studio.worker_hostname
    assert "run.progress" in kinds
    assert kinds.count("run.epoch") == 1
    assert received[-1]["data"]["status"] == "succeeded", received[-1]["data"]["status_message"]
    epoch = next(message["data"] for message in received if message["event"] == "run.epoch")
    assert epoch["kind"] == "epoch"
    assert epoch["val_accuracy"] is not None

    student.refresh_from_db()
    assert selectors.run_epochs(run=student) == [epoch]
    assert (media / student.checkpoint_path).is_file()
    assert (media / student.onnx_path).is_file()
    assert student.parameters == teacher.parameters  # same width, distilled this time
    student = wait_for_latency(student, timeout=120, studio=live_studio)  # its own task, once the machine is idle
    assert student.latency_ms is not None
    assert student.latency["threads"] == 1
    assert student.metrics["test"]["count"] == 7  # one test face per class
    test_faces = student.predictions.filter(split=Split.TEST)
    assert test_faces.count() == 7  # every test face's prediction is stored, linking the confusion matrix to faces
    confusion = student.metrics["test"]["confusion"]
    for given in range(7):
        for predicted in range(7):
            cell = test_faces.filter(label=given, predicted=predicted).count()
            assert cell == confusion[given][predicted], (given, predicted)
