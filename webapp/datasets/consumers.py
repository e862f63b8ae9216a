"""Live feed of one dataset import: `/ws/dataset-imports/<id>/`."""

from webapp import events
from webapp.consumers import TeamObjectConsumer
from webapp.datasets import selectors


class DatasetImportEventsConsumer(TeamObjectConsumer):
    """Streams `dataset_import.updated` (progress, outcome) to members of the import's team."""

    kind = events.DATASET_IMPORTS

    def team_id_of(self, object_id: int) -> int | None:
        return selectors.dataset_import_team_id(import_id=object_id)
