"""API-wide pieces: the exception handler (a service's ValidationError is a 400) and the schema generator."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, taught that services raise Django's ValidationError for bad input."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    return drf_exception_handler(exc, context)


class ListPagination(LimitOffsetPagination):
    """`?limit=&offset=` paging with a count (`{"count", "next", "previous", "results"}`), for every list that can
    grow long: datasets, jobs."""

    default_limit = 50
    max_limit = 500


class StudioAutoSchema(AutoSchema):
    """Names nested serializers after their API, so every `InputSerializer` / `OutputSerializer` is distinct.

    STYLE has each APIView nest its own serializers; drf-spectacular would otherwise name them all "Input"
    and "Output" and merge them in the schema. `PingCreateApi.InputSerializer` becomes `PingCreateInput`.
    """

    def get_serializer_name(self, serializer: serializers.BaseSerializer, direction: str) -> str:
        outer, _, inner = type(serializer).__qualname__.rpartition(".")
        return outer.removesuffix("Api") + inner if outer else inner
