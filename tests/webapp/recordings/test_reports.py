"""The report's numbers from a binned timeline: exact means over any stretch, partial bins in proportion."""

import pytest

from webapp.recordings import reports
from webapp.recordings.models import TaskSegment

HAPPY = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]
SAD = [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0]


def _timeline() -> dict[str, object]:
    """4 bins of 1 s, 10 frames each; track 0 happy in bins 0-1 (10 faces), sad in bin 2 (5 faces), gone in bin 3."""
    faces = [10, 10, 5, 0]
    sums = [[10 * p for p in HAPPY], [10 * p for p in HAPPY], [5 * p for p in SAD], [0.0] * 7]
    return {
        "bin_s": 1.0, "frames": [10, 10, 10, 10], "classes": [],
        "tracks": [{"id": 0, "faces": faces, "prob_sums": sums, "valence_sum": [10.0, 10.0, -5.0, 0.0]}],
    }  # fmt: skip


def test_it_averages_a_track_over_the_whole_recording() -> None:
    whole = reports.track_distribution(_timeline(), 0)
    assert whole.mean_probs["happy"] == pytest.approx(20 / 25)
    assert whole.mean_probs["sad"] == pytest.approx(5 / 25)
    assert whole.dominant == "happy"
    assert whole.valence == pytest.approx(15 / 25)
    assert (whole.face_s, whole.no_face_s) == (2.5, 1.5)


def test_it_counts_bins_a_task_covers_in_part_in_proportion() -> None:
    stretch = reports.stretch_summary(_timeline(), 0, 1.5, 3.0)  # half of bin 1, all of bin 2
    assert stretch.mean_probs["happy"] == pytest.approx(5 / 10)
    assert stretch.mean_probs["sad"] == pytest.approx(5 / 10)
    assert (stretch.face_s, stretch.no_face_s) == (1.0, 0.5)


def test_a_stretch_without_the_face_has_no_means() -> None:
    stretch = reports.stretch_summary(_timeline(), 0, 3.0, 4.0)
    assert (stretch.dominant, stretch.valence, stretch.face_s, stretch.no_face_s) == (None, None, 0.0, 1.0)
    assert reports.track_distribution(_timeline(), None).dominant is None


def test_it_writes_task_summaries_as_csv() -> None:
    rows = reports.task_summaries(_timeline(), [TaskSegment(name="Checkout, step 1", start_s=0.0, end_s=2.0)], 0)
    lines = reports.task_summaries_csv(rows).splitlines()
    assert lines[0] == ",".join(reports.TASK_COLUMNS)
    assert lines[1].startswith('"Checkout, step 1",0.0,2.0,happy,0.0,0.0,0.0,1.0,')
