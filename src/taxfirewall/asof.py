"""The one "as of" date: what the data is current to, on every surface.

Rule: the ``as_of`` key of the descriptor's ``taxfirewall`` block when the desk sets one,
else the publication date of the latest dated source. Events are never counted: an event
dated after the as-of date is upcoming (scheduled), not something the data has seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from . import dates
from .formatting import format_date
from .i18n import N_, _
from .missing import present


@dataclass(frozen=True)
class AsOf:
    first: date  # first and last day of the date at its precision
    last: date
    precision: str
    why: str  # where the date comes from, in reader's words (English msgid: show it with _())

    @property
    def text(self) -> str:
        """'June 8, 2026', 'June 2026' or '2026'."""
        return format_date(self.first, self.last, self.precision)

    @property
    def iso(self) -> str:
        return {"day": f"{self.first:%Y-%m-%d}", "month": f"{self.first:%Y-%m}", "year": f"{self.first:%Y}"}[
            self.precision
        ]

    def is_after(self, day) -> bool:
        """True when ``day`` falls after the whole as-of date (an upcoming event starts then)."""
        return pd.Timestamp(day).date() > self.last


def parse(text, what: str = "as_of") -> AsOf:
    """An explicit as-of date ('YYYY[-MM[-DD]]' or a date), or ValueError saying what was expected."""
    if isinstance(text, date):
        day = pd.Timestamp(text).date()
        return AsOf(day, day, "day", "")
    raw = str(text).strip()
    precision = dates.precision_of(raw)
    if precision is None:
        raise ValueError(f"{what} '{text}' is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)")
    first, last = dates.window(raw, precision)
    return AsOf(first, last, precision, "")


def from_tables(meta: dict, sources: pd.DataFrame) -> AsOf | None:
    """The rule above, from the descriptor's metadata and the sources table."""
    if present(meta.get("as_of")) and str(meta.get("as_of")).strip():
        found = parse(meta["as_of"], "taxfirewall.as_of")
        return AsOf(found.first, found.last, found.precision, N_("as set by the desk"))
    best = None
    for published, precision in zip(sources["published"], sources["published_precision"]):
        if not present(published) or str(precision) not in ("day", "month", "year"):
            continue
        try:
            first, last = dates.window(str(published), str(precision))
        except ValueError:
            continue  # reported by the validator
        key = (last, -("year", "month", "day").index(str(precision)))  # latest; the most precise on a tie
        if best is None or key > best[0]:
            best = (key, AsOf(first, last, str(precision), N_("the date of the latest source")))
    return None if best is None else best[1]


def text(incident) -> str:
    """The incident's as-of date in words: 'June 8, 2026'."""
    return incident.as_of.text if incident.as_of else _("an unknown date")
