"""Live feed of a label-quality job: `/ws/scorings/<id>/` carries `scoring.status` (progress, then the outcome)."""

from webapp import events
from webapp.consumers import TeamObjectConsumer
from webapp.reviews import selectors


class ScoringEventsConsumer(TeamObjectConsumer):
    """Streams a label-quality job's progress to members of its team."""

    kind = events.SCORINGS

    def team_id_of(self, object_id: int) -> int | None:
        return selectors.scoring_team_id(scoring_id=object_id)
