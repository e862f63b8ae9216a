"""`manage.py reap_runs`: fail running jobs and dataset imports whose worker stopped responding, every few
seconds, until stopped.

`./studio up` runs it beside the web server, so a job or an import is failed within a minute of its worker dying
even when nobody has the Studio open; on other deployments run it once per web host (it is idempotent).
"""

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from webapp.datasets import services as dataset_services
from webapp.runs import services

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Fail running jobs and imports whose worker stopped responding; --once for a single pass."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=settings.RUN_REAP_SECONDS, help="seconds between passes")
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args: Any, every: float, once: bool, **options: Any) -> None:
        while True:
            self._pass()
            if once:
                return
            time.sleep(every)

    def _pass(self) -> None:
        """One pass; a database or Redis outage is logged and retried next time, never fatal to `studio up`."""
        try:
            for run_id in services.run_reap_stale():
                self.stdout.write(f"job #{run_id} failed: its worker stopped responding")
            for import_id in dataset_services.dataset_import_reap_stale():
                self.stdout.write(f"import #{import_id} failed: its worker stopped responding")
        except Exception as error:
            logger.warning("reaping stalled jobs or imports failed, will retry: %s", error)
