"""`manage.py import_dataset`: the worker's import, run in-process for a team named on the command line."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.dataset_files import EMOTION_FILES, tar_bytes, zip_bytes
from webapp.accounts.models import Team
from webapp.datasets.models import Dataset, DatasetImport

FER2013 = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "fer2013" / "fer2013.tar.xz"


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("import_dataset", *args, stdout=out)
    return out.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.usefixtures("media_root")
def test_it_imports_a_file_then_adds_a_version(tmp_path: Path, team: Team) -> None:
    path = _write(tmp_path, "lab-faces.tar.gz", tar_bytes(EMOTION_FILES))
    output = _command(path, "--team", "Affect Lab")
    assert "Imported 6 faces into lab-faces v1" in output
    assert "2 files skipped" in output
    assert "Saving 6 faces as a new version" in output
    _command(path, "--team", "Affect Lab")
    dataset = Dataset.objects.get(team=team, name="lab-faces")
    assert sorted(dataset.versions.values_list("number", flat=True)) == [1, 2]
    assert DatasetImport.objects.filter(dataset=dataset, status="succeeded").count() == 2


@pytest.mark.usefixtures("media_root", "team")
def test_it_names_the_dataset_as_asked(tmp_path: Path) -> None:
    _command(_write(tmp_path, "a.zip", zip_bytes(EMOTION_FILES)), "--team", "Affect Lab", "--name", "Our faces")
    assert Dataset.objects.get().name == "Our faces"


@pytest.mark.usefixtures("media_root", "team")
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"../x.png": b"x"}, "unsafe path '../x.png'"),
        ({"train/bored/a.png": EMOTION_FILES["faces/train/angry/a1.png"]}, "failed: unknown emotion folders: 'bored'"),
    ],
)
def test_it_reports_bad_files(tmp_path: Path, files: dict[str, bytes], expected: str) -> None:
    with pytest.raises(CommandError, match=expected.replace("(", r"\(")):
        _command(_write(tmp_path, "bad.zip", zip_bytes(files)), "--team", "Affect Lab")


@pytest.mark.usefixtures("media_root", "team")
def test_it_refuses_an_unknown_team_or_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no team is named 'Nobody'"):
        _command(_write(tmp_path, "a.zip", zip_bytes(EMOTION_FILES)), "--team", "Nobody")
    with pytest.raises(CommandError, match="is not a file"):
        _command(str(tmp_path / "missing.zip"), "--team", "Affect Lab")


@pytest.mark.slow
@pytest.mark.usefixtures("media_root")
@pytest.mark.skipif(not FER2013.is_file(), reason=f"needs the real FER2013 at {FER2013}")
def test_it_imports_all_of_fer2013(team: Team) -> None:
    output = _command(str(FER2013), "--team", "Affect Lab")
    assert "Imported 35,887 faces into fer2013 v1" in output
    version = Dataset.objects.get(team=team, name="fer2013").versions.get()
    assert version.split_counts == {"train": 28709, "val": 3589, "test": 3589}
    assert version.class_counts == {
        "angry": 4953, "disgust": 547, "fear": 5121, "happy": 8989, "sad": 6077, "surprise": 4002, "neutral": 6198,
    }  # fmt: skip
