"""Template filters for the numbers jobs report.

A number may be missing: None, or "" where a template looked up a key the metrics do not have (a dataset without
a test split has no `metrics.test`); every filter shows a missing number as "—".
"""

from typing import TYPE_CHECKING, Any, Literal

from django import template

if TYPE_CHECKING:
    from typing_extensions import TypeIs  # typing has it from Python 3.13

register = template.Library()


def _missing(value: Any) -> "TypeIs[Literal[''] | None]":
    return value is None or value == ""


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """0.7123 → "71.2%"; missing → "—"."""
    if _missing(value):
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def percent_points(value: float | None, digits: int = 1) -> str:
    """A difference of two accuracies: 0.012 → "1.2 pt"; missing → "—"."""
    if _missing(value):
        return "—"
    return f"{float(value) * 100:.{int(digits)}f} pt"


@register.filter
def duration(seconds: float | None) -> str:
    """Seconds as "1 h 02 min", "3 min 05 s" or "12 s"; missing → "—"."""
    if _missing(seconds):
        return "—"
    total = round(float(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


@register.filter
def count(value: int | None) -> str:
    """1257991 → "1,257,991"; missing → "—"."""
    return "—" if _missing(value) else f"{int(value):,}"
