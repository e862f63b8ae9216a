"""Every live page follows its feed through `static/js/live_feed.js`, the one client that reconnects with back-off and
re-reads its object on every (re)connect; none opens a WebSocket of its own (tests/browser proves the reconnects)."""

from pathlib import Path

import pytest

from tests.webapp.page_scripts import assert_loaded_after, scripts_except

SCRIPTS = scripts_except("live_feed.js")
LIVE = [path for path in SCRIPTS if "/ws/" in path.read_text()]


def test_there_are_live_pages_to_check() -> None:
    assert {"datasets_detail.js", "runs_detail.js", "recordings_detail.js"} <= {path.name for path in LIVE}


@pytest.mark.parametrize("script", LIVE, ids=lambda path: path.name)
def test_a_live_page_opens_its_feed_through_live_feed(script: Path) -> None:
    text = script.read_text()
    assert "LiveFeed.open" in text
    assert "new WebSocket" not in text


@pytest.mark.parametrize("script", LIVE, ids=lambda path: path.name)
def test_every_template_loading_a_live_page_loads_live_feed_first(script: Path) -> None:
    assert_loaded_after(script, "live_feed.js")
