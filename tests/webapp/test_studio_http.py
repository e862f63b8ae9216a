"""Every page script calls the API through `static/js/studio_http.js`, the one place that reads the CSRF token, sends
JSON and turns a DRF error body into words; no script keeps its own copy, and every template loads it first."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(path for path in (ROOT / "static" / "js").glob("*.js") if path.name != "studio_http.js")
USERS = [path for path in SCRIPTS if "StudioHttp" in path.read_text()]


def test_there_are_scripts_using_studio_http() -> None:
    assert {"datasets_upload.js", "recordings_api.js", "reviews_faces.js", "system_status.js"} <= {
        path.name for path in USERS
    }


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_no_script_reads_the_csrf_token_itself(script: Path) -> None:
    text = script.read_text()
    assert "function csrfToken" not in text
    assert "csrftoken" not in text  # the cookie
    assert "csrfmiddlewaretoken" not in text  # the form field
    for line in text.splitlines():
        if "X-CSRFToken" in line:  # an XMLHttpRequest upload (progress events) sets the header with StudioHttp's token
            assert "Http.csrfToken()" in line, line


@pytest.mark.parametrize("script", USERS, ids=lambda path: path.name)
def test_every_template_loading_a_user_loads_studio_http_first(script: Path) -> None:
    loading = [path for path in (ROOT / "templates").rglob("*.html") if f"js/{script.name}" in path.read_text()]
    assert loading, f"no template loads {script.name}"
    for template in loading:
        names = re.findall(r"js/([\w]+\.js)", template.read_text())
        assert "studio_http.js" in names, f"{template.name} loads {script.name} without studio_http.js"
        assert names.index("studio_http.js") < names.index(script.name), template.name
