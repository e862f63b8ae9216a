"""A bounded Schemathesis pass over the API's own OpenAPI schema (/api/schema/), in-process through the WSGI app.

Every operation gets the same fixed, derandomized examples on every run, signed in as alice (token header), with every
Schemathesis check: no 500, status codes and bodies as the schema says, schema-valid requests accepted and invalid ones
refused. Excluded (Schemathesis cannot drive them meaningfully):
- the upload bodies (`POST /api/datasets/upload/`, `/api/datasets/{id}/upload/`, `/api/recordings/upload/`, and the
  raw chunks of `PUT /api/recordings/uploads/{id}/chunk/`): random bytes are never a face archive or a video, so each
  case would test only the first refusal;
- `POST /api/auth/token/`: every attempt counts towards the sign-in throttles, so after ten the rest are 429s.
Where a refusal depends on data or on rules between fields that no schema states, Schemathesis is told so for that
operation and that check alone (REFUSED_BY_RULES, REFUSED_AS_TOO_LARGE, each with its reason); nothing is marked xfail.
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
from schemathesis.config import SchemathesisConfig

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


# What a schema cannot state, told to Schemathesis precisely: per operation, for one check, the one status that also
# answers there, and why. Every other check (no 500, documented codes and bodies) still runs on them unchanged.
#
# `positive_data_acceptance` may also see a 400: schema-valid bodies that a rule outside the schema refuses, with a
# message naming the field.
REFUSED_BY_RULES = {
    # Which team ids are yours is data, not schema: any other is "You are not a member of team N."
    ("POST", "/api/pings/create/"): "`team`: a team you are not in",
    # The same for `team`; and the file's extension, which the service reads from the lower-cased name's suffix
    # (`formats.extension_check`): a flagless JSON Schema pattern cannot say the same. The description lists them.
    ("POST", "/api/recordings/uploads/"): "`team`: a team you are not in; `original_name`: not a video or photo",
    # The ids of another team's dataset version or teacher; and kdcore's rules between fields, which a schema of
    # independent properties cannot state: `width_mult` for the any-width model only (and required by it), T and α
    # with a teacher only.
    ("POST", "/api/runs/create/"): "ids of another team; kdcore's rules between fields (width_mult, T, α)",
}
# `negative_data_rejection` may also see a 413: a value over a size limit is refused as too large.
REFUSED_AS_TOO_LARGE = {
    ("POST", "/api/recordings/uploads/"): "`size_bytes` over STUDIO_MAX_UPLOAD_MB (the schema's maximum), as the file",
}


def _config() -> SchemathesisConfig:
    defaults = SchemathesisConfig().projects.default.checks
    told: dict[tuple[str, str], dict[str, Any]] = {}
    for check, operations, status in (
        ("positive_data_acceptance", REFUSED_BY_RULES, "400"),
        ("negative_data_rejection", REFUSED_AS_TOO_LARGE, "413"),
    ):
        statuses = [*getattr(defaults, check).expected_statuses, status]
        for operation in operations:
            told.setdefault(operation, {})[check] = {"expected-statuses": statuses}
    operations = [{"include-name": f"{method} {path}", "checks": checks} for (method, path), checks in told.items()]
    return SchemathesisConfig.from_dict({"operations": operations})


def _schema() -> Any:
    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True), config=_config())
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


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
def test_the_api_does_what_its_schema_says(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {token}"})


def test_every_operation_told_about_is_one_that_runs() -> None:
    """An operation renamed or excluded would leave its allowance behind, unnoticed."""
    running = {(method.upper(), path) for path, methods in schema.raw_schema["paths"].items() for method in methods}
    assert set(REFUSED_BY_RULES) | set(REFUSED_AS_TOO_LARGE) <= running - EXCLUDED
