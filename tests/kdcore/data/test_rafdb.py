"""RAF-DB basic layout: label remapping onto FER2013's order, splits from names, pairing with aligned images."""

from collections.abc import Callable
from pathlib import Path

import pytest

from kdcore.data import CLASS_NAMES, RAFDB_CLASS_NAMES, DatasetError, read_faces

Files = dict[str, bytes]
LABELS = "train_00001.jpg 5\ntrain_00002.jpg 1\r\ntest_0001.jpg 6\n\ntest_0002.jpg 7\ntrain_00003.jpg 4\n"


@pytest.fixture
def rafdb_files(image_bytes: Callable[..., bytes]) -> Files:
    """Label file, RGB 100x100 aligned JPEGs and an original photo that must never be decoded."""
    stems = ["train_00001", "train_00002", "train_00003", "test_0001", "test_0002"]
    files = {f"Image/aligned/{stem}_aligned.jpg": image_bytes(40 * i, size=100, mode="RGB", image_format="JPEG")
             for i, stem in enumerate(stems)}  # fmt: skip
    files["Image/original/train_00001.jpg"] = b"not decoded, so never skipped"
    files["EmoLabel/list_patition_label.txt"] = LABELS.encode()
    return files


def test_it_maps_rafdb_labels_onto_the_canonical_order() -> None:
    assert [CLASS_NAMES.index(name) for name in RAFDB_CLASS_NAMES] == [5, 2, 1, 3, 4, 0, 6]


def test_it_reads_a_rafdb_directory(write_tree: Callable[[Files], Path], rafdb_files: Files) -> None:
    arrays = read_faces(write_tree(rafdb_files))

    assert arrays.names == [
        "Image/aligned/train_00001_aligned.jpg",
        "Image/aligned/train_00002_aligned.jpg",
        "Image/aligned/train_00003_aligned.jpg",
        "Image/aligned/test_0001_aligned.jpg",
        "Image/aligned/test_0002_aligned.jpg",
    ]
    assert [CLASS_NAMES[label] for label in arrays.labels] == ["sad", "surprise", "happy", "angry", "neutral"]
    assert arrays.split_counts() == {"train": 3, "val": 0, "test": 2}
    assert arrays.images.shape == (5, 48, 48)
    assert not arrays.skipped


def test_it_reads_a_wrapped_rafdb_zip_like_the_directory(
    write_tree: Callable[[Files], Path], write_zip: Callable[[Files], Path], rafdb_files: Files
) -> None:
    expected = read_faces(write_tree(rafdb_files))

    arrays = read_faces(write_zip({f"basic/{name}": data for name, data in rafdb_files.items()}))

    assert arrays.names == [f"basic/{name}" for name in expected.names]
    assert arrays.fingerprint() == expected.fingerprint()


def test_it_reads_a_tar_whose_label_file_comes_last(
    write_tree: Callable[[Files], Path], write_tar: Callable[..., Path], rafdb_files: Files
) -> None:
    expected = read_faces(write_tree(rafdb_files))
    labels_last = dict(sorted(rafdb_files.items(), key=lambda item: item[0].startswith("EmoLabel")))

    arrays = read_faces(write_tar(labels_last, "gz"))

    assert arrays.fingerprint() == expected.fingerprint()


def test_it_skips_missing_and_corrupt_rafdb_images(write_tree: Callable[[Files], Path], rafdb_files: Files) -> None:
    del rafdb_files["Image/aligned/test_0001_aligned.jpg"]
    rafdb_files["Image/aligned/train_00002_aligned.jpg"] = b"corrupt"

    arrays = read_faces(write_tree(rafdb_files))

    assert len(arrays) == 3
    assert [(item.name, item.reason.split(" (")[0]) for item in arrays.skipped] == [
        ("Image/aligned/test_0001_aligned.jpg", "missing image listed in the RAF-DB label file"),
        ("Image/aligned/train_00002_aligned.jpg", "unreadable image"),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("train_00004.jpg 8", r"line 7: unknown label '8', expected 1-7 \(1 surprise, 2 fear"),
        ("train_00004.jpg", "line 7: expected '<image> <label 1-7>', got 'train_00004.jpg'"),
        ("val_00004.jpg 1", "line 7: expected an image name starting with train_ or test_, got 'val_00004.jpg'"),
    ],
)
def test_it_names_the_line_of_a_bad_label(
    write_tree: Callable[[Files], Path], rafdb_files: Files, line: str, message: str
) -> None:
    rafdb_files["EmoLabel/list_patition_label.txt"] = (LABELS + line + "\n").encode()

    with pytest.raises(DatasetError, match=f"EmoLabel/list_patition_label.txt {message}"):
        read_faces(write_tree(rafdb_files))


def test_it_explains_an_emolabel_folder_without_the_label_file(
    write_tree: Callable[[Files], Path], rafdb_files: Files
) -> None:
    rafdb_files["EmoLabel/other.txt"] = rafdb_files.pop("EmoLabel/list_patition_label.txt")

    with pytest.raises(DatasetError, match=r"EmoLabel/ folder but no EmoLabel/list_patition_label.txt"):
        read_faces(write_tree(rafdb_files))
