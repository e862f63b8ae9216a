"""Template filters for the numbers jobs report."""

from django import template

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """0.7123 → "71.2%"; None → "—"."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def duration(seconds: float | None) -> str:
    """Seconds as "1 h 02 min", "3 min 05 s" or "12 s"; None → "—"."""
    if seconds is None:
        return "—"
    total = round(float(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


@register.filter
def count(value: int | None) -> str:
    """1257991 → "1,257,991"; None → "—"."""
    return "—" if value is None else f"{int(value):,}"
