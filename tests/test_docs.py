"""The README and `.env.example` say what the code does: the settings it reads and the choices the job form offers."""

import re
from pathlib import Path

from webapp.runs.configs import INPUT_SIZE_CHOICES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
SETTINGS = (ROOT / "webapp" / "settings.py").read_text()


def _read_by_settings() -> set[str]:
    return set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]+)"', SETTINGS))


def _configuration_table() -> str:
    return README.split("## Configuration", 1)[1].split("\n## ", 1)[0]


def test_every_variable_the_settings_read_is_in_env_example() -> None:
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE, flags=re.MULTILINE))
    assert _read_by_settings() - listed == set()


def test_the_readmes_configuration_table_names_real_variables_including_where_data_lives() -> None:
    named = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", _configuration_table()))
    assert named - _read_by_settings() == set()
    assert {"STUDIO_VAR_DIR", "STUDIO_REDIS_PORT", "STUDIO_UPLOAD_CHUNK_MB"} <= named


def test_the_readme_lists_the_input_sizes_the_job_form_offers() -> None:
    sizes = "/".join(str(size) for size, _ in INPUT_SIZE_CHOICES)
    assert f"input size {sizes}," in README
