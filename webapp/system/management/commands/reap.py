"""`manage.py reap`: fail running work (jobs, imports, analyses, …) whose worker stopped responding, and send again
queued work whose message the broker lost, every few seconds, until stopped.

`./studio up` runs it beside the web server, so any task is failed within a minute of its worker dying even when
nobody has the Studio open; on other deployments run it once per web host (it is idempotent). Every kind of task
registers its lifecycle (`webapp.system.lifecycle.register`); this loop reaps them all.
"""

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from webapp.system import lifecycle

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Fail running tasks whose worker stopped responding, re-send lost queued ones; --once for a single pass."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=settings.TASK_REAP_SECONDS, help="seconds between passes")
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--resend-after", type=float, default=settings.TASK_RESEND_SECONDS,
            help="seconds a task stays queued before its lost message is sent again",
        )  # fmt: skip

    def handle(self, *args: Any, every: float, once: bool, resend_after: float, **options: Any) -> None:
        while True:
            self._pass(resend_after)
            if once:
                return
            time.sleep(every)

    def _pass(self, resend_after: float) -> None:
        """One pass; a database or Redis outage is logged and retried next time, never fatal to `studio up`."""
        try:
            for noun, pk in lifecycle.reap_all():
                self.stdout.write(f"{noun} #{pk} failed: its worker stopped responding")
            for noun, pk in lifecycle.resend_all(after=resend_after):
                self.stdout.write(f"{noun} #{pk} sent again: its queued message was lost")
        except Exception as error:
            logger.warning("reaping stalled tasks failed, will retry: %s", error)
