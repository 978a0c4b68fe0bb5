"""Partial ISO dates (YYYY, YYYY-MM, YYYY-MM-DD) and the window each one covers."""

from __future__ import annotations

import calendar
import re
from datetime import date

PRECISIONS = ("day", "month", "year", "unknown")
_SHAPES = {
    "day": (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), "YYYY-MM-DD"),
    "month": (re.compile(r"(\d{4})-(\d{2})"), "YYYY-MM"),
    "year": (re.compile(r"(\d{4})"), "YYYY"),
}


def precision_of(text: str) -> str | None:
    """The precision a partial date is written at, or None if it is not one."""
    for precision, (pattern, _) in _SHAPES.items():
        if pattern.fullmatch(text):
            return precision
    return None


def window(text: str, precision: str) -> tuple[date, date]:
    """First and last day covered by ``text`` written at ``precision``.

    Raises ValueError with a reader-facing reason (what was expected) when the text is
    not a real date at that precision.
    """
    if precision not in _SHAPES:
        raise ValueError(f"precision '{precision}' has no date window (expected one of day, month, year)")
    pattern, shape = _SHAPES[precision]
    match = pattern.fullmatch(text)
    if not match:
        written = precision_of(text)
        if written:
            raise ValueError(
                f"'{text}' is written to the {written} but precision says {precision} (expected {shape})"
            )
        raise ValueError(f"'{text}' is not a date (expected {shape})")
    year = int(match.group(1))
    if precision == "year":
        return date(year, 1, 1), date(year, 12, 31)
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' has month {month:02d} (expected 01-12)")
    last = calendar.monthrange(year, month)[1]
    if precision == "month":
        return date(year, month, 1), date(year, month, last)
    day = int(match.group(3))
    if not 1 <= day <= last:
        raise ValueError(f"'{text}' has day {day:02d} (expected 01-{last} for {year}-{month:02d})")
    return date(year, month, day), date(year, month, day)


def year_window(start: int, end: int) -> tuple[date, date]:
    return date(start, 1, 1), date(end, 12, 31)
