"""Zip and tar sources: same result as a directory, one wrapping folder, and refusal of unsafe members."""

import io
import tarfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kdcore.data import DatasetError, read_faces

Files = dict[str, bytes]


@pytest.mark.parametrize("compression", ["gz", "xz", "bz2"])
def test_it_reads_a_tar_like_the_directory(
    write_tree: Callable[[Files], Path], write_tar: Callable[..., Path], fer_files: Files, compression: str
) -> None:
    expected = read_faces(write_tree(fer_files))

    arrays = read_faces(write_tar(fer_files, compression))

    assert arrays.names == expected.names
    assert arrays.fingerprint() == expected.fingerprint()


def test_it_reads_a_zip_like_the_directory(
    write_tree: Callable[[Files], Path], write_zip: Callable[[Files], Path], fer_files: Files
) -> None:
    expected = read_faces(write_tree(fer_files))

    arrays = read_faces(write_zip(fer_files))

    assert arrays.names == expected.names
    assert arrays.fingerprint() == expected.fingerprint()


def test_it_accepts_one_wrapping_folder(write_zip: Callable[[Files], Path], fer_files: Files) -> None:
    wrapped = {f"fer2013/{name}": data for name, data in fer_files.items()}

    arrays = read_faces(write_zip(wrapped))

    assert arrays.split_counts() == {"train": 4, "val": 1, "test": 2}
    assert arrays.names[0] == "fer2013/train/angry/Training_1.jpg"


def test_it_reads_a_flat_layout_inside_a_wrapping_folder(
    write_tar: Callable[..., Path], image_bytes: Callable[..., bytes]
) -> None:
    arrays = read_faces(write_tar({"faces/happy/a.png": image_bytes(1), "faces/sad/b.png": image_bytes(2)}))

    assert arrays.split_counts() == {"train": 2, "val": 0, "test": 0}


@pytest.mark.parametrize("name", ["../happy/evil.png", "train/../../happy/evil.png", "/happy/evil.png", "C:/x.png"])
def test_it_rejects_unsafe_zip_members(
    write_zip: Callable[[Files], Path], image_bytes: Callable[..., bytes], name: str
) -> None:
    with pytest.raises(DatasetError, match=r"unsafe archive member .*expected a relative path without '..'"):
        read_faces(write_zip({"happy/a.png": image_bytes(1), name: image_bytes(2)}))


@pytest.mark.parametrize("name", ["../happy/evil.png", "/happy/evil.png", "happy\\..\\..\\evil.png"])
def test_it_rejects_unsafe_tar_members(
    write_tar: Callable[..., Path], image_bytes: Callable[..., bytes], name: str
) -> None:
    with pytest.raises(DatasetError, match=r"unsafe archive member"):
        read_faces(write_tar({"happy/a.png": image_bytes(1), name: image_bytes(2)}))


def test_it_ignores_links_and_devices_in_tars(tmp_path: Path, image_bytes: Callable[..., bytes]) -> None:
    path = tmp_path / "links.tar"
    data = image_bytes(1)
    with tarfile.open(path, "w") as archive:
        info = tarfile.TarInfo("happy/a.png")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
        for name, kind in [("happy/link.png", tarfile.SYMTYPE), ("happy/hard.png", tarfile.LNKTYPE)]:
            link = tarfile.TarInfo(name)
            link.type, link.linkname = kind, "/etc/passwd"
            archive.addfile(link)
        device = tarfile.TarInfo("happy/dev.png")
        device.type = tarfile.CHRTYPE
        archive.addfile(device)

    arrays = read_faces(path)

    assert arrays.names == ["happy/a.png"]
    assert not arrays.skipped


def test_it_fails_clearly_on_a_truncated_tar(write_tar: Callable[..., Path], fer_files: Files) -> None:
    path = write_tar(fer_files, "gz")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    with pytest.raises(DatasetError, match=r"not a readable tar archive or is truncated"):
        read_faces(path)


def test_it_fails_clearly_on_a_broken_zip(tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 10)

    with pytest.raises(DatasetError, match=r"unsupported file type 'broken.zip'"):
        read_faces(path)


@pytest.mark.parametrize("filename", ["faces.rar", "face.jpg", "notes.txt"])
def test_it_rejects_unsupported_file_types(tmp_path: Path, filename: str) -> None:
    path = tmp_path / filename
    path.write_bytes(b"\x00\x01something")

    with pytest.raises(DatasetError, match=f"unsupported file type '{filename}'; expected a FER2013 .csv"):
        read_faces(path)


def test_it_rejects_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"does not exist"):
        read_faces(tmp_path / "nope.zip")


def test_it_rejects_an_empty_archive(write_zip: Callable[[Files], Path]) -> None:
    with pytest.raises(DatasetError, match=r"no images found in faces.*zip"):
        read_faces(write_zip({"README.txt": b"nothing here"}))


def test_it_reports_progress_ending_at_the_total(write_tar: Callable[..., Path], fer_files: Files) -> None:
    calls: list[tuple[int, int]] = []
    path = write_tar(fer_files, "xz")

    read_faces(path, progress=lambda done, total: calls.append((done, total)))

    assert calls[-1] == (path.stat().st_size, path.stat().st_size)


def test_it_reads_the_first_entry_of_a_repeated_name(tmp_path: Path, image_bytes: Callable[..., bytes]) -> None:
    """A later entry never replaces an image already read (the Studio's upload check lists it as skipped)."""
    zip_path, tar_path = tmp_path / "twice.zip", tmp_path / "twice.tar"
    first, second = image_bytes(1), image_bytes(200)
    with zipfile.ZipFile(zip_path, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": the point of the test
        archive.writestr("happy/a.png", first)
        archive.writestr("happy/a.png", second)
    with tarfile.open(tar_path, "w") as archive:
        for data in (first, second):
            info = tarfile.TarInfo("happy/a.png")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    only_first = read_faces(_single(tmp_path, first))
    for path in (zip_path, tar_path):
        arrays = read_faces(path)
        assert arrays.names == ["happy/a.png"]
        assert (arrays.images == only_first.images).all()


def _single(tmp_path: Path, data: bytes) -> Path:
    folder = tmp_path / "single" / "happy"
    folder.mkdir(parents=True)
    (folder / "a.png").write_bytes(data)
    return folder.parent
