"""The typed environment helpers fail loudly instead of guessing; .env.example documents every variable."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from webapp.settings import env_bool, env_int, env_list, env_str


def test_it_reads_booleans_in_common_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_FLAG", "Yes")
    assert env_bool("STUDIO_FLAG", False) is True
    monkeypatch.setenv("STUDIO_FLAG", "off")
    assert env_bool("STUDIO_FLAG", True) is False


def test_it_refuses_an_unreadable_boolean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="STUDIO_FLAG must be one of"):
        env_bool("STUDIO_FLAG", False)


def test_it_refuses_a_non_integer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_NUMBER", "eight")
    with pytest.raises(ImproperlyConfigured, match="STUDIO_NUMBER must be an integer, got 'eight'"):
        env_int("STUDIO_NUMBER", 1)


def test_it_uses_defaults_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STUDIO_UNSET", raising=False)
    assert env_str("STUDIO_UNSET", "x") == "x"
    assert env_int("STUDIO_UNSET", 3) == 3
    assert env_list("STUDIO_UNSET", ["a"]) == ["a"]


def test_it_splits_lists_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_HOSTS", " a.example, ,b.example ")
    assert env_list("STUDIO_HOSTS", []) == ["a.example", "b.example"]


def test_it_lists_every_variable_settings_reads_in_env_example() -> None:
    root = Path(__file__).resolve().parents[2]
    read = set(re.findall(r'env_\w+\("([A-Z_]+)"', (root / "webapp" / "settings.py").read_text()))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (root / ".env.example").read_text(), flags=re.MULTILINE))
    assert read - documented == set()


def test_the_channel_layer_outwaits_its_own_blocking_reads() -> None:
    """An idle WebSocket must not die of a Redis read timeout: the socket waits longer than channels-redis blocks."""
    from channels_redis.core import RedisChannelLayer
    from django.conf import settings

    host = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]
    assert host["socket_timeout"] >= 3 * RedisChannelLayer.brpop_timeout
