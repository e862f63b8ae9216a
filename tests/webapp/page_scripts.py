"""What the page scripts under static/js and the templates that load them must agree on."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "static" / "js"


def scripts_except(shared: str) -> list[Path]:
    """Every page script but the shared one `shared` (a file name under static/js)."""
    return sorted(path for path in JS.glob("*.js") if path.name != shared)


def assert_loaded_after(script: Path, shared: str) -> None:
    """Every template that loads `script` loads `shared` too, and before it (and there is such a template)."""
    loading = [path for path in (ROOT / "templates").rglob("*.html") if f"js/{script.name}" in path.read_text()]
    assert loading, f"no template loads {script.name}"
    for template in loading:
        names = re.findall(r"js/([\w]+\.js)", template.read_text())
        assert shared in names, f"{template.name} loads {script.name} without {shared}"
        assert names.index(shared) < names.index(script.name), template.name
