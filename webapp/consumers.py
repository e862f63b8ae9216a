"""The one live-update consumer pattern: authenticate, check the team, join the object's group, forward.

A feature subclasses `TeamObjectConsumer`, names its `kind` (from `webapp.events`) and says which team
owns an object id; routing maps `/ws/<kind>/<id>/` to it. Consumers hold no other logic.
"""

from typing import Any, ClassVar

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from webapp import events
from webapp.accounts import selectors

# Close codes a browser can tell apart (a WebSocket close before accept reaches it as a refused handshake).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class TeamObjectConsumer(AsyncJsonWebsocketConsumer):
    """Streams the live events of one team-owned object to members of its team, and nobody else."""

    kind: ClassVar[str]
    group: str | None = None

    def team_id_of(self, object_id: int) -> int | None:
        """The team owning `object_id`, or None when there is no such object (runs in a DB thread)."""
        raise NotImplementedError

    async def connect(self) -> None:
        user = self.scope.get("user")
        object_id = int(self.scope["url_route"]["kwargs"]["pk"])
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await self._may_watch(user, object_id):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = events.group_name(self.kind, object_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Feeds are one-way: whatever the browser sends is ignored."""

    async def live_event(self, message: dict[str, Any]) -> None:
        """Forward one published event (`webapp.events.publish`) as JSON."""
        await self.send_json({"event": message["event"], "data": message["data"]})

    @database_sync_to_async
    def _may_watch(self, user: Any, object_id: int) -> bool:
        team_id = self.team_id_of(object_id)
        return team_id is not None and selectors.user_is_member(user=user, team_id=team_id)
