"""Rules and warnings for ``events.csv``: dates against their precision, sources cited,
unconfirmed key moments, and events after the as-of date."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .. import asof, dates, verification
from ..errors import Problem
from ..missing import present
from .dated import written_date_problems


def event_problems(path: dict[str, str], events: pd.DataFrame, sources) -> list[Problem]:
    file = path["events"]
    problems = [] if len(events) else [Problem(file, 0, "-", "has no events (expected at least one row)")]
    source_ids = set(sources["source_id"].dropna()) if sources is not None else None
    for row, r in events.iterrows():
        problems += _event_date(file, row, r)
        if source_ids is not None and present(r.get("source_ids")):
            for sid in (s.strip() for s in str(r["source_ids"]).split(";")):
                if sid and sid not in source_ids:
                    problems.append(
                        Problem(
                            file,
                            row,
                            "source_ids",
                            f"'{sid}' is not a source_id in {path['sources']} (expected ids listed there, separated by ';')",
                        )
                    )
    return problems


def _event_date(file: str, row: int, r) -> list[Problem]:
    precision, start, end = r.get("date_precision"), r.get("window_start"), r.get("window_end")
    if not present(precision):
        return []
    if precision == "unknown":
        return _unknown_date(file, row, r.get("date"), start, end)
    if present(start) or present(end):
        return [
            Problem(
                file,
                row,
                "window_start",
                f"is set but precision is {precision} (expected window_start and window_end only for unknown dates)",
            )
        ]
    return written_date_problems(file, row, "date", r.get("date"), precision)


def _unknown_date(file: str, row: int, text, start, end) -> list[Problem]:
    """An event whose date was not found: no date, and the window of years it can fall in."""
    out = []
    if present(text):
        out.append(
            Problem(
                file,
                row,
                "date",
                f"'{text}' is given but precision is unknown (expected an empty date, or the precision it is written to)",
            )
        )
    if not (present(start) and present(end)):
        out.append(
            Problem(
                file,
                row,
                "window_start",
                "is empty for an unknown date (expected window_start and window_end: the years the event can fall in)",
            )
        )
    elif start > end:
        out.append(
            Problem(
                file,
                row,
                "window_start",
                f"{start} is after window_end {end} (expected window_start <= window_end)",
            )
        )
    return out


def not_found_highlights(file: str, events: pd.DataFrame) -> list[Problem]:
    """Warnings: a key moment no public source confirms is never shown as one."""
    found = []
    for row, r in events.iterrows():
        highlight = r.get("highlight")
        if r.get("verification") == verification.NOT_FOUND and present(highlight) and bool(highlight):
            found.append(
                Problem(
                    file,
                    row,
                    "highlight",
                    "is true but verification is not_found: an unconfirmed event is never shown as a key moment; set highlight to false or find a source",
                )
            )
    return found


def upcoming_events(file: str, events: pd.DataFrame, meta: dict, sources) -> list[Problem]:
    """Warnings: events that start after the as-of date, which the timeline draws as scheduled."""
    try:
        as_of = asof.from_tables(meta, sources) if sources is not None else None
    except ValueError:
        return []  # a malformed as_of is a problem already
    if as_of is None:
        return []
    found = []
    for row, r in events.iterrows():
        column, start = _event_start(r)
        if start is not None and as_of.is_after(start):
            found.append(
                Problem(
                    file, row, column, f"upcoming: dated after the as-of date {as_of.iso}; drawn as scheduled"
                )
            )
    return found


def _event_start(r) -> tuple[str, date | None]:
    """The first day an event can fall on, and the column that sets it; None when the
    date is broken (a problem already)."""
    precision = r.get("date_precision")
    if precision == "unknown":
        start = r.get("window_start")
        return "window_start", (date(int(start), 1, 1) if present(start) and 1 <= start <= 9999 else None)
    if not (present(precision) and present(r.get("date"))):
        return "date", None
    try:
        return "date", dates.window(str(r["date"]), str(precision))[0]
    except ValueError:
        return "date", None
