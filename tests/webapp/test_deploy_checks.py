"""HTTPS deployments: one setting (STUDIO_HTTPS) turns on HSTS, the redirect and Secure cookies, and then Django's
`check --deploy` finds nothing; the Content-Security-Policy is on by default."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
_SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "'upgrade-insecure-requests' in s.STUDIO_CSP_POLICY)"
)


def _deployed(tmp_path: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "webapp.settings",
        "STUDIO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "studio.example.org",
        "DJANGO_DEBUG": "false",
        **env,
    }
    return subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_check_deploy_is_clean_with_studio_https(tmp_path: Path) -> None:
    result = _deployed(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "DEBUG", STUDIO_HTTPS="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_check_deploy_names_what_is_missing_without_it(tmp_path: Path) -> None:
    result = _deployed(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # HSTS


@pytest.mark.slow
@pytest.mark.parametrize(
    ("https", "shown"), [("true", "31536000 True True True True"), ("false", "0 False False False False")]
)
def test_studio_https_is_the_one_switch(tmp_path: Path, https: str, shown: str) -> None:
    result = _deployed(tmp_path, "-c", _SHOW, STUDIO_HTTPS=https)
    assert result.stdout.strip() == shown, result.stderr


def test_every_page_carries_the_content_security_policy(alice_client: Client) -> None:
    policy = alice_client.get("/jobs/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "'self'" in Client().get("/login/")["Content-Security-Policy"]
