"""Compare shows accuracy per dataset version: one row per set of settings, one column per version, the change."""

import re

from django.test import Client

from tests.run_factories import finished_run_create
from webapp.accounts.models import Team
from webapp.datasets.models import DatasetVersion
from webapp.datasets.services import dataset_version_create_from
from webapp.runs.payloads import accuracy_by_version


def _relabelled(version: DatasetVersion) -> DatasetVersion:
    first = version.items.order_by("name").first()
    assert first is not None
    return dataset_version_create_from(parent=version, changes={first.pk: 6}, user=None)


def test_it_lines_up_the_same_settings_across_versions(team: Team, version: DatasetVersion) -> None:
    v2 = _relabelled(version)
    before = finished_run_create(team=team, dataset_version=version, accuracy=0.60)
    after = finished_run_create(team=team, dataset_version=v2, accuracy=0.64)
    again = finished_run_create(team=team, dataset_version=v2, accuracy=0.62)
    other = finished_run_create(model="mini_resemotenet_c", team=team, dataset_version=v2, accuracy=0.5)
    table = accuracy_by_version([after, other, before, again])
    assert table["versions"] == [version, v2]
    student_b, student_c = table["rows"]
    assert student_b["label"] == "Student B (¼ width) · 6 epochs · 64 px"
    assert student_b["cells"] == [[(before, 0.60)], [(after, 0.64), (again, 0.62)]]
    assert round(student_b["delta"], 4) == 0.04
    assert student_c["cells"][0] == []
    assert student_c["delta"] is None


def test_it_shows_each_jobs_version_next_to_its_accuracy_and_the_change(
    alice_client: Client, team: Team, version: DatasetVersion
) -> None:
    v2 = _relabelled(version)
    before = finished_run_create(team=team, dataset_version=version, accuracy=0.60)
    after = finished_run_create(team=team, dataset_version=v2, accuracy=0.64)
    html = alice_client.get(f"/models/compare/?runs={after.pk}&runs={before.pk}").content.decode()
    section = html[html.index('id="by-version"') : html.index('id="tradeoff"')]
    columns = r'<span class="version-chip">v1</span></th><th class="num" scope="col">[^<]*<span class="version-chip">v2'
    assert re.search(columns, section)
    assert "60.0%" in section
    assert "64.0%" in section
    assert '<td class="num delta-up">+4.0 pt</td>' in section
    summary = html[html.index('id="compare-summary"') : html.index('id="by-version"')]
    assert summary.count('<span class="version-chip">v2</span></td>') == 1  # beside its accuracy
