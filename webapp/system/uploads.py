"""The upload size limit (`STUDIO_MAX_UPLOAD_MB`) of every upload (datasets, recordings), enforced twice with the same
readable message.

Under ASGI, Django spools a whole request body to disk before any view runs, so `RequestSizeLimit` wraps the ASGI
app and answers 413 before a byte of an oversized body is read. Views check again (`upload_size_check`), which is
what a test client or a WSGI deployment meets.
"""

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework import status
from rest_framework.exceptions import APIException

# Shaped as django-stubs type Django's ASGIHandler, the app this wraps: a dict scope, read-only messages.
Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_MB = 1024 * 1024
_FORM_SLACK = _MB  # multipart boundaries and the small fields beside the file


class UploadTooLarge(APIException):
    """An upload over the limit: HTTP 413 with a message that names the limit and how to raise it."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "upload_too_large"


def upload_limit_bytes() -> int:
    """The largest request body accepted: the upload limit plus room for the form's other fields."""
    return settings.STUDIO_MAX_UPLOAD_MB * _MB + _FORM_SLACK


def too_large_message(length: int, *, at_least: bool = False) -> str:
    """What a user reads when their upload is refused for its size (`at_least`: it was cut off, not measured)."""
    size = f"{'at least ' if at_least else ''}{length / _MB:,.1f} MB"
    return (
        f"The upload is {size}; the limit is {settings.STUDIO_MAX_UPLOAD_MB:,} MB. "
        "Upload a smaller file, or ask an administrator to raise STUDIO_MAX_UPLOAD_MB."
    )


def request_too_large(request: HttpRequest) -> str | None:
    """The refusal message when the request's declared body is over the limit, else None."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return too_large_message(length) if length > upload_limit_bytes() else None


def upload_size_check(request: HttpRequest) -> None:
    """Raise `UploadTooLarge` (a 413 in the API) before the body is parsed."""
    message = request_too_large(request)
    if message is not None:
        raise UploadTooLarge(message)


class RequestSizeLimit:
    """ASGI middleware: refuse HTTP requests whose Content-Length is over the limit, before reading their body.

    A body without Content-Length (chunked) is counted as it arrives and cut off at the limit; Django then sees a
    disconnect and this middleware sends the 413.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = upload_limit_bytes()
        length = _content_length(scope)
        if length is not None and length > limit:
            await _refuse(send, length)
            return
        counter = _BodyCounter(receive, limit)
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        await self.app(scope, counter.receive, tracked_send)
        if counter.exceeded and not started:
            await _refuse(send, counter.received, at_least=True)


class _BodyCounter:
    def __init__(self, receive: Receive, limit: int) -> None:
        self._receive, self.limit = receive, limit
        self.received, self.exceeded = 0, False

    async def receive(self) -> Message:
        if self.exceeded:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                self.exceeded = True
                return {"type": "http.disconnect"}
        return message


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, length: int, *, at_least: bool = False) -> None:
    body = json.dumps({"detail": too_large_message(length, at_least=at_least)}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": [*headers, (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
