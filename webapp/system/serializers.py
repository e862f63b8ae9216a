"""The JSON shape of a ping, shared by its API and its `ping.completed` live event."""

from typing import Any

from rest_framework import serializers

from webapp.system.models import Ping


class PingSerializer(serializers.Serializer):
    """A ping: queued by the web app, answered by a worker."""

    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    status = serializers.ChoiceField(choices=Ping.Status.choices)
    worker_hostname = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    round_trip_ms = serializers.IntegerField(allow_null=True)


def ping_payload(ping: Ping) -> dict[str, Any]:
    """A ping as plain JSON-ready data."""
    return dict(PingSerializer(ping).data)
