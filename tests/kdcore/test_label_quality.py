"""Cross-fitting on generated stripes: every face predicted once, out of fold, deterministically, with one progress
bar and a cancel switch; the scores against hand-computed values; per-face predictions of a finished job."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kdcore.config import ConfigError, DistillConfig, TrainConfig
from kdcore.data import DatasetError, FaceArrays, stratified_folds
from kdcore.label_quality import CrossFitProgress, OutOfSampleProbs, cross_fit_probs, label_scores
from kdcore.label_quality import cross_fit as cross_fit_module
from kdcore.train import Callback, FitResult, ProgressEvent, TrainState

FOLDS, EPOCHS = 4, 2


class Recorder(Callback):
    """Keeps every epoch event; optionally cancels through ``TrainState.should_stop`` at the first batch event."""

    def __init__(self, *, stop: bool = False) -> None:
        self.epochs: list[ProgressEvent] = []
        self.stop = stop

    def on_batch_end(self, state: TrainState, event: ProgressEvent) -> None:
        if self.stop:
            state.should_stop, state.stop_reason = True, "cancelled by test"

    def on_epoch_end(self, state: TrainState, event: ProgressEvent) -> None:
        self.epochs.append(event)


@dataclasses.dataclass
class CrossFit:
    """One recorded cross-fit: its output, what each fold's ``fit`` was given, its progress and epoch events."""

    out: OutOfSampleProbs
    arrays: FaceArrays
    trained_on: list[set[str]]
    progress: list[CrossFitProgress]
    recorder: Recorder


def small_config(make_config: Callable[..., TrainConfig], **overrides: Any) -> TrainConfig:
    """Two short epochs at 32 px: enough to exercise the protocol, not to learn much."""
    return make_config(**{"input_size": 32, "epochs": EPOCHS, "batch_size": 16, "lr": 1e-2, **overrides})


def ticking_clock() -> Callable[[], float]:
    """A fake clock one second further on at every call."""
    counter = itertools.count()
    return lambda: float(next(counter))


@pytest.fixture(scope="module")
def small_faces(make_stripes: Callable[..., FaceArrays]) -> FaceArrays:
    """24 stripes per class at 32 px, in all three splits."""
    return make_stripes(per_class=24, size=32)


@pytest.fixture(scope="module")
def crossfit(small_faces: FaceArrays, make_config: Callable[..., TrainConfig]) -> CrossFit:
    """A 4-fold cross-fit whose ``fit`` calls are spied on (~1 s)."""
    trained_on: list[set[str]] = []
    real_fit = cross_fit_module.fit

    def spy(cfg: TrainConfig, **kwargs: Any) -> FitResult:
        trained_on.append(set(kwargs["arrays"].names))
        return real_fit(cfg, **kwargs)

    progress: list[CrossFitProgress] = []
    recorder = Recorder()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cross_fit_module, "fit", spy)
        out = cross_fit_probs(
            small_faces, small_config(make_config), folds=FOLDS, callbacks=[recorder], progress=progress.append,
            clock=ticking_clock(),
        )  # fmt: skip
    return CrossFit(out, small_faces, trained_on, progress, recorder)


def test_it_predicts_every_face_of_every_split_once(crossfit: CrossFit) -> None:
    out, arrays = crossfit.out, crossfit.arrays

    assert out.complete
    assert out.probs.shape == (len(arrays), 2)
    assert out.probs.dtype == np.float32
    assert np.allclose(out.probs.sum(1), 1, atol=1e-5)
    assert out.fold.dtype == np.int8
    assert sorted(np.bincount(out.fold).tolist()) == [12, 12, 12, 12]
    assert [m.held_out_faces for m in out.fold_metrics] == [12, 12, 12, 12]


def test_it_never_shows_a_fold_model_its_held_out_faces(crossfit: CrossFit) -> None:
    names = np.array(crossfit.arrays.names)

    assert len(crossfit.trained_on) == FOLDS
    for fold, seen in enumerate(crossfit.trained_on):
        assert seen == set(names[crossfit.out.fold != fold])


def test_it_stratifies_the_folds_by_class(crossfit: CrossFit) -> None:
    for label in (0, 1):
        counts = np.bincount(crossfit.out.fold[crossfit.arrays.labels == label], minlength=FOLDS)
        assert counts.tolist() == [6, 6, 6, 6]


def test_it_gives_the_same_probs_for_the_same_seed(
    crossfit: CrossFit, small_faces: FaceArrays, make_config: Callable[..., TrainConfig]
) -> None:
    again = cross_fit_probs(small_faces, small_config(make_config), folds=FOLDS)

    assert np.array_equal(again.probs, crossfit.out.probs)
    assert np.array_equal(again.fold, crossfit.out.fold)


def test_processes_that_share_the_folds_fill_in_each_others_rows(
    crossfit: CrossFit, small_faces: FaceArrays, make_config: Callable[..., TrainConfig]
) -> None:
    parts = [cross_fit_probs(small_faces, small_config(make_config), folds=FOLDS, only_folds=chosen)
             for chosen in ([0, 2], [3, 1])]  # fmt: skip

    for part, chosen in zip(parts, ([0, 2], [1, 3]), strict=True):
        assert not part.complete
        assert [m.fold for m in part.fold_metrics] == chosen
        assert np.isfinite(part.probs).all(1).tolist() == np.isin(crossfit.out.fold, chosen).tolist()
    assert np.array_equal(np.nanmean(np.stack([p.probs for p in parts]), 0), crossfit.out.probs)


def test_excluded_faces_train_no_fold_model_but_are_still_predicted(
    small_faces: FaceArrays, make_config: Callable[..., TrainConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    exclude = np.zeros(len(small_faces), dtype=bool)
    exclude[::5] = True
    trained_on: list[set[str]] = []
    real_fit = cross_fit_module.fit

    def spy(cfg: TrainConfig, **kwargs: Any) -> FitResult:
        trained_on.append(set(kwargs["arrays"].names))
        return real_fit(cfg, **kwargs)

    monkeypatch.setattr(cross_fit_module, "fit", spy)
    out = cross_fit_probs(small_faces, small_config(make_config), folds=FOLDS, exclude=exclude)

    names = np.array(small_faces.names)
    assert out.complete
    for fold, seen in enumerate(trained_on):
        assert seen == set(names[(out.fold != fold) & ~exclude])
    expected = stratified_folds(small_faces.labels, 2, FOLDS, seed=out.seed)
    assert np.array_equal(out.fold, expected)  # the same folds as without exclude


def test_it_refuses_an_exclude_mask_of_another_length(
    small_faces: FaceArrays, make_config: Callable[..., TrainConfig]
) -> None:
    with pytest.raises(ValueError, match="exclude must be a bool array"):
        cross_fit_probs(small_faces, small_config(make_config), folds=FOLDS, exclude=np.zeros(3, dtype=bool))


def test_it_refuses_a_fold_it_does_not_have(small_faces: FaceArrays, make_config: Callable[..., TrainConfig]) -> None:
    with pytest.raises(ValueError, match=r"only_folds must be within 0\.\.3"):
        cross_fit_probs(small_faces, small_config(make_config), folds=FOLDS, only_folds=[4])


def test_it_draws_other_folds_for_another_seed(crossfit: CrossFit, small_faces: FaceArrays) -> None:
    moved = stratified_folds(small_faces.labels, 2, FOLDS, seed=1)

    assert not np.array_equal(moved, crossfit.out.fold)


def test_it_reports_one_monotone_bar_across_the_folds(crossfit: CrossFit) -> None:
    fractions = [point.fraction for point in crossfit.progress]

    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert [point.fold for point in crossfit.progress if point.stage == "predicted"] == [1, 2, 3, 4]
    assert {point.folds for point in crossfit.progress} == {FOLDS}
    assert all(point.eta_s >= 0 for point in crossfit.progress)
    assert crossfit.progress[-1].eta_s == 0.0


def test_it_counts_callback_epochs_over_the_whole_cross_fit(crossfit: CrossFit) -> None:
    events = crossfit.recorder.epochs

    assert [event.epoch for event in events] == list(range(1, FOLDS * EPOCHS + 1))
    assert {event.epochs for event in events} == {FOLDS * EPOCHS}
    assert [event.elapsed_s for event in events] == sorted(event.elapsed_s for event in events)


def test_it_stops_when_should_stop_says_so(small_faces: FaceArrays, make_config: Callable[..., TrainConfig]) -> None:
    asked = itertools.count()

    out = cross_fit_probs(small_faces, small_config(make_config), folds=FOLDS, should_stop=lambda: next(asked) > 3)

    assert out.stopped
    assert out.stop_reason == "cancelled"
    assert not out.complete
    assert len(out.fold_metrics) < FOLDS
    assert np.isnan(out.probs).any()


def test_it_stops_when_a_callback_sets_should_stop(
    small_faces: FaceArrays, make_config: Callable[..., TrainConfig]
) -> None:
    out = cross_fit_probs(small_faces, small_config(make_config), folds=FOLDS, callbacks=[Recorder(stop=True)])

    assert out.stopped
    assert out.stop_reason == "cancelled by test"
    assert out.fold_metrics == []
    assert np.isnan(out.probs).all()


def test_it_refuses_fewer_faces_than_folds(
    make_stripes: Callable[..., FaceArrays], make_config: Callable[..., TrainConfig]
) -> None:
    tiny = make_stripes(per_class=6, size=32)
    three = tiny.subset(np.arange(len(tiny)) < 3)

    with pytest.raises(DatasetError, match="needs at least 4 faces; this version has 3"):
        cross_fit_probs(three, small_config(make_config), folds=4)


def test_it_names_a_class_with_fewer_faces_than_folds(
    make_stripes: Callable[..., FaceArrays], make_config: Callable[..., TrainConfig]
) -> None:
    faces = make_stripes(per_class=12, size=32)
    keep = (faces.labels == 0) | (np.cumsum(faces.labels == 1) <= 3)

    with pytest.raises(DatasetError, match="at least 4 faces of every class that has any: vertical has 3"):
        cross_fit_probs(faces.subset(keep), small_config(make_config), folds=4)


def test_it_refuses_one_fold(small_faces: FaceArrays, make_config: Callable[..., TrainConfig]) -> None:
    with pytest.raises(ValueError, match="at least 2 folds, got 1"):
        cross_fit_probs(small_faces, small_config(make_config), folds=1)


def test_it_refuses_a_teacher(small_faces: FaceArrays, make_config: Callable[..., TrainConfig]) -> None:
    cfg = small_config(make_config, distill=DistillConfig(teacher_checkpoints=("teacher.pt",)))

    with pytest.raises(ConfigError, match="labels alone"):
        cross_fit_probs(small_faces, cfg, folds=4)


def test_it_scores_labels_as_the_paper_defines() -> None:
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25]])
    labels = np.array([0, 0, 1])

    scores = label_scores(labels, probs)

    assert np.allclose(scores["self_confidence"], [0.7, 0.1, 0.5])
    assert np.allclose(scores["normalized_margin"], [0.75, 0.25, 0.625])  # (p_y − max other + 1) / 2
    assert scores["suggested"].tolist() == [0, 2, 1]


@pytest.mark.parametrize(
    ("labels", "probs", "message"),
    [
        ([0, 1], [[0.5, 0.5]], "labels must be \\[N\\] with N = 1"),
        ([0, 2], [[0.5, 0.5], [0.1, 0.9]], "class indices in \\[0, 1\\]"),
        ([0, 1], [[0.5, 0.5], [np.nan, np.nan]], "1 faces have no probabilities"),
        ([0], [[1.0]], "K ≥ 2"),
    ],
)
def test_it_refuses_scores_it_cannot_compute(labels: list[int], probs: list[list[float]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        label_scores(np.array(labels), np.array(probs))


@pytest.mark.slow
def test_it_ranks_flipped_labels_first(
    make_stripes: Callable[..., FaceArrays], make_config: Callable[..., TrainConfig]
) -> None:
    faces = make_stripes(per_class=96, size=32)
    flipped = np.random.default_rng(0).choice(len(faces), 6, replace=False)
    labels = faces.labels.copy()
    labels[flipped] = 1 - labels[flipped]
    noisy = dataclasses.replace(faces, labels=labels)

    out = cross_fit_probs(noisy, small_config(make_config, epochs=6), folds=4)
    confidence = label_scores(out.labels, out.probs)["self_confidence"]

    assert set(flipped) <= set(np.argsort(confidence, kind="stable")[:12])
    assert confidence[flipped].mean() < 0.5 < np.delete(confidence, flipped).mean()
