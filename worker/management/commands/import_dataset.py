"""`python manage.py import_dataset PATH --team NAME [--name NAME]`: import a file now, in this process.

Runs exactly what the worker's task runs (`worker.datasets.import_run`), after the same upload checks as the web
page, so a dataset imported here is indistinguishable from an uploaded one. A dataset of that name in the team
gets a new version; otherwise one is created.
"""

import logging
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from webapp.accounts.models import Team
from webapp.datasets import selectors, services
from webapp.datasets.models import DatasetImport
from webapp.redis_client import redis_client
from worker.datasets import DatasetImportError, import_run


def _dataset_name(path: Path) -> str:
    """`fer2013.tar.xz` → `fer2013`."""
    name = path.name
    for suffix in (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".tar", ".csv"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


class Command(BaseCommand):
    help = "Import a FER2013 CSV, or a zip/tar of emotion folders or RAF-DB, as a dataset version of a team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the .csv, .zip or .tar(.gz/.bz2/.xz) to import")
        parser.add_argument("--team", required=True, help="name of the team that owns the dataset")
        parser.add_argument("--name", help="dataset name (default: the file name without extensions)")
        parser.add_argument("--image-size", type=int, default=48, help="side of the stored faces (default 48)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        team = self._team(options["team"])
        self._check_live_updates()
        started = time.perf_counter()
        dataset_import = self._create(path, team, options["name"] or _dataset_name(path), options["image_size"])
        try:
            version = import_run(dataset_import.pk, echo=self._echo)
        except DatasetImportError as error:
            raise CommandError(f"import #{dataset_import.pk} failed: {error}") from None
        if version is None:
            raise CommandError(f"import #{dataset_import.pk} had already ended")
        self._report(dataset_import.pk, time.perf_counter() - started)

    def _team(self, name: str) -> Team:
        try:
            return selectors.team_get_by_name(name=name)
        except Team.DoesNotExist:
            raise CommandError(f"no team is named {name!r}") from None
        except Team.MultipleObjectsReturned:
            raise CommandError(f"several teams are named {name!r}; rename one in /admin/") from None

    @transaction.atomic
    def _create(self, path: Path, team: Team, name: str, image_size: int) -> DatasetImport:
        try:
            with path.open("rb") as handle:
                upload = File(handle, name=path.name)
                dataset = selectors.dataset_find(team=team, name=name) or services.dataset_create(
                    team=team, user=None, name=name
                )
                return services.dataset_import_create(
                    dataset=dataset, user=None, upload=upload, image_size=image_size, enqueue=False
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

    def _check_live_updates(self) -> None:
        """Without Redis nobody can watch live; say so once instead of logging every progress event that fails."""
        try:
            redis_client().ping()
        except Exception as error:  # redis-py raises several families; all mean "not reachable"
            self.stdout.write(f"Redis is not reachable ({error}): importing without live updates.")
            logging.getLogger("django.db.backends.base").setLevel(logging.CRITICAL)

    def _echo(self, fraction: float, message: str) -> None:
        self.stdout.write(f"{100 * fraction:5.1f}%  {message}")

    def _report(self, import_id: int, seconds: float) -> None:
        dataset_import = selectors.dataset_import_get_for_worker(import_id=import_id)
        version = dataset_import.version
        assert version is not None
        rate = version.item_count / seconds if seconds else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {version.item_count:,} faces into {dataset_import.dataset.name} {version.label} "
                f"in {seconds:.1f} s ({rate:,.0f} images/s); {dataset_import.skipped_count:,} files skipped."
            )
        )
        self.stdout.write(f"Version id {version.pk}, fingerprint {version.fingerprint}")
