"""Live feed of one ping: `/ws/pings/<id>/`."""

from webapp import events
from webapp.consumers import TeamObjectConsumer
from webapp.system import selectors


class PingEventsConsumer(TeamObjectConsumer):
    """Streams `ping.completed` to members of the ping's team."""

    kind = events.PINGS

    def team_id_of(self, object_id: int) -> int | None:
        return selectors.ping_team_id(ping_id=object_id)
