"""Test speed-ups only: everything else is webapp.settings, read from the same environment.

The web server and worker that tests start as subprocesses use this module too (with DATABASE_URL and
REDIS_URL pointing at the test database and the test Redis), so passwords and sessions made in a test
are valid there.
"""

import socket

from webapp.settings import *  # noqa: F403
from webapp.settings import DATABASES, REDIS_EMBEDDED, VAR_DIR, channel_layers


def _free_port() -> int:
    """A port nothing listens on now, so a test run never collides with `./studio up` or another run."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SECRET_KEY = "tests-only-not-a-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # hashing speed, tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve static files without a collectstatic step

if REDIS_EMBEDDED:
    # The test session starts its own embedded Redis on this port (tests/stack.py).
    EMBEDDED_REDIS_PORT = _free_port()
    REDIS_URL = f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"
    CELERY_BROKER_URL = REDIS_URL
    CHANNEL_LAYERS = channel_layers(REDIS_URL)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the worker and web server started by the tests must open the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-studio.sqlite3")}
