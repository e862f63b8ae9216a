"""Reads of the dashboard: one team at a glance, across datasets and jobs (above every app, so it may read them all)."""

from dataclasses import dataclass, field

from webapp.accounts.models import Team
from webapp.accounts.selectors import AnyUser, team_scope
from webapp.datasets import selectors as dataset_selectors
from webapp.datasets.models import Dataset, DatasetVersion
from webapp.runs import selectors as run_selectors
from webapp.runs.models import Run


@dataclass(frozen=True)
class TeamSummary:
    """What the dashboard shows of one team: how much it has, and its latest jobs and datasets."""

    team: Team | None
    dataset_count: int = 0
    version_count: int = 0
    job_count: int = 0
    active_job_count: int = 0
    model_count: int = 0
    latest_jobs: list[Run] = field(default_factory=list)
    latest_datasets: list[Dataset] = field(default_factory=list)


def team_summary(*, user: AnyUser, team: Team | None, limit: int = 5) -> TeamSummary:
    """Counts and the newest jobs and datasets of `team`, read through `team_scope` (nothing unless `user` is in it).

    A handful of small queries: the dashboard asks again every few seconds while it is open.
    """
    if team is None:
        return TeamSummary(team=None)
    runs = run_selectors.run_list(user=user).filter(team=team)
    datasets = dataset_selectors.dataset_list(user=user).filter(team=team)
    return TeamSummary(
        team=team,
        dataset_count=datasets.count(),
        version_count=team_scope(DatasetVersion.objects.filter(team=team), user=user).count(),
        job_count=runs.count(),
        active_job_count=runs.filter(status__in=Run.ACTIVE).count(),
        model_count=run_selectors.model_list(user=user).filter(team=team).count(),
        latest_jobs=list(runs[:limit]),
        latest_datasets=list(datasets[:limit]),
    )
