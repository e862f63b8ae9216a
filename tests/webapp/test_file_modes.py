"""The Studio's files are its user's only: the SQLite database, media and checkpoints 0600, their folders 0700."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_WRITE = """
import django, os
django.setup()
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
default_storage.save("uploads/1/abc/faces.zip", SimpleUploadedFile("faces.zip", b"x"))
default_storage.save("runs/7/best.pt", ContentFile(b"weights"))  # as the worker stores a checkpoint
os.makedirs(settings.MEDIA_ROOT / "runs/8", exist_ok=True)  # as kdcore makes a job's folder
(settings.MEDIA_ROOT / "runs/8/last.pt").write_bytes(b"x")
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
def test_every_file_the_studio_makes_is_private(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "webapp.settings",
        "STUDIO_VAR_DIR": str(var),
        "DATABASE_URL": "",
        "DJANGO_SECRET_KEY": "",
    }
    old_umask = os.umask(0o022)  # what a shell usually has: the settings must not rely on the caller's
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "-c", _WRITE], cwd=ROOT, env=env, check=True)
    finally:
        os.umask(old_umask)
    media = list((var / "media").rglob("*"))
    files = [var / "studio.sqlite3", var / "secret_key", *(path for path in media if path.is_file())]
    folders = [var, *(path for path in media if path.is_dir())]
    assert len(files) == 5
    assert {str(path.relative_to(var)): _mode(path) for path in files} == {
        str(path.relative_to(var)): 0o600 for path in files
    }
    assert {str(path.relative_to(var)): _mode(path) for path in folders} == {
        str(path.relative_to(var)): 0o700 for path in folders
    }


def test_studio_up_runs_under_a_private_umask() -> None:
    script = (ROOT / "studio").read_text()
    assert "up) shift && umask 077 && cmd_up" in script
    assert 'chmod 700 "$VAR"' in script
