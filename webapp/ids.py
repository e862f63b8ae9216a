"""Whole numbers from untrusted text (query strings, form fields, headers): the one parser every view uses.

`str.isdigit()` is true for "²" and "¹", which `int()` refuses, and `int()` takes numbers that neither SQLite nor
PostgreSQL can store or compare (`id IN (2**70)` raises OverflowError on SQLite). A value this module returns is
always usable in a query; anything else is None, which a caller treats like a missing parameter.
"""

from collections.abc import Iterable

# The largest BIGINT on SQLite and PostgreSQL: every primary key and every stored whole number fits.
MAX_INT = 2**63 - 1
_MAX_DIGITS = len(str(MAX_INT))


def int_parse(text: str | None, *, low: int = 0, high: int = MAX_INT) -> int | None:
    """`text` as a whole number in [low, high] written in ASCII digits, else None ("²", "-1", "1e3", " 7", 2**64)."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > _MAX_DIGITS:
        return None
    value = int(text)
    return value if low <= value <= high else None


def id_parse(text: str | None) -> int | None:
    """A database id (1 to MAX_INT) from text, else None."""
    return int_parse(text, low=1)


def id_list_parse(texts: Iterable[str]) -> list[int]:
    """The ids among `texts` (each stripped), in order and without repeats; the rest are dropped."""
    ids = (id_parse(text.strip()) for text in texts)
    return list(dict.fromkeys(value for value in ids if value is not None))


class IdConverter:
    """`<id:pk>` in URLs: at most 18 ASCII digits, so an id in a path never overflows a lookup (a longer one is a 404).

    Django's `<int:...>` takes any length, and a foreign-key lookup with 2**70 fails with OverflowError on SQLite.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
