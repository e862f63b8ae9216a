"""How the Studio runs its ASGI web server: one command line for `./studio up` and the live test stack alike."""

import sys

# On SIGTERM uvicorn stops listening, then by default waits for every open connection to end, for ever: one
# stalled upload or one request whose client stopped reading keeps the old server, and its port, alive, so a
# restart hangs. After this many seconds it cancels what is left (live pages reconnect by themselves). It stays
# below the supervisor's own stop timeout (20 s), after which a child is killed without cleaning up.
GRACEFUL_SHUTDOWN_S = 10


def uvicorn_argv(*, host: str, port: int, graceful_shutdown_s: int | None = GRACEFUL_SHUTDOWN_S) -> list[str]:
    """uvicorn serving `webapp.asgi:application` on `host:port`; `graceful_shutdown_s=None` waits for ever."""
    argv = [sys.executable, "-m", "uvicorn", "webapp.asgi:application", "--host", host, "--port", str(port)]
    argv += ["--lifespan", "off"]
    if graceful_shutdown_s is not None:
        argv += ["--timeout-graceful-shutdown", str(graceful_shutdown_s)]
    return argv
