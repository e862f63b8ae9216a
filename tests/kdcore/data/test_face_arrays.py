"""FaceArrays: sorted order, subsets, counts, fingerprint and the npz cache."""

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from kdcore.data import DatasetError, FaceArrays, SkippedItem, read_faces

Files = dict[str, bytes]


def make_arrays(records: list[tuple[str, int, int, int]]) -> FaceArrays:
    """FaceArrays from (name, label, split, grey value) with 4x4 flat images."""
    return FaceArrays.from_records(
        [(name, label, split, np.full((4, 4), value, dtype=np.uint8)) for name, label, split, value in records],
        image_size=4,
        skipped=[SkippedItem("z.jpg", "unreadable image"), SkippedItem("a.jpg", "unreadable image")],
    )


RECORDS = [("b", 1, 2, 10), ("a", 3, 2, 20), ("c", 0, 0, 30), ("a", 6, 1, 40), ("d", 3, 0, 50)]


def test_it_sorts_by_split_then_name() -> None:
    arrays = make_arrays(RECORDS)

    assert list(zip(arrays.splits.tolist(), arrays.names, strict=True)) == [
        (0, "c"), (0, "d"), (1, "a"), (2, "a"), (2, "b")
    ]  # fmt: skip
    assert arrays.images[:, 0, 0].tolist() == [30, 50, 40, 20, 10]
    assert [item.name for item in arrays.skipped] == ["a.jpg", "z.jpg"]


def test_it_gives_the_same_order_and_fingerprint_whatever_the_input_order() -> None:
    forward, backward = make_arrays(RECORDS), make_arrays(RECORDS[::-1])

    assert forward.names == backward.names
    assert forward.fingerprint() == backward.fingerprint()


def test_it_gives_the_same_fingerprint_on_every_read(write_tree: Callable[[Files], Path], fer_files: Files) -> None:
    root = write_tree(fer_files)

    assert read_faces(root).fingerprint() == read_faces(root).fingerprint()


@pytest.mark.parametrize("field", ["images", "labels", "splits"])
def test_it_changes_the_fingerprint_with_any_pixel_label_or_split(field: str) -> None:
    arrays = make_arrays(RECORDS)
    changed = getattr(arrays, field).copy()
    changed.flat[0] += 1

    assert replace(arrays, **{field: changed}).fingerprint() != arrays.fingerprint()


def test_it_ignores_names_in_the_fingerprint() -> None:
    arrays = make_arrays(RECORDS)
    renamed = FaceArrays(arrays.images, arrays.labels, arrays.splits, [f"x/{name}" for name in arrays.names])

    assert renamed.fingerprint() == arrays.fingerprint()
    assert len(arrays.fingerprint()) == 64


def test_it_selects_one_split() -> None:
    test = make_arrays(RECORDS).split("test")

    assert test.names == ["a", "b"]
    assert test.labels.tolist() == [3, 1]
    assert test.split_counts() == {"train": 0, "val": 0, "test": 2}
    assert not test.skipped


def test_it_rejects_an_unknown_split_name() -> None:
    with pytest.raises(ValueError, match=r"unknown split 'dev', expected one of train, val, test"):
        make_arrays(RECORDS).split("dev")


def test_it_counts_every_class_and_split() -> None:
    arrays = make_arrays(RECORDS)

    assert arrays.class_counts() == {
        "angry": 1, "disgust": 1, "fear": 0, "happy": 2, "sad": 0, "surprise": 0, "neutral": 1
    }  # fmt: skip
    assert arrays.split_counts() == {"train": 2, "val": 1, "test": 2}
    assert len(arrays) == 5
    assert arrays.image_size == 4


def test_it_round_trips_through_npz(tmp_path: Path) -> None:
    arrays = make_arrays(RECORDS)
    path = tmp_path / "cache.npz"

    arrays.save_npz(path)
    loaded = FaceArrays.load_npz(path)

    assert loaded.fingerprint() == arrays.fingerprint()
    assert loaded.names == arrays.names
    assert loaded.skipped == arrays.skipped
    assert loaded.class_names == arrays.class_names
    assert loaded.labels.dtype == np.int64
    assert sorted(path.parent.iterdir()) == [path]


@pytest.mark.parametrize("fields", [{"format": np.array(99)}, {"images": np.zeros(3)}])
def test_it_refuses_an_npz_that_is_not_a_cache(tmp_path: Path, fields: dict[str, np.ndarray]) -> None:
    path = tmp_path / "other.npz"
    np.savez(path, allow_pickle=False, **fields)

    with pytest.raises(DatasetError, match=r"other.npz is not a FaceArrays cache of format 1"):
        FaceArrays.load_npz(path)


def test_it_rejects_inconsistent_arrays() -> None:
    images = np.zeros((2, 4, 4), dtype=np.uint8)
    with pytest.raises(ValueError, match=r"images must be uint8 \[N, S, S\], got float32 \[2, 4, 4\]"):
        FaceArrays(images.astype(np.float32), np.zeros(2), np.zeros(2), ["a", "b"])
    with pytest.raises(ValueError, match=r"must have one length, got \[1, 2\]"):
        FaceArrays(images, np.zeros(2), np.zeros(2), ["a"])
