"""Every live page follows its feed through `static/js/live_feed.js`, the one client that reconnects with back-off and
re-reads its object on every (re)connect; none opens a WebSocket of its own (tests/browser proves the reconnects)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(path for path in (ROOT / "static" / "js").glob("*.js") if path.name != "live_feed.js")
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
    loading = [path for path in (ROOT / "templates").rglob("*.html") if f"js/{script.name}" in path.read_text()]
    assert loading, f"no template loads {script.name}"
    for template in loading:
        names = re.findall(r"js/([\w]+\.js)", template.read_text())
        assert "live_feed.js" in names, f"{template.name} loads {script.name} without live_feed.js"
        assert names.index("live_feed.js") < names.index(script.name), template.name
