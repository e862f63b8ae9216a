"""How long ago, in words: "just now" under a minute (never "0 minutes ago"), then one unit."""

from datetime import datetime, timedelta

import pytest

from webapp.system.templatetags.studio_time import ago, seconds_ago

NOW = datetime(2025, 6, 1, 12, 0, 0)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "just now"),
        (59, "just now"),
        (60, "1\xa0minute ago"),
        (5 * 60 + 30, "5\xa0minutes ago"),
        (7300, "2\xa0hours ago"),
    ],
)
def test_it_says_how_long_ago_in_one_unit(seconds: int, words: str) -> None:
    assert ago(NOW - timedelta(seconds=seconds), NOW) == words


def test_it_shows_a_missing_moment_as_a_dash() -> None:
    assert ago(None) == "—"


@pytest.mark.parametrize(("seconds", "words"), [(0.2, "just now"), (0.6, "1 s ago"), (12, "12 s ago")])
def test_it_says_how_many_seconds_ago_a_worker_was_seen(seconds: float, words: str) -> None:
    assert seconds_ago(1000.0 - seconds, 1000.0) == words
