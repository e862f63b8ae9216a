"""Live feed of one job: `/ws/runs/<id>/` carries `run.status`, `run.epoch` and throttled `run.progress`."""

from webapp import events
from webapp.consumers import TeamObjectConsumer
from webapp.runs import selectors


class RunEventsConsumer(TeamObjectConsumer):
    """Streams a job's events to members of its team."""

    kind = events.RUNS

    def team_id_of(self, object_id: int) -> int | None:
        return selectors.run_team_id(run_id=object_id)
