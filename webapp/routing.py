"""WebSocket URLs: `/ws/<kind>/<id>/`, one live feed per team-owned object."""

from django.urls import path

from webapp.datasets.consumers import DatasetImportEventsConsumer
from webapp.recordings.consumers import AnalysisEventsConsumer, RecordingEventsConsumer
from webapp.reviews.consumers import ScoringEventsConsumer
from webapp.runs.consumers import RunEventsConsumer
from webapp.system.consumers import PingEventsConsumer

websocket_urlpatterns = [
    path("ws/pings/<int:pk>/", PingEventsConsumer.as_asgi()),
    path("ws/runs/<int:pk>/", RunEventsConsumer.as_asgi()),
    path("ws/dataset-imports/<int:pk>/", DatasetImportEventsConsumer.as_asgi()),
    path("ws/recordings/<int:pk>/", RecordingEventsConsumer.as_asgi()),
    path("ws/analyses/<int:pk>/", AnalysisEventsConsumer.as_asgi()),
    path("ws/scorings/<int:pk>/", ScoringEventsConsumer.as_asgi()),
]
