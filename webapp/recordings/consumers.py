"""Live feeds: `/ws/recordings/<id>/` (preparation) and `/ws/analyses/<id>/` (status, progress and frame rows)."""

from webapp import events
from webapp.consumers import TeamObjectConsumer
from webapp.recordings import selectors


class RecordingEventsConsumer(TeamObjectConsumer):
    """Streams a recording's preparation to members of its team."""

    kind = events.RECORDINGS

    def team_id_of(self, object_id: int) -> int | None:
        return selectors.recording_team_id(recording_id=object_id)


class AnalysisEventsConsumer(TeamObjectConsumer):
    """Streams an analysis's status and classified rows to members of its team."""

    kind = events.ANALYSES

    def team_id_of(self, object_id: int) -> int | None:
        return selectors.analysis_team_id(analysis_id=object_id)
