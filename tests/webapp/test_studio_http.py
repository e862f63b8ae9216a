"""Every page script calls the API through `static/js/studio_http.js`, the one place that reads the CSRF token, sends
JSON and turns a DRF error body into words; no script keeps its own copy, and every template loads it first."""

from pathlib import Path

import pytest

from tests.webapp.page_scripts import assert_loaded_after, scripts_except

SCRIPTS = scripts_except("studio_http.js")
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
    assert_loaded_after(script, "studio_http.js")
