"""MomentKeeper: the strongest frames per track and class, spaced in time, with thumbnails made once."""

from __future__ import annotations

import numpy as np

from kdcore.video.moments import THUMBNAIL_PX, MomentKeeper

BOX = np.array([10, 10, 40, 40], dtype=np.float32)


def _probs(happy: float) -> np.ndarray:
    probs = np.full(7, (1 - happy) / 6, dtype=np.float32)
    probs[3] = happy
    return probs


def _offer(keeper: MomentKeeper, series: list[tuple[float, float]], track: int = 0) -> None:
    for frame, (time_s, happy) in enumerate(series):
        keeper.offer(track, frame, time_s, _probs(happy), BOX)


def _happy(keeper: MomentKeeper) -> list[tuple[float, float]]:
    return [(m.time_s, round(m.prob, 3)) for m in keeper.moments() if m.class_index == 3]


def test_it_keeps_the_strongest_frames_at_least_the_gap_apart() -> None:
    keeper = MomentKeeper(per_class=2, gap_s=3.0)
    _offer(keeper, [(0.0, 0.5), (1.0, 0.9), (2.0, 0.6), (5.0, 0.7), (9.0, 0.2), (10.0, 0.8)])
    assert _happy(keeper) == [(1.0, 0.9), (10.0, 0.8)]


def test_it_lets_a_frame_replace_close_ones_only_when_it_beats_them_all() -> None:
    keeper = MomentKeeper(per_class=3, gap_s=3.0)
    _offer(keeper, [(0.0, 0.6), (4.0, 0.7), (2.0, 0.65), (2.1, 0.8)])
    assert _happy(keeper) == [(2.1, 0.8)]  # 0.8 beats both neighbours within 3 s


def test_it_keeps_tracks_apart_and_makes_each_thumbnail_once() -> None:
    keeper = MomentKeeper(per_class=1, gap_s=1.0)
    keeper.offer(0, 0, 0.0, _probs(0.9), BOX)
    keeper.offer(1, 0, 0.0, _probs(0.4), BOX)
    frames_converted: list[int] = []

    def rgb_of(frame: int) -> np.ndarray:
        frames_converted.append(frame)
        return np.full((100, 100, 3), 200, dtype=np.uint8)

    keeper.make_thumbnails(rgb_of)
    keeper.make_thumbnails(rgb_of)  # nothing new: nothing converted again
    moments = keeper.moments()
    assert {(m.track, m.class_index) for m in moments} == {(t, c) for t in (0, 1) for c in range(7)}
    assert frames_converted == [0]  # one colour conversion per frame, shared by every moment in it
    assert all(m.jpeg[:2] == b"\xff\xd8" for m in moments)


def test_it_writes_small_square_thumbnails() -> None:
    import cv2

    keeper = MomentKeeper(per_class=1, gap_s=1.0)
    keeper.offer(0, 0, 0.0, _probs(0.9), BOX)
    keeper.make_thumbnails(lambda frame: np.zeros((100, 100, 3), dtype=np.uint8))
    image = cv2.imdecode(np.frombuffer(keeper.moments()[0].jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (THUMBNAIL_PX, THUMBNAIL_PX, 3)


def test_it_keeps_nothing_when_asked_for_no_moments() -> None:
    keeper = MomentKeeper(per_class=0, gap_s=1.0)
    _offer(keeper, [(0.0, 0.9)])
    assert keeper.moments() == []
