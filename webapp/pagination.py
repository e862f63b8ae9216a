"""`?limit=&offset=` paging for every API list that can grow long: bad values are refused, and the schema says so.

DRF's LimitOffsetPagination answers `?offset=null` or `?limit=-5` with its defaults, as if nothing had been asked, so
a client's typo passes unnoticed and the schema (a bare integer) promises nothing it keeps. Here a value outside the
bounds the schema states is a 400 that names the parameter, what it takes and what arrived.
"""

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from webapp.ids import MAX_INT, int_parse


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """A page of `limit` results (1 … max_limit, default default_limit) from `offset` (0 …), with the total `count`.

    Subclasses set `default_limit` and `max_limit`.
    """

    default_limit = 50
    max_limit = 500

    def get_limit(self, request: Request) -> int:
        return self._bounded(request, self.limit_query_param, low=1, high=self.max_limit, default=self.default_limit)

    def get_offset(self, request: Request) -> int:
        return self._bounded(request, self.offset_query_param, low=0, high=MAX_INT, default=0)

    def _bounded(self, request: Request, name: str, *, low: int, high: int, default: int) -> int:
        """The one value of `name` as a whole number in [low, high]; absent is `default`; anything else a 400."""
        texts = request.query_params.getlist(name)
        if not texts:
            return default
        value = int_parse(texts[0], low=low, high=high) if len(texts) == 1 else None
        if value is None:
            got = ", ".join(repr(text) for text in texts[:3])
            raise ValidationError({name: [f"Expected one whole number from {low} to {high}; got {got}."]})
        return value

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        stated = {
            self.limit_query_param: (
                {"type": "integer", "minimum": 1, "maximum": self.max_limit},
                f"Results per page: 1 to {self.max_limit} (default {self.default_limit}).",
            ),
            self.offset_query_param: (
                {"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_INT},
                "Index of the first result (default 0).",
            ),
        }
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"], parameter["description"] = stated[parameter["name"]]
        return parameters
