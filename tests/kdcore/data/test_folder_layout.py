"""Emotion-folder layout: splits from folders and FER2013 prefixes, synonyms, skips and structural errors."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from kdcore.data import CLASS_NAMES, DatasetError, read_faces

Files = dict[str, bytes]


def test_it_reads_splits_from_folders_and_fer_prefixes(write_tree: Callable[[Files], Path], fer_files: Files) -> None:
    arrays = read_faces(write_tree(fer_files))

    assert arrays.names == [
        "train/angry/Training_1.jpg",
        "train/angry/Training_2.jpg",
        "train/happy/Training_3.jpg",
        "train/neutral/Training_4.jpg",
        "test/angry/PublicTest_5.jpg",
        "test/happy/PrivateTest_7.jpg",
        "test/sad/PrivateTest_6.jpg",
    ]
    assert arrays.splits.tolist() == [0, 0, 0, 0, 1, 2, 2]
    assert [CLASS_NAMES[label] for label in arrays.labels] == [
        "angry",
        "angry",
        "happy",
        "neutral",
        "angry",
        "happy",
        "sad",
    ]


@pytest.mark.parametrize(
    ("folder", "split"), [("train", "train"), ("val", "val"), ("validation", "val"), ("valid", "val"), ("test", "test")]
)
def test_it_maps_split_folders(
    write_tree: Callable[[Files], Path], image_bytes: Callable[..., bytes], folder: str, split: str
) -> None:
    arrays = read_faces(write_tree({f"{folder}/happy/a.png": image_bytes(1)}))

    assert arrays.split_counts()[split] == 1


def test_it_reads_a_flat_layout_as_train(
    write_tree: Callable[[Files], Path], image_bytes: Callable[..., bytes]
) -> None:
    arrays = read_faces(write_tree({"sad/a.png": image_bytes(1), "fear/b.png": image_bytes(2)}))

    assert arrays.split_counts() == {"train": 2, "val": 0, "test": 0}
    assert arrays.class_counts()["sad"] == arrays.class_counts()["fear"] == 1


def test_it_accepts_synonyms_in_any_case(
    write_tree: Callable[[Files], Path], image_bytes: Callable[..., bytes]
) -> None:
    folders = ["Anger", "MAD", "disgusted", "Scared", "fearful", "Happiness", "joy", "sadness", "Surprised", "Neutral"]
    files = {f"train/{folder}/{index}.png": image_bytes(index) for index, folder in enumerate(folders)}

    arrays = read_faces(write_tree(files))

    assert arrays.class_counts() == {
        "angry": 2, "disgust": 1, "fear": 2, "happy": 2, "sad": 1, "surprise": 1, "neutral": 1
    }  # fmt: skip


def test_it_lists_every_unknown_folder(write_tree: Callable[[Files], Path], image_bytes: Callable[..., bytes]) -> None:
    files = {"train/happy/a.png": image_bytes(1), "train/contempt/b.png": image_bytes(2), "calm/c.png": image_bytes(3)}

    with pytest.raises(
        DatasetError, match=r"unknown emotion folders: 'calm' .*'contempt' .*expected images in folders"
    ):
        read_faces(write_tree(files))


def test_it_rejects_images_outside_an_emotion_folder(
    write_tree: Callable[[Files], Path], image_bytes: Callable[..., bytes]
) -> None:
    with pytest.raises(DatasetError, match=r"unknown emotion folders: '.' \(cover.png\)"):
        read_faces(write_tree({"cover.png": image_bytes(1), "happy/a.png": image_bytes(2)}))


def test_it_rejects_mixed_top_folders(write_tree: Callable[[Files], Path], image_bytes: Callable[..., bytes]) -> None:
    files = {"train/happy/a.png": image_bytes(1), "extra/happy/b.png": image_bytes(2)}

    with pytest.raises(DatasetError, match=r"at most one top folder, got .*extra/happy/b.png"):
        read_faces(write_tree(files))


def test_it_rejects_two_wrapping_folders(
    write_tree: Callable[[Files], Path], image_bytes: Callable[..., bytes]
) -> None:
    with pytest.raises(DatasetError, match=r"at most one top folder"):
        read_faces(write_tree({"a/b/train/happy/x.png": image_bytes(1)}))


def test_it_skips_corrupt_images_and_says_why(
    write_tree: Callable[[Files], Path], image_bytes: Callable[..., bytes]
) -> None:
    truncated = image_bytes(5, image_format="JPEG")[:100]
    files = {"happy/ok.png": image_bytes(1), "happy/garbage.jpg": b"not an image", "sad/cut.jpg": truncated}

    arrays = read_faces(write_tree(files))

    assert arrays.names == ["happy/ok.png"]
    assert [item.name for item in arrays.skipped] == ["happy/garbage.jpg", "sad/cut.jpg"]
    assert all(item.reason.startswith("unreadable image (") for item in arrays.skipped)


def test_it_fails_clearly_when_every_image_is_corrupt(write_tree: Callable[[Files], Path]) -> None:
    with pytest.raises(DatasetError, match=r"no readable images in .*: 1 skipped, e.g. happy/a.jpg: unreadable image"):
        read_faces(write_tree({"happy/a.jpg": b"junk"}))


def test_it_ignores_hidden_files_macos_metadata_and_non_images(
    write_tree: Callable[[Files], Path], image_bytes: Callable[..., bytes]
) -> None:
    files = {
        "happy/a.png": image_bytes(1),
        "happy/._a.png": b"resource fork",
        ".DS_Store": b"junk",
        "__MACOSX/happy/._a.png": b"junk",
        "README.txt": b"hello",
        "happy/notes.md": b"hi",
    }

    arrays = read_faces(write_tree(files))

    assert arrays.names == ["happy/a.png"]
    assert not arrays.skipped


def test_it_converts_rgb_and_resizes_to_image_size(
    write_tree: Callable[[Files], Path], image_bytes: Callable[..., bytes]
) -> None:
    files = {"happy/rgb.png": image_bytes(200, size=100, mode="RGB"), "sad/small.png": image_bytes(80, size=20)}

    arrays = read_faces(write_tree(files), image_size=32)

    assert arrays.images.shape == (2, 32, 32)
    assert np.all(arrays.images[1] == 80)
    assert abs(float(arrays.images[0].mean()) - (0.299 * 200 + 0.587 * 55 + 0.114 * 100)) < 1.0  # ITU-R 601 luma


def test_it_rejects_an_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"no images found in .*expected a FER2013 .csv, or a directory"):
        read_faces(tmp_path)
