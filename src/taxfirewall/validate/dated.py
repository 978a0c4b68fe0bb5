"""A date written to a stated precision: the check every dated column shares."""

from __future__ import annotations

from .. import dates
from ..errors import Problem
from ..missing import present


def written_date_problems(file: str, row: int, column: str, text, precision) -> list[Problem]:
    """A date that must be given because its precision is known, written to that precision."""
    if not present(text):
        return [
            Problem(
                file,
                row,
                column,
                f"is empty but precision is {precision} (expected a date, or precision unknown)",
            )
        ]
    return window_problems(file, row, column, text, precision)


def window_problems(file: str, row: int, column: str, text, precision) -> list[Problem]:
    """The date's text read at its precision (a real day, month or year), or why it cannot be."""
    try:
        dates.window(str(text), str(precision))
    except ValueError as exc:
        return [Problem(file, row, column, str(exc))]
    return []
