"""validation_split: seeded, stratified by class, and only ever carved out of train."""

import numpy as np
import pytest

from kdcore.data import VAL, DatasetError, FaceArrays, stratified_folds, validation_mask, validation_split


def train_only(per_class: list[int]) -> FaceArrays:
    """Train-only arrays with ``per_class[c]`` images of class c, each image holding its own index."""
    labels = [label for label, count in enumerate(per_class) for _ in range(count)]
    records = [(f"{index:04d}", label, 0, np.full((2, 2), index % 256, np.uint8)) for index, label in enumerate(labels)]
    return FaceArrays.from_records(records, image_size=2)


def test_it_moves_a_stratified_fraction_to_val() -> None:
    arrays = validation_split(train_only([100, 10, 50, 0, 1, 2, 30]), fraction=0.1)

    val = arrays.split("val").class_counts()
    assert list(val.values()) == [10, 1, 5, 0, 0, 0, 3]
    assert arrays.split("train").class_counts()["sad"] == 1
    assert arrays.split_counts() == {"train": 174, "val": 19, "test": 0}


def test_it_keeps_at_least_one_train_image_per_class() -> None:
    arrays = validation_split(train_only([2, 1, 3]), fraction=0.9)

    assert list(arrays.split("train").class_counts().values())[:3] == [1, 1, 1]


def test_it_is_deterministic_for_a_seed() -> None:
    arrays = train_only([40, 20, 30])

    first, second = validation_split(arrays, seed=3), validation_split(arrays, seed=3)

    assert first.split("val").names == second.split("val").names
    assert first.fingerprint() == second.fingerprint()
    assert validation_split(arrays, seed=4).split("val").names != first.split("val").names


def test_it_keeps_the_sorted_order_and_the_data() -> None:
    arrays = train_only([40, 20, 30])

    split = validation_split(arrays, fraction=0.2)

    assert np.all(np.diff(split.splits.astype(int)) >= 0)
    for part in (split.split("train"), split.split("val")):
        assert part.names == sorted(part.names)
    assert sorted(split.names) == arrays.names
    assert int(split.images[split.names.index("0050"), 0, 0]) == 50


def test_it_refuses_data_that_already_has_val() -> None:
    arrays = validation_split(train_only([10, 10]))

    with pytest.raises(DatasetError, match=r"needs data without a val split, got 2 val"):
        validation_split(arrays)
    assert int(np.sum(arrays.splits == VAL)) == 2


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_it_rejects_a_fraction_outside_zero_one(fraction: float) -> None:
    with pytest.raises(ValueError, match=r"fraction must be in \(0, 1\)"):
        validation_split(train_only([5]), fraction=fraction)


def test_it_names_the_moved_faces_in_the_original_order() -> None:
    arrays = train_only([40, 12, 9])
    mask = validation_mask(arrays, fraction=0.25, seed=3)

    moved = sorted(arrays.names[index] for index in np.flatnonzero(mask))
    assert moved == validation_split(arrays, fraction=0.25, seed=3).split("val").names


def test_it_deals_each_class_evenly_over_the_folds() -> None:
    labels = np.array([0] * 10 + [1] * 7 + [2] * 3)
    fold = stratified_folds(labels, 3, 3, seed=1)

    for label, expected in [(0, [4, 3, 3]), (1, [3, 2, 2]), (2, [1, 1, 1])]:
        assert np.bincount(fold[labels == label], minlength=3).tolist() == expected
    assert np.array_equal(fold, stratified_folds(labels, 3, 3, seed=1))
