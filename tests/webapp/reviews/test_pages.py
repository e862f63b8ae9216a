"""The Review page and the reviewer: what the server renders for a version, its jobs and its state; one team only."""

import json
import re

import pytest
from django.test import Client

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.review_factories import predictions_create, scoring_succeeded_create
from tests.run_factories import finished_run_create
from webapp.accounts.models import Team, User
from webapp.datasets.models import DatasetVersion, Split
from webapp.reviews import services
from webapp.reviews.models import LabelScoring

# Two faces of every class in val and test, three in train: enough for a confusion matrix and 4 folds.
SPLITS = (Split.TRAIN, Split.TRAIN, Split.TRAIN, Split.VAL, Split.TEST)
FACES = [(value, value % 7, SPLITS[value % 5]) for value in range(10, 45)]


@pytest.fixture
def version(team: Team) -> DatasetVersion:
    return version_with_faces(DatasetFactory(team=team, name="Lab faces"), FACES)


def _config(html: str) -> dict[str, object]:
    found = re.search(r'<script id="reviewer-config" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_it_shows_an_honest_empty_state_without_any_version(alice_client: Client) -> None:
    html = alice_client.get("/review/").content.decode()
    assert "Nothing to review yet" in html
    assert 'href="/datasets/upload/"' in html
    assert 'aria-current="page">Review</a>' in html


def test_it_shows_the_newest_version_its_jobs_and_the_start_form_with_the_apis_defaults(
    alice_client: Client, version: DatasetVersion
) -> None:
    older = LabelScoring.objects.create(team=version.team, version=version, config={"model": "mini_resemotenet_c"})
    scoring = scoring_succeeded_create(version=version, flagged=7)
    html = alice_client.get("/review/").content.decode()
    assert f'<option value="{version.pk}" selected>Lab faces v1 · 35 faces</option>' in html
    assert f'data-scoring-id="{scoring.pk}" data-status="succeeded"' in html
    assert f'data-scoring-id="{older.pk}" data-status="queued"' in html
    assert f'href="/review/versions/{version.pk}/?scoring={scoring.pk}"' in html
    assert '<td class="num" data-role="flagged">7</td>' in html
    assert "Student C (⅛ width) · 30 epochs · 64 px · 4 folds" in html
    assert '<option value="mini_resemotenet_b" selected>' in html  # services.DEFAULT_SETTINGS
    assert 'name="epochs" value="80"' in html
    assert 'name="folds" value="4"' in html
    assert f'href="/api/reviews/versions/{version.pk}/audit.csv"' in html


def test_it_links_every_confusion_cell_of_a_finished_job_to_exactly_its_faces(
    alice_client: Client, team: Team, version: DatasetVersion
) -> None:
    run = finished_run_create(team=team, dataset_version=version, accuracy=0.6)
    predictions_create(run=run)
    html = alice_client.get(f"/review/?version={version.pk}").content.decode()
    cell = rf'href="/review/versions/{version.pk}/\?run={run.pk}&amp;given=(\d)&amp;predicted=(\d)&amp;split=2"'
    links = re.findall(cell, html)
    assert len(links) == 49 - sum(1 for row in run.metrics["test"]["confusion"] for count in row if not count)
    assert ("0", "0") in links


def test_it_says_when_a_job_kept_no_predictions(alice_client: Client, team: Team, version: DatasetVersion) -> None:
    finished_run_create(team=team, dataset_version=version, accuracy=0.6)
    html = alice_client.get(f"/review/?version={version.pk}").content.decode()
    assert "stored no per-face predictions" in html
    assert "?run=" not in html


def test_it_refuses_another_teams_version_on_both_pages(
    charlie_client: Client, alice_client: Client, version: DatasetVersion, other_team: Team
) -> None:
    assert charlie_client.get(f"/review/?version={version.pk}").status_code == 404
    assert charlie_client.get(f"/review/versions/{version.pk}/").status_code == 404
    theirs = version_with_faces(DatasetFactory(team=other_team))
    assert alice_client.get(f"/review/?version={theirs.pk}").status_code == 404


def test_it_opens_the_reviewer_ranked_by_a_scoring_of_that_version_only(
    alice_client: Client, team: Team, version: DatasetVersion
) -> None:
    scoring = scoring_succeeded_create(version=version)
    html = alice_client.get(f"/review/versions/{version.pk}/?scoring={scoring.pk}&given=3").content.decode()
    config = _config(html)
    assert (config["version"], config["scoring"], config["run"]) == (version.pk, scoring.pk, None)
    assert config["commit"] is None
    assert f"label-quality job #{scoring.pk}" in html
    assert 'id="face-image" class="face-large" width="288" height="288"' in html
    assert '<option value="3" selected>happy</option>' in html
    assert 'name="min_score"' in html  # a score range only means something with a scoring
    elsewhere = scoring_succeeded_create(version=version_with_faces(version.dataset, FACES[:10]))
    assert alice_client.get(f"/review/versions/{version.pk}/?scoring={elsewhere.pk}").status_code == 404


def test_it_opens_the_reviewer_on_a_jobs_confusion_cell(
    alice_client: Client, team: Team, version: DatasetVersion
) -> None:
    run = finished_run_create(team=team, dataset_version=version, accuracy=0.6)
    html = alice_client.get(f"/review/versions/{version.pk}/?run={run.pk}&given=0&predicted=1").content.decode()
    assert _config(html)["run"] == run.pk
    assert f"job #{run.pk}</a>'s predictions" in html
    assert 'name="min_score"' not in html


def test_it_tells_a_reviewer_of_a_committed_version_where_the_review_continues(
    alice_client: Client, alice: User, version: DatasetVersion
) -> None:
    item = version.items.order_by("name").first()
    assert item is not None
    services.review_decide(version=version, item=item, user=alice, action="exclude", expected_revision=0)
    commit = services.review_commit(version=version, user=alice, expected_events=1)
    html = alice_client.get(f"/review/versions/{version.pk}/").content.decode()
    assert "v1 was committed as v2: it takes no more decisions." in html
    assert f'href="/review/versions/{commit.new_version.pk}/">Review v2</a>' in html
    assert _config(html)["commit"]["new_version"] == commit.new_version.pk
    index = alice_client.get(f"/review/?version={version.pk}").content.decode()
    assert '"new_version_label": "v2"' in index  # the page shows the changelog and "Train on v2" from it
