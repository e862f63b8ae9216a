"""API-wide pieces: the exception handler (a service's ValidationError is a 400), id fields and the schema generator."""

from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from webapp.ids import MAX_INT


class BodyTooLarge(exceptions.APIException):
    """A non-upload body over DATA_UPLOAD_MAX_MEMORY_SIZE: a 413 in JSON, where Django alone answers an HTML 400."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, taught that services raise Django's ValidationError for bad input, and that Django refuses an
    oversized or malformed body with exceptions of its own (which it would answer with an HTML page)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, RequestDataTooBig):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        exc = BodyTooLarge(
            f"The request body is over {limit_mb:g} MB, the most the API reads outside file uploads. "
            "Send less data per request."
        )
    elif isinstance(exc, SuspiciousOperation):  # too many form fields or files, a malformed multipart body
        exc = exceptions.ParseError(str(exc) or "The request body could not be read.")
    return drf_exception_handler(exc, context)


# Every error body: {"detail": "..."} or a message list per field.
_ERROR_BODY = {"schema": {"type": "object", "additionalProperties": True}}


class QueryFilterSerializer(serializers.Serializer):
    """The filters of a GET in its query string. A blank value (`?status=`) is refused, not read as "no filter":
    DRF skips a blank optional query value silently, so a client's empty field would widen the list unnoticed."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        blank: list[str] = [name for name, _ in self.fields.items() if self.initial_data.get(name) == ""]
        if blank:
            raise exceptions.ValidationError({name: ["Give a value, or leave the parameter out."] for name in blank})
        return attrs


class IdField(serializers.IntegerField):
    """An id in a request body: 1 to MAX_INT, so the schema says so and no lookup overflows the database."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_INT, **kwargs)


class StatedRangeMixin:
    """A number whose range the schema states while a service judges it (kdcore, with its own words, every field at
    once): `low`/`high` become the schema's minimum/maximum and add no validator of their own. `low_exclusive` for a
    range open below, such as a learning rate in (0, 10]."""

    min_value: Any  # the number fields' own bounds, here read by drf-spectacular only
    max_value: Any

    def __init__(self, *, low: float, high: float, low_exclusive: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.min_value, self.max_value, self.low_exclusive = low, high, low_exclusive


class StatedRangeIntegerField(StatedRangeMixin, serializers.IntegerField):
    """A whole number whose range a service judges; see StatedRangeMixin."""


class StatedRangeFloatField(StatedRangeMixin, serializers.FloatField):
    """A number whose range a service judges; see StatedRangeMixin."""


class StatedRangeFieldExtension(OpenApiSerializerFieldExtension):
    """drf-spectacular's schema of a StatedRange field, plus `exclusiveMinimum` where its range is open below."""

    target_class = StatedRangeMixin
    match_subclasses = True

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if self.target.low_exclusive:
            schema["exclusiveMinimum"] = True
        return schema


class StudioAutoSchema(AutoSchema):
    """Names nested serializers after their API, so every `InputSerializer` / `OutputSerializer` is distinct.

    STYLE has each APIView nest its own serializers; drf-spectacular would otherwise name them all "Input"
    and "Output" and merge them in the schema. `PingCreateApi.InputSerializer` becomes `PingCreateInput`.
    """

    def get_serializer_name(self, serializer: serializers.BaseSerializer, direction: str) -> str:
        outer, _, inner = type(serializer).__qualname__.rpartition(".")
        return outer.removesuffix("Api") + inner if outer else inner

    def map_parsers(self) -> list[Any]:
        """Only JSON for a view that reads JSON. Such views still read a form (DRF's defaults), but a form cannot say
        null, so a schema offering one would promise bodies the view must refuse (`"null"` is not a number). Upload
        views name their own multipart parsers and keep them."""
        media_types: list[Any] = super().map_parsers()
        return ["application/json"] if "application/json" in media_types else media_types

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        """The view's own responses plus the errors every view can answer, so the schema lists each status code."""
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, description in self._error_codes():
            responses.setdefault(code, {"description": description, "content": {"application/json": _ERROR_BODY}})
        return responses

    def _error_codes(self) -> list[tuple[str, str]]:
        codes = []
        if not any(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            codes += [("401", "Not signed in (no or a bad token)"), ("403", "Signed in by session without CSRF token")]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += [("400", "Bad input: a message per field"), ("413", "Body too large"), ("415", "Unreadable body")]
        elif any(parameter["in"] == "query" for parameter in self._get_parameters()):
            codes.append(("400", "Bad query parameters: a message per parameter"))
        if "{" in self.path:
            codes.append(("404", "Nothing with that id in your teams"))
        return codes
