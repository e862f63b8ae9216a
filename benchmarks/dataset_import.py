"""How fast a dataset import runs: FER2013 (35,887 faces) through `manage.py import_dataset`, then as training arrays.

    .venv/bin/python benchmarks/dataset_import.py [PATH]   # default: ../shared/data/fer2013/fer2013.tar.xz

Runs in a throwaway STUDIO_VAR_DIR (SQLite, its own MEDIA_ROOT and cache) unless DATABASE_URL is set, so it never
touches a real Studio. Prints images/s for: the first import (read, hash, write PNGs, insert rows), the same file
again as v2 (every face already stored), and `version_face_arrays` cold (decode PNGs) and warm (the .npz cache).
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "fer2013" / "fer2013.tar.xz"


def _setup(var_dir: str) -> None:
    os.environ["STUDIO_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _timed_import(path: Path) -> tuple[float, str]:
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_dataset", str(path), "--team", "Benchmark", stdout=out)
    return time.perf_counter() - started, out.getvalue().strip().splitlines()[-2]


def _timed_arrays(version_id: int) -> tuple[float, int]:
    from worker.datasets import version_face_arrays

    started = time.perf_counter()
    arrays = version_face_arrays(version_id)
    return time.perf_counter() - started, len(arrays)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    with tempfile.TemporaryDirectory(prefix="studio-bench-") as var_dir:
        _setup(var_dir)
        from webapp.accounts.models import Team
        from webapp.datasets.models import DatasetVersion

        Team.objects.get_or_create(name="Benchmark")
        database = os.environ.get("DATABASE_URL", "").split(":")[0] or "sqlite"
        print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB, database {database}")
        for label in ("first import", "again, faces already stored"):
            seconds, summary = _timed_import(path)
            count = DatasetVersion.objects.latest("id").item_count
            print(f"{label:<30} {seconds:6.1f} s  {count / seconds:8,.0f} images/s   ({summary})")
        version = DatasetVersion.objects.latest("id")
        for label in ("training arrays, cold", "training arrays, cached"):
            seconds, count = _timed_arrays(version.pk)
            print(f"{label:<30} {seconds:6.2f} s  {count / seconds:8,.0f} images/s")


if __name__ == "__main__":
    main()
