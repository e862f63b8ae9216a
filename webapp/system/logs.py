"""Logging filters that keep the Studio's log for people: an expected answer is not an error."""

import logging

HEALTHZ_PATH = "/healthz"


class HealthzProbeFilter(logging.Filter):
    """Django logs every 5xx answer as an ERROR. `/healthz` answers 503 on purpose until the database, Redis and a
    worker are up (every probe while `./studio up` starts, or while a worker is down): that is its answer to a monitor,
    not a fault, so its line is kept at INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if getattr(record, "status_code", None) == 503 and getattr(request, "path", "") == HEALTHZ_PATH:
            record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        return True
