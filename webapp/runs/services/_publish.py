"""Live status events, sent only once the change they describe is committed."""

from django.db import transaction

from webapp import events
from webapp.runs.models import Run
from webapp.runs.serializers import run_payload


def publish_status(run: Run) -> None:
    """Tell everyone watching the job about its new state, once the change is committed."""
    payload = run_payload(run)
    transaction.on_commit(lambda: events.publish_run_status(run_id=run.pk, data=payload))
