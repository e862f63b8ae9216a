"""The Studio's GPU path, end to end on a GPU machine: a real Celery worker on the `gpu` queue, Redis, SQLite.

Run by `experiments/studio_gpu_path.sh` (which installs the carried wheels and starts Redis and the worker). Through
the services, exactly as the pages and the API do, it imports a FER2013 subset, trains a teacher, distils Student B
from it, and analyses two sample recordings; then prints one JSON object: where each task ran, on which device and
worker, and how long it took.

    python3 experiments/studio_gpu_path.py --faces .devdata/fer2013_subset.tar.xz --videos .devdata/videos
"""

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

import django

django.setup()

from django.core.files import File  # noqa: E402

from webapp.accounts.models import Membership, Team, User  # noqa: E402
from webapp.datasets import services as dataset_services  # noqa: E402
from webapp.recordings import services as recording_services  # noqa: E402
from webapp.recordings.models import Analysis  # noqa: E402
from webapp.runs import services as run_services  # noqa: E402
from webapp.runs.models import Run  # noqa: E402
from worker.datasets import import_run  # noqa: E402


def _wait(model: Any, pk: int, *, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        task = model.objects.get(pk=pk)
        if not task.is_active:
            return task
        time.sleep(1)
    raise TimeoutError(f"{model.__name__} #{pk} still {model.objects.get(pk=pk).status} after {timeout:.0f} s")


def _seconds(task: Any) -> float | None:
    return round((task.finished_at - task.started_at).total_seconds(), 1) if task.started_at else None


def _job(team: Team, user: User, version: Any, teacher: Run | None, settings: dict[str, Any]) -> dict[str, Any]:
    run = run_services.run_create(team=team, user=user, dataset_version=version, teacher=teacher, settings=settings)
    run = _wait(Run, run.pk, timeout=900)
    test = (run.metrics or {}).get("test") or {}
    return {
        "id": run.pk, "model": run.model_label, "distilled": run.is_distillation, "status": run.status,
        "message": run.status_message, "queue": run.queue, "device": run.device, "worker": run.worker_hostname,
        "seconds": _seconds(run), "epochs": (run.metrics or {}).get("epochs"), "test_accuracy": test.get("accuracy"),
    }  # fmt: skip


def _analysis(team: Team, user: User, video: Path, scratch: Path) -> dict[str, Any]:
    copy = scratch / video.name
    shutil.copyfile(video, copy)
    recording = recording_services.recording_create(
        team=team, user=user, name=video.stem, original_name=video.name, source=copy,
        size_bytes=copy.stat().st_size, options={"analyse": True},
    )  # fmt: skip
    analysis = _wait(Analysis, recording.analyses.get().pk, timeout=600)
    summary = analysis.summary or {}
    return {
        "recording": video.name, "analysis": analysis.pk, "status": analysis.status,
        "message": analysis.status_message, "queue": analysis.queue, "device": analysis.device,
        "worker": analysis.worker_hostname, "seconds": _seconds(analysis), "frames": summary.get("frames"),
        "frames_per_s": summary.get("frames_per_s"), "tracks": len(summary.get("tracks", [])),
        "timings": summary.get("timings"),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--faces", type=Path, required=True, help="a FER2013 archive (folders by emotion)")
    parser.add_argument("--videos", type=Path, required=True, help="a folder with single_face.mp4, face_noface.mov")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--device", default="cuda", help="cuda on the GPU machine; cpu to try it here")
    args = parser.parse_args()
    team = Team.objects.create(name="GPU lab")
    user = User.objects.create_user(email="gpu@example.com", password="not-used-here-1")
    Membership.objects.create(team=team, user=user, role=Membership.Role.OWNER)
    started = time.monotonic()
    dataset = dataset_services.dataset_create(team=team, user=user, name="FER2013 subset")
    with args.faces.open("rb") as file:
        upload = File(file, name=args.faces.name)
        dataset_import = dataset_services.dataset_import_create(
            dataset=dataset, user=user, upload=upload, enqueue=False
        )
    version = import_run(dataset_import.pk, hostname="in-process")
    assert version is not None, "the import was created above, so this call runs it"
    common = {"epochs": args.epochs, "batch_size": 256, "lr": 0.1, "device": args.device, "input_size": 64}
    teacher = _job(team, user, version, None, {**common, "model": "resemotenet"})
    student = _job(team, user, version, Run.objects.get(pk=teacher["id"]),
                   {**common, "model": "mini_resemotenet_b", "temperature": 2.0, "alpha": 0.5})  # fmt: skip
    scratch = Path(os.environ.get("STUDIO_VAR_DIR", "/tmp")) / "uploads-in"
    scratch.mkdir(parents=True, exist_ok=True)
    analyses = [_analysis(team, user, args.videos / name, scratch) for name in ("single_face.mp4", "face_noface.mov")]
    report = {
        "faces": version.item_count, "teacher": teacher, "student": student, "analyses": analyses,
        "wall_s": round(time.monotonic() - started, 1),
    }  # fmt: skip
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
