"""The recordings pages as the server renders them: the list and its uploader, a recording's page with its report,
team isolation, and the read-only shared report (which needs no account, and stops working once revoked)."""

import json
from pathlib import Path

import pytest
from django.test import Client

from tests.recording_files import clip, recording_store
from tests.webapp.recordings.conftest import MOMENT, AnalysisMaker
from webapp.accounts.models import Team, User
from webapp.recordings import services
from webapp.recordings.models import ShareLink

pytestmark = pytest.mark.django_db


def _page_data(html: str) -> dict:
    start = html.index('<script id="page-data" type="application/json">') + len(
        '<script id="page-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_it_shows_the_uploader_and_an_empty_state(alice_client: Client) -> None:
    html = alice_client.get("/recordings/").content.decode()
    assert 'id="upload-form"' in html
    assert 'data-start-url="/api/recordings/uploads/"' in html
    assert "No recordings yet" in html
    assert "select the same file again: the upload resumes where it stopped" in html


def test_it_lists_a_recording_with_its_latest_analysis(
    alice_client: Client, team: Team, alice: User, media: Path, tmp_path: Path
) -> None:
    recording = recording_store(team=team, user=alice, source=clip("single_face.mp4"), tmp_path=tmp_path, name="P3")
    html = alice_client.get("/recordings/").content.decode()
    assert "No recordings yet" not in html
    assert f'href="/recordings/{recording.pk}/"' in html
    analysis = recording.analyses.get()
    assert f'data-recording="{recording.pk}" data-status="queued" data-analysis="{analysis.pk}"' in html
    assert "Waiting for a worker" in html


def test_it_renders_the_report_of_a_finished_analysis(alice_client: Client, finished_analysis: AnalysisMaker) -> None:
    analysis = finished_analysis(name="Checkout study")
    response = alice_client.get(f"/recordings/{analysis.recording_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Checkout study</h1>" in html
    assert 'id="timeline-chart"' in html
    assert '<div class="report-grid" id="report">' in html  # not hidden: the report is ready
    assert f'href="/api/recordings/analyses/{analysis.pk}/export/tasks.csv"' in html
    assert 'id="task-form"' in html
    data = _page_data(html)
    assert data["analysis"]["status"] == "succeeded"
    assert data["analysis"]["participant_track"] == 0
    assert data["urls"]["video"] == f"/recordings/{analysis.recording_id}/video/"
    assert data["shared"] is False


def test_it_answers_404_for_another_teams_recording(charlie_client: Client, finished_analysis: AnalysisMaker) -> None:
    analysis = finished_analysis()
    assert charlie_client.get(f"/recordings/{analysis.recording_id}/").status_code == 404
    assert charlie_client.get(f"/recordings/{analysis.recording_id}/poster.jpg").status_code == 404
    assert charlie_client.get(f"/recordings/analyses/{analysis.pk}/moments/{MOMENT}").status_code == 404


def test_it_shows_a_shared_report_without_an_account(finished_analysis: AnalysisMaker, alice: User) -> None:
    analysis = finished_analysis(name="Shared session")
    link = services.share_link_create(analysis=analysis, user=alice)
    anonymous, base = Client(), f"/share/{link.token}/"
    html = anonymous.get(base).content.decode()
    assert "Shared session" in html
    assert "read-only" in html
    assert 'id="task-form"' not in html
    assert 'id="share-form"' not in html
    data = _page_data(html)
    assert data["shared"] is True
    assert data["urls"] == {
        "video": f"{base}video/", "poster": f"{base}poster.jpg", "timeline": f"{base}timeline.json",
        "report": f"{base}report.json", "moments": f"{base}moments/",
    }  # fmt: skip
    assert anonymous.get(f"{base}timeline.json").status_code == 200
    assert anonymous.get(f"{base}poster.jpg")["Content-Type"] == "image/jpeg"
    assert anonymous.get(f"{base}moments/{MOMENT}").status_code == 200
    report = anonymous.get(f"{base}report.json").json()
    assert report["distribution"]["dominant"] == "happy"


def test_a_revoked_share_link_stops_working(finished_analysis: AnalysisMaker, alice: User) -> None:
    link = services.share_link_create(analysis=finished_analysis(), user=alice)
    services.share_link_revoke(link=ShareLink.objects.get(pk=link.pk))
    anonymous = Client()
    for path in ("", "timeline.json", "report.json", "video/", f"moments/{MOMENT}"):
        assert anonymous.get(f"/share/{link.token}/{path}").status_code == 404
