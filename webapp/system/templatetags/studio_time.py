"""Template filters for how long ago something happened, worded the same on every page (and by the pages' JS).

Django's `timesince` says "0 minutes" for anything under a minute; people say "just now".
"""

import time
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()

JUST_NOW_SECONDS = 60


@register.filter
def ago(value: datetime | None, now: datetime | None = None) -> str:
    """A moment as "just now", "5 minutes ago", "2 hours ago" (one unit: the page is read at a glance); None → "—"."""
    if value is None:
        return "—"
    now = now or timezone.now()
    if (now - value).total_seconds() < JUST_NOW_SECONDS:
        return "just now"
    return f"{timesince(value, now, depth=1)} ago"


@register.filter
def seconds_ago(timestamp: float | None, now: float | None = None) -> str:
    """A Unix time a few seconds back (a worker's last heartbeat) as "just now" or "4 s ago"."""
    if timestamp is None:
        return "—"
    seconds = max(0, round((now or time.time()) - timestamp))
    return "just now" if seconds < 1 else f"{seconds} s ago"
