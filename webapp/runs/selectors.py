"""Reads of the runs app: a team's jobs and models, queue positions, and what a worker needs to know."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.template.defaultfilters import filesizeformat

from webapp.accounts.models import Team
from webapp.accounts.selectors import AnyUser, team_object_get, team_scope
from webapp.runs.models import Run, RunPrediction
from webapp.system.disk import DeletePlan, tree_size

ARTIFACT_KINDS = ("checkpoint", "onnx")


def _runs() -> QuerySet[Run]:
    return Run.objects.select_related("created_by", "dataset_version__dataset", "teacher")


def run_list(
    *, user: AnyUser, limit: int | None = None, status: str | None = None, version_ids: Sequence[int] | None = None
) -> QuerySet[Run]:
    """The jobs of the user's teams, newest first; only those in `status` or on the versions `version_ids`, if given."""
    runs = team_scope(_runs(), user=user)
    if status is not None:
        runs = runs.filter(status=status)
    if version_ids is not None:
        runs = runs.filter(dataset_version_id__in=version_ids)
    return runs[:limit] if limit else runs


def run_get(*, user: AnyUser, run_id: int) -> Run:
    """One job of the user's teams, or Http404."""
    return team_object_get(_runs(), user=user, pk=run_id)


def run_load(*, run_id: int) -> Run:
    """One job by id, for the worker (which acts for the team that queued it)."""
    return _runs().get(pk=run_id)


def run_load_or_none(*, run_id: int) -> Run | None:
    """One job by id for the worker, or None when it was deleted meanwhile."""
    return _runs().filter(pk=run_id).first()


def run_team_id(*, run_id: int) -> int | None:
    """The team owning a job, for the live consumer's permission check."""
    return Run.objects.filter(pk=run_id).values_list("team_id", flat=True).first()


def run_epochs(*, run: Run) -> list[dict[str, Any]]:
    """The stored epoch events of a job, in order: the curves so far."""
    return list(run.epochs.order_by("epoch").values_list("event", flat=True))


def run_queue_positions(*, user: AnyUser) -> dict[int, int]:
    """Queued job id → its place in its queue (1 = next) for the user's teams' jobs, oldest first.

    A place counts only the same team's jobs ahead of it: another team's jobs are none of its business (their count
    would tell how busy that team is), so place 1 means "your team's next", not "the Studio's next".
    """
    queued = team_scope(Run.objects.filter(status=Run.Status.QUEUED), user=user).order_by("id")
    seen: dict[tuple[int, str], int] = {}
    positions = {}
    for run_id, team_id, queue in queued.values_list("id", "team_id", "queue"):
        seen[team_id, queue] = seen.get((team_id, queue), 0) + 1
        positions[run_id] = seen[team_id, queue]
    return positions


def run_queue_list(*, user: AnyUser) -> list[tuple[Run, int | None]]:
    """The user's teams' active jobs in the order they run: running ones, then queued ones by place (1 = next)."""
    positions = run_queue_positions(user=user)
    rows = [(run, positions.get(run.pk)) for run in run_list(user=user).filter(status__in=Run.ACTIVE)]
    return sorted(rows, key=lambda row: (row[1] is not None, row[1] or 0, row[0].pk))


def run_queue_position(*, run: Run) -> int | None:
    """One queued job's place among its team's jobs in its queue (1 = next); None once it left the queue."""
    if run.status != Run.Status.QUEUED:
        return None
    ahead = Run.objects.filter(status=Run.Status.QUEUED, team_id=run.team_id, queue=run.queue, pk__lt=run.pk)
    return ahead.count() + 1


def run_teacher_choices(*, team: Team | None) -> QuerySet[Run]:
    """The team's finished jobs that trained from labels alone and left a checkpoint: what a student can learn from."""
    if team is None:
        return Run.objects.none()
    finished = _runs().filter(team=team, status=Run.Status.SUCCEEDED, teacher__isnull=True)
    return finished.exclude(checkpoint_path="")


def model_list(*, user: AnyUser) -> QuerySet[Run]:
    """Every trained checkpoint of the user's teams, newest first."""
    return run_list(user=user).filter(status=Run.Status.SUCCEEDED).exclude(checkpoint_path="")


def run_finished_on(*, user: AnyUser, version_id: int) -> QuerySet[Run]:
    """The user's teams' succeeded jobs evaluated on one dataset version, newest first, each annotated with
    `has_predictions` (per-face predictions stored: its confusion-matrix cells can list their faces)."""
    stored = Exists(RunPrediction.objects.filter(run=OuterRef("pk")))
    return (
        run_list(user=user)
        .filter(dataset_version_id=version_id, status=Run.Status.SUCCEEDED)
        .annotate(has_predictions=stored)
    )


def run_compare_list(*, user: AnyUser, run_ids: Sequence[int]) -> list[Run]:
    """The named jobs of the user's teams, in the order asked, with their epochs; unknown ids are left out."""
    runs = run_list(user=user).filter(pk__in=run_ids).prefetch_related("epochs")
    by_id = {run.pk: run for run in runs}
    return [by_id[run_id] for run_id in dict.fromkeys(run_ids) if run_id in by_id]


def run_artifact_path(*, run: Run, kind: str) -> Path:
    """The file of a job's checkpoint or ONNX export; Http404 when it has none (or it left the disk)."""
    relative = {"checkpoint": run.checkpoint_path, "onnx": run.onnx_path}.get(kind, "")
    path = Path(settings.MEDIA_ROOT) / relative
    if not relative or not path.is_file():
        raise Http404(f"Job #{run.pk} has no {kind} file.")
    return path


def run_disk_bytes(*, run: Run) -> int:
    """Bytes of a job's files on disk (its checkpoint and ONNX export; 0 before it made any)."""
    return tree_size(Path(settings.MEDIA_ROOT) / run.artifact_dir)


def _ids(label: str, pks: Sequence[int]) -> str:
    return f"{label} {', '.join(f'#{pk}' for pk in pks)}"


def run_delete_plan(*, run: Run) -> DeletePlan:
    """Whether a job can be deleted (finished, nobody distilled from it, no recording analysis used its model) and
    what goes with it."""
    blockers = []
    if run.is_active:
        blockers.append(f"Job #{run.pk} is {run.get_status_display().lower()}: cancel it first.")
    students = list(run.students.order_by("pk").values_list("pk", flat=True))
    if students:
        blockers.append(
            f"{_ids('Job' if len(students) == 1 else 'Jobs', students)} learned from it: delete them first."
        )
    analyses = list(run.analyses.order_by("pk").values_list("recording__name", flat=True))
    if analyses:
        names = ", ".join(dict.fromkeys(analyses))
        blockers.append(f"{len(analyses)} recording analys{'is' if len(analyses) == 1 else 'es'} used its model "
                        f"({names}): delete those recordings first.")  # fmt: skip
    files = run_disk_bytes(run=run)
    effects = [f"its checkpoint and ONNX export ({filesizeformat(files)})"] if files else []
    effects += [f"its curves ({run.epochs.count()} epochs) and the predictions behind its confusion matrices"]
    return DeletePlan(blockers=blockers, effects=effects, frees_bytes=files)
