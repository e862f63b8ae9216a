"""Deleting a finished job: its row, curves and predictions, then its files once that has committed."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from webapp.runs.models import Run
from webapp.runs.selectors import run_delete_plan
from webapp.system.disk import tree_delete


@transaction.atomic
def run_delete(*, run: Run) -> int:
    """Delete a job and its files; returns the bytes that frees.

    Raises:
        ValidationError: while it runs or is queued, or while a student or a recording analysis needs it.
    """
    run = Run.objects.select_for_update().get(pk=run.pk)
    plan = run_delete_plan(run=run)
    if not plan.allowed:
        raise ValidationError(plan.blockers)
    folder = Path(settings.MEDIA_ROOT) / run.artifact_dir
    try:
        run.delete()
    except ProtectedError as error:  # a student or an analysis took it meanwhile
        raise ValidationError(f"Something started using job #{run.pk} meanwhile: look again.") from error
    transaction.on_commit(lambda: tree_delete(folder))
    return plan.frees_bytes
