"""The jobs pages' number filters show a missing number as "—" instead of failing the page."""

import pytest

from webapp.runs.templatetags.runs_format import count, duration, percent


@pytest.mark.parametrize("missing", [None, ""])
def test_a_missing_number_shows_as_a_dash(missing: object) -> None:
    assert percent(missing) == duration(missing) == count(missing) == "—"


def test_numbers_read_as_people_write_them() -> None:
    assert percent(0.7123) == "71.2%"
    assert duration(3725) == "1 h 02 min"
    assert duration(185) == "3 min 05 s"
    assert count(1257991) == "1,257,991"
