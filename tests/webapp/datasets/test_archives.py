"""The upload checks in the web process: kinds, unsafe paths, bombs, limits and empty archives, from names alone."""

import io
import stat
import tarfile
import warnings
import zipfile

import pytest
from django.core.exceptions import ValidationError

from tests.dataset_files import EMOTION_FILES, face_png, tar_bytes, zip_bytes
from webapp.datasets.archives import ArchiveLimits, UploadSummary, upload_inspect

LIMITS = ArchiveLimits(max_bytes=50 * 1024 * 1024, max_members=100, max_ratio=100)


def _inspect(data: bytes, name: str = "faces.zip", limits: ArchiveLimits = LIMITS) -> UploadSummary:
    return upload_inspect(io.BytesIO(data), name=name, size=len(data), limits=limits)


def _refusal(data: bytes, name: str = "faces.zip", limits: ArchiveLimits = LIMITS) -> str:
    with pytest.raises(ValidationError) as refused:
        _inspect(data, name, limits)
    return refused.value.message_dict["file"][0]


def test_it_accepts_a_zip_and_lists_files_that_are_no_images() -> None:
    summary = _inspect(zip_bytes(EMOTION_FILES))
    assert summary.kind == "zip"
    assert summary.members == len(EMOTION_FILES)
    assert summary.skipped == [("faces/README.txt", "not an image file")]


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
def test_it_accepts_tars_of_every_compression(mode: str) -> None:
    summary = _inspect(tar_bytes(EMOTION_FILES, mode=mode), name="faces.tar")
    assert (summary.kind, summary.members) == ("tar", len(EMOTION_FILES))


def test_it_accepts_a_csv_by_its_name() -> None:
    assert _inspect(b"emotion,pixels,Usage\n", name="fer2013.csv").kind == "csv"


def test_it_leaves_raf_db_label_files_and_hidden_files_off_the_skipped_list() -> None:
    files = {"b/EmoLabel/list_patition_label.txt": b"x", "b/.DS_Store": b"x", "__MACOSX/._a.jpg": b"x"}
    assert _inspect(zip_bytes({**files, "b/Image/aligned/a.jpg": b"x"})).skipped == []


@pytest.mark.parametrize("unsafe", ["../evil.png", "faces/../../evil.png", "/etc/passwd", "C:/evil.png", "..\\x.png"])
def test_it_refuses_paths_that_leave_the_archive(unsafe: str) -> None:
    for data in (zip_bytes({unsafe: face_png(1)}), tar_bytes({unsafe: face_png(1)})):
        message = _refusal(data)
        assert "unsafe path" in message
        assert message.endswith("Nothing was imported.")


def test_it_refuses_an_empty_zip_and_an_empty_tar() -> None:
    assert "empty archive" in _refusal(zip_bytes({}))
    assert "empty archive" in _refusal(tar_bytes({}), name="faces.tar.gz")


def test_it_refuses_an_archive_of_only_folders() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("train/angry/"), b"")
    assert "empty archive" in _refusal(buffer.getvalue())


def test_it_refuses_an_empty_file() -> None:
    assert "empty" in _refusal(b"", name="faces.zip")


def test_it_refuses_a_file_that_is_neither_csv_nor_archive() -> None:
    message = _refusal(b"\x89PNG not really an archive" * 20, name="face.png")
    assert "unsupported file 'face.png'" in message
    assert "expected a FER2013 .csv" in message


def test_it_refuses_a_binary_file_named_csv() -> None:
    assert "not a text file" in _refusal(b"PK\x03\x04\x00\x00binary", name="fer2013.csv")


def test_it_refuses_a_zip_bomb_by_its_compression_ratio() -> None:
    message = _refusal(zip_bytes({"train/angry/zeros.png": bytes(20 * 1024 * 1024)}))
    assert "looks like a zip bomb" in message


def test_it_refuses_an_archive_over_the_unpacked_size_limit() -> None:
    limits = ArchiveLimits(max_bytes=1024 * 1024, max_members=100, max_ratio=10_000)
    files = {f"train/angry/{index}.png": bytes(300 * 1024) for index in range(5)}
    assert "unpacks to more than 1 MB" in _refusal(zip_bytes(files), limits=limits)
    assert "unpacks to more than 1 MB" in _refusal(tar_bytes(files), name="x.tar.gz", limits=limits)


def test_it_stops_reading_a_tar_bomb_at_the_ratio_limit() -> None:
    limits = ArchiveLimits(max_bytes=10**12, max_members=100, max_ratio=2)
    data = tar_bytes({f"train/angry/{index}.png": bytes(1024 * 1024) for index in range(8)})
    assert "2x its size" in _refusal(data, name="bomb.tar.gz", limits=limits)


def test_it_refuses_an_archive_with_too_many_files() -> None:
    limits = ArchiveLimits(max_bytes=10**9, max_members=3, max_ratio=100)
    files = {f"train/angry/{index}.png": face_png(index) for index in range(4)}
    assert "more than 3 files" in _refusal(zip_bytes(files), limits=limits)


def test_it_refuses_a_truncated_tar() -> None:
    data = tar_bytes({f"train/angry/{index}.png": bytes([index]) * 4096 for index in range(20)}, mode="w:gz")
    assert "truncated" in _refusal(data[: len(data) // 2], name="faces.tar.gz")


def test_it_refuses_encrypted_zip_members() -> None:
    data = bytearray(zip_bytes({"train/angry/a.png": face_png(1)}))
    # Set the "encrypted" flag in the local header and the central directory entry.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.index(signature) + offset
        data[position] |= 0x1
    assert "encrypted" in _refusal(bytes(data))


def _tar_with_specials() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = face_png(1)
        for name in ("faces/happy/a.png", "faces/happy/a.png"):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, kind in [
            ("faces/happy/sym.png", tarfile.SYMTYPE),
            ("faces/happy/hard.png", tarfile.LNKTYPE),
            ("faces/dev", tarfile.CHRTYPE),
            ("faces/fifo", tarfile.FIFOTYPE),
        ]:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, "faces/happy/a.png"
            archive.addfile(info)
    return buffer.getvalue()


def test_it_lists_links_devices_and_repeated_names_of_a_tar_as_skipped() -> None:
    summary = _inspect(_tar_with_specials(), name="faces.tar")
    assert summary.members == 1
    assert summary.skipped == [
        ("faces/happy/a.png", "a second entry with this name: only the first is read"),
        ("faces/happy/sym.png", "a link, not a file: links are never followed"),
        ("faces/happy/hard.png", "a link, not a file: links are never followed"),
        ("faces/dev", "a device or pipe, not a file"),
        ("faces/fifo", "a device or pipe, not a file"),
    ]
    assert summary.skipped_count == 5


def test_it_lists_symlinks_and_repeated_names_of_a_zip_as_skipped() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": the point of the test
        archive.writestr("faces/happy/a.png", face_png(1))
        archive.writestr("faces/happy/a.png", face_png(2))
        link = zipfile.ZipInfo("faces/happy/link.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "a.png")
    summary = _inspect(buffer.getvalue())
    assert summary.skipped == [
        ("faces/happy/a.png", "a second entry with this name: only the first is read"),
        ("faces/happy/link.png", "a link, not a file: links are never followed"),
    ]
