"""IouTracker and the Hungarian assignment on synthetic boxes: stable ids, crossings, faces that leave and return."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kdcore.video import IouTracker
from kdcore.video._assignment import linear_assignment
from kdcore.video.track import iou_matrix


def _box(x: float, y: float, side: float = 60.0) -> list[float]:
    return [x, y, side, side]


def _ids(visible: list[tuple[int, np.ndarray]]) -> list[int]:
    return [track for track, _ in visible]


def test_it_keeps_one_id_for_a_face_that_moves() -> None:
    tracker = IouTracker()
    seen = {track for f in range(40) for track in _ids(tracker.update(np.array([_box(100 + 3 * f, 80)]), f))}
    assert seen == {0}


def test_it_keeps_ids_when_two_faces_cross() -> None:
    tracker = IouTracker()
    for frame in range(0, 30, 2):  # detection every other frame, faces moving 8 px a frame towards each other
        left, right = _box(40 + 8 * frame, 100), _box(280 - 8 * frame, 104)
        found = [left, right] if frame == 0 else [right, left]  # detector order says nothing about identity
        visible = dict(tracker.update(np.array(found), frame))
        assert visible[0][0] == pytest.approx(left[0], abs=1)  # id 0 was the leftmost face at frame 0 ...
        assert visible[1][0] == pytest.approx(right[0], abs=1)  # ... and stays with it after they pass
        assert set(visible) == {0, 1}


def test_it_predicts_boxes_between_detections() -> None:
    tracker = IouTracker()
    for frame in range(0, 12, 3):
        tracker.update(np.array([_box(10 * frame, 50)]), frame)
    (track, box), *_ = tracker.visible(10)
    assert track == 0
    assert 90 < box[0] <= 100  # moving on at (about) its 10 px a frame


def test_it_keeps_the_id_through_a_short_miss_and_gives_a_new_one_after_a_long_one() -> None:
    tracker = IouTracker(max_missed=2)
    tracker.update(np.array([_box(100, 100)]), 0)
    assert tracker.update(np.empty((0, 4)), 3) == []  # not visible while missed
    assert _ids(tracker.update(np.array([_box(102, 100)]), 6)) == [0]  # back within two rounds: same id
    for frame in (9, 12, 15):
        tracker.update(np.empty((0, 4)), frame)  # three misses: the track is gone
    assert _ids(tracker.update(np.array([_box(102, 100)]), 18)) == [1]


def test_it_gives_a_new_face_the_next_id_and_keeps_the_others() -> None:
    tracker = IouTracker()
    tracker.update(np.array([_box(0, 0), _box(200, 0)]), 0)
    visible = tracker.update(np.array([_box(200, 0), _box(400, 0), _box(0, 0)]), 1)
    assert [(track, box[0]) for track, box in visible] == [(0, 0), (1, 200), (2, 400)]


def test_it_computes_iou() -> None:
    overlap = iou_matrix(np.array([[0, 0, 10, 10]]), np.array([[0, 0, 10, 10], [5, 0, 10, 10], [20, 20, 5, 5]]))
    np.testing.assert_allclose(overlap, [[1.0, 50 / 150, 0.0]])


def _brute_force(cost: np.ndarray) -> float:
    rows, cols = cost.shape
    if rows > cols:
        return _brute_force(cost.T)
    return min(sum(cost[r, c] for r, c in enumerate(perm)) for perm in itertools.permutations(range(cols), rows))


def test_it_finds_the_minimum_cost_assignment() -> None:
    rng = np.random.default_rng(0)
    for rows, cols in itertools.product(range(1, 5), repeat=2):
        cost = rng.random((rows, cols)).round(1)  # rounding makes ties
        pairs = linear_assignment(cost)
        assert len(pairs) == min(rows, cols)
        assert len({r for r, _ in pairs}) == len({c for _, c in pairs}) == len(pairs)
        assert sum(cost[r, c] for r, c in pairs) == pytest.approx(_brute_force(cost))


def test_it_assigns_nothing_for_an_empty_matrix() -> None:
    assert linear_assignment(np.empty((0, 3))) == []
