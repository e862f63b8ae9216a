"""FER2013 CSV reader: split mapping, exact pixels, and errors that name the row."""

from pathlib import Path

import numpy as np
import pytest

from kdcore.data import DatasetError, read_faces, read_fer2013_csv

HEADER = "emotion,pixels,Usage"


def pixels(value: int, count: int = 48 * 48) -> str:
    return " ".join([str(value)] * count)


def write_csv(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "fer2013.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    rows = [
        f"3,{pixels(10)},Training",
        f"0,{pixels(20)},PrivateTest",
        f"6,{pixels(30)},PublicTest",
        f"5,{pixels(40)},Training",
    ]
    return write_csv(tmp_path, rows)


def test_it_maps_usage_to_canonical_splits(csv_path: Path) -> None:
    arrays = read_faces(csv_path)

    assert arrays.names == ["row-00000001", "row-00000004", "row-00000003", "row-00000002"]
    assert arrays.split_counts() == {"train": 2, "val": 1, "test": 1}
    assert arrays.labels.tolist() == [3, 5, 6, 0]


def test_it_keeps_native_pixels_exactly(csv_path: Path) -> None:
    arrays = read_faces(csv_path)

    assert arrays.images.shape == (4, 48, 48)
    assert arrays.images.dtype == np.uint8
    assert [int(image[0, 0]) for image in arrays.images] == [10, 40, 30, 20]
    assert not arrays.skipped


def test_it_resizes_to_the_requested_size(csv_path: Path) -> None:
    arrays = read_fer2013_csv(csv_path, image_size=32)

    assert arrays.images.shape == (4, 32, 32)
    assert int(arrays.images[0].min()) == int(arrays.images[0].max()) == 10


def test_it_accepts_columns_in_any_order_and_case(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [f"Training,2,{pixels(7)}"], header="usage,Emotion,PIXELS")

    arrays = read_faces(path)

    assert arrays.labels.tolist() == [2]
    assert arrays.split_counts()["train"] == 1


def test_it_reports_progress_up_to_the_file_size(csv_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    read_faces(csv_path, progress=lambda done, total: calls.append((done, total)))

    assert calls[-1] == (csv_path.stat().st_size, csv_path.stat().st_size)


def test_it_rejects_a_wrong_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [f"0,{pixels(1)},Training"], header="label,image,split")

    with pytest.raises(DatasetError, match=r"expected header emotion,pixels,Usage, got label,image,split"):
        read_faces(path)


def test_it_rejects_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")

    with pytest.raises(DatasetError, match=r"expected header emotion,pixels,Usage, got an empty file"):
        read_faces(path)


def test_it_names_the_row_with_a_wrong_pixel_count(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [f"0,{pixels(1)},Training", f"1,{pixels(1, count=2300)},Training"])

    with pytest.raises(DatasetError, match=r"row 2 \(line 3\): expected 2304 pixels \(48x48\), got 2300"):
        read_faces(path)


def test_it_rejects_non_numeric_and_out_of_range_pixels(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"row 1 .*expected space-separated integer pixels"):
        read_faces(write_csv(tmp_path, [f"0,{pixels(1)[:-1]}x,Training"]))
    with pytest.raises(DatasetError, match=r"row 1 .*expected pixels in 0-255, got 1..256"):
        read_faces(write_csv(tmp_path, [f"0,{pixels(1)[:-1]}256,Training"]))


@pytest.mark.parametrize("label", ["7", "-1", "happy", ""])
def test_it_names_the_row_and_value_of_an_unknown_label(tmp_path: Path, label: str) -> None:
    path = write_csv(tmp_path, [f"0,{pixels(1)},Training", f"{label},{pixels(1)},Training"])

    with pytest.raises(DatasetError, match=rf"row 2 \(line 3\): unknown label '{label}', expected 0-6 \(0 angry"):
        read_faces(path)


def test_it_rejects_an_unknown_usage(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [f"0,{pixels(1)},Validation"])

    with pytest.raises(DatasetError, match=r"row 1 .*unknown Usage 'Validation', expected Training, PublicTest"):
        read_faces(path)


def test_it_rejects_a_row_with_missing_fields(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [f"0,{pixels(1)}"])

    with pytest.raises(DatasetError, match=r"row 1 .*expected 3 fields, got 2"):
        read_faces(path)


def test_it_rejects_a_csv_without_rows(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"no images found in fer2013.csv"):
        read_faces(write_csv(tmp_path, []))
