"""A bounded Schemathesis pass over the API's own OpenAPI schema (/api/schema/), in-process through the WSGI app.

Every operation gets the same fixed, derandomized examples on every run, signed in as alice (token header), with every
Schemathesis check: no 500, status codes and bodies as the schema says, schema-valid requests accepted and invalid ones
refused. Excluded (Schemathesis cannot drive them meaningfully):
- the upload bodies (`POST /api/datasets/upload/`, `/api/datasets/{id}/upload/`, `/api/recordings/upload/`, and the
  raw chunks of `PUT /api/recordings/uploads/{id}/chunk/`): random bytes are never a face archive or a video, so each
  case would test only the first refusal;
- `POST /api/auth/token/`: every attempt counts towards the sign-in throttles, so after ten the rest are 429s.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings

from webapp.accounts.models import User
from webapp.accounts.services import api_token_create

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXCLUDED = {
    ("POST", "/api/datasets/upload/"),
    ("POST", "/api/datasets/{id}/upload/"),
    ("POST", "/api/recordings/upload/"),
    ("PUT", "/api/recordings/uploads/{id}/chunk/"),
    ("POST", "/api/auth/token/"),
}


def _schema() -> Any:
    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


# Not yet true to their schema: each still fails a check, named here; strict, so a fix shows as XPASS and must remove
# its line. Excluding them would hide them; these are the work left (docs/reliability.md, "Inputs").
STILL_FAILING = {
    ("POST", "/api/pings/create/"): "ST202: a team id you are not in is a 400; the schema cannot say which ids",
    ("POST", "/api/recordings/uploads/"): "ST202: a team or job of another team is a 400",
    ("POST", "/api/runs/create/"): "ST202: kdcore's rules between fields (T and α ranges, width only for any width)",
}


@pytest.fixture(autouse=True)
def _one_connection() -> Iterator[None]:
    """Django closes the database connection after each request; in a test it is the test's own (as in Client)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(alice: User) -> str:
    return api_token_create(user=alice)[1]


@schema.exclude(func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in EXCLUDED).parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
def test_the_api_does_what_its_schema_says(case: Any, token: str, request: pytest.FixtureRequest) -> None:
    reason = STILL_FAILING.get((case.operation.method.upper(), case.operation.path))
    if reason is not None:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    case.call_and_validate(headers={"Authorization": f"Token {token}"})
