"""Per-face predictions of a finished run: the faces and numbers its evaluation reported, every time."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from kdcore.config import TrainConfig
from kdcore.data import FaceArrays, validation_mask
from kdcore.predictions import split_predictions
from kdcore.train import FitResult, fit


@pytest.fixture(scope="module")
def config(make_config: Callable[..., TrainConfig]) -> TrainConfig:
    return make_config(input_size=32, epochs=1, batch_size=16, eval_batch_size=7)


@pytest.fixture(scope="module")
def trained(stripes: FaceArrays, config: TrainConfig) -> FitResult:
    return fit(config, arrays=stripes)


def test_it_fills_the_confusion_matrices_the_run_reported(
    trained: FitResult, stripes: FaceArrays, config: TrainConfig
) -> None:
    predictions = split_predictions(trained.model, stripes, config)

    assert trained.val is not None
    assert trained.test is not None
    assert predictions["val"].confusion(2).tolist() == trained.val.report.confusion
    assert predictions["test"].confusion(2).tolist() == trained.test.report.confusion
    assert np.array_equal(predictions["test"].index, np.flatnonzero(stripes.splits == 2))
    assert np.array_equal(predictions["test"].label, stripes.labels[stripes.splits == 2])
    assert np.array_equal(predictions["test"].predicted, predictions["test"].probs.argmax(1))


def test_it_matches_the_flip_averaged_test_when_asked(
    trained: FitResult, stripes: FaceArrays, config: TrainConfig
) -> None:
    predictions = split_predictions(trained.model, stripes, config, splits=("test",), tta_flip=True)

    assert trained.test_tta is not None
    assert predictions["test"].confusion(2).tolist() == trained.test_tta.report.confusion


def test_it_predicts_the_same_every_time(trained: FitResult, stripes: FaceArrays, config: TrainConfig) -> None:
    first = split_predictions(trained.model, stripes, config)
    second = split_predictions(trained.model, stripes, config)

    for name in ("val", "test"):
        assert np.array_equal(first[name].probs, second[name].probs)


def test_it_uses_the_val_slice_fit_carved(
    make_stripes: Callable[..., FaceArrays], make_config: Callable[..., TrainConfig]
) -> None:
    faces = make_stripes(per_class=24, size=32, val=False)
    cfg = make_config(input_size=32, epochs=1, batch_size=16)
    result = fit(cfg, arrays=faces)

    predictions = split_predictions(result.model, faces, cfg, splits=("val",))

    assert result.val is not None
    assert np.array_equal(predictions["val"].index, np.flatnonzero(validation_mask(faces)))
    assert predictions["val"].confusion(2).tolist() == result.val.report.confusion
