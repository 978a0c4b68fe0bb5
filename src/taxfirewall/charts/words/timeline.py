"""The timeline's words: subtitle, alt text and notes generated from what is drawn, the
date line under each label, the legend, tooltip and screen-reader wording.

Rows here are the timeline's plotted rows (dicts with ``title``, ``date_text``,
``precision``, ``start``, ``end``, ``mark``, ``highlight``, ``upcoming``,
``verification``, ``undated``, ``category``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import verification
from ...formatting import format_date
from . import agree, humanise, listed, plural

DATE_NOT_FOUND = "Date not found"
KEY_MOMENT = "Key moment"
SCHEDULED = "Scheduled"
SPAN = "Dated only to month or year"
TOOLTIP = (  # (row field, tooltip heading), in the order a tooltip lists them
    ("title", "Event"),
    ("date_detail", "Date"),
    ("category_label", "Category"),
    ("description", "What happened"),
    ("actors", "Who"),
    ("outlets", "Sources"),
    ("verification_label", "Verification"),
)


def date_detail(date_text: str, precision: str) -> str:
    """The date as a tooltip gives it, saying what is not known."""
    return {
        "month": f"{date_text} (day not known)",
        "year": f"{date_text} (month and day not known)",
    }.get(precision, date_text)


def sublabel(date_text: str, upcoming: bool, status) -> str:
    """The line under a label: 'April 7, 2025 · scheduled · anonymous sources'."""
    return " · ".join(
        x for x in (date_text, "scheduled" if upcoming else "", verification.short(status)) if x
    )


def aria(row) -> str:
    """What a screen reader announces for an event's mark."""
    return f"{row['title']}, {row['date_detail']}, {row['category_label']}{', key moment' if row['highlight'] else ''}"


def as_of_label(asof_text: str) -> str:
    return f"As of {asof_text}"


def window_text(ws, we) -> str:
    """'January 1, 2025 to December 31, 2025' for a date window, '' for none."""
    if ws is None and we is None:
        return ""
    first = format_date(ws, ws, "day") if ws is not None else "the first event"
    return f"{first} to {format_date(we, we, 'day') if we is not None else 'the latest event'}"


@dataclass(frozen=True)
class Drawn:
    """What the words describe: the rows drawn and how, and the chart's options."""

    dated: list[dict]
    undated: list[dict]
    categories: list[str]  # the dataset's category enum, in order
    compact: bool  # numbered labels and a key (phone widths)
    annotate: bool
    asof_text: str  # '' when nothing says what the data is current to
    asof_why: str
    asof_drawn: bool  # the as-of line falls inside the axis
    cut_off: bool  # a bar runs on beyond the dates shown
    window: str  # window_text(), '' for none
    chosen: list[str] | None  # the categories asked for, None for all

    def spans(self) -> list[dict]:
        return [r for r in self.dated if r["mark"] == "span"]

    def keys(self) -> list[dict]:
        return [r for r in self.dated if r["highlight"] and not r["upcoming"]]

    def upcoming(self) -> list[dict]:
        return [r for r in self.dated if r["upcoming"]]

    def others(self) -> list[dict]:
        return [r for r in self.dated if not r["highlight"] and not r["upcoming"] and r["mark"] == "point"]


def _roll(rows) -> str:
    """'Title (April 7, 2025); ...' or, with no date, 'Title, date not found (2026); ...'."""

    def one(r):
        note = ", ".join(x for x in (r["date_text"], verification.caveat(r["verification"])) if x)
        return f"{r['title']}, {note}" if r["undated"] else f"{r['title']} ({note})"

    return "; ".join(one(r) for r in rows)


def _when(dated: list[dict]) -> str:
    """'from April 7, 2025 to June 2026', or 'in 2024' when one event spans all the others."""
    first, last = dated[0], max(dated, key=lambda r: (r["start"], r["end"]))
    inside = lambda a, b: b["start"] <= a["start"] and a["end"] <= b["end"]  # noqa: E731
    if inside(last, first) or inside(first, last):  # e.g. a "February 2024" event inside a "2024" one
        outer = first if inside(last, first) else last
        return f"{'on' if outer['precision'] == 'day' else 'in'} {outer['date_text']}"
    return f"from {first['date_text']} to {last['date_text']}"


def subtitle(w: Drawn) -> str:
    if w.dated:
        text = f"{plural(len(w.dated), 'event')} {_when(w.dated)}"
    else:
        text = "No dated events" + (f" from {w.window}" if w.window else "")
    if spans := w.spans():
        text += f"; {len(spans)} known only to the month or year {agree(spans, 'is drawn as a bar', 'are drawn as bars')}"
    if w.undated:
        n = len(w.undated)
        text += f"{',' if spans else ';'} {n} with no date found {agree(w.undated, 'is', 'are')} listed below"
    return text + "."


def _alt_lead(w: Drawn) -> str:
    if not w.dated:
        return "A timeline with no dated events to draw."
    cats = [humanise(c) for c in w.categories if any(r["category"] == c for r in w.dated + w.undated)]
    return (
        f"A timeline of {plural(len(w.dated), 'dated event')} {_when(w.dated)}, each drawn at its date on a "
        f"horizontal time axis and coloured and shaped by category ({listed(cats)})."
    )


def alt_text(w: Drawn) -> str:
    """The alt text: every event named with its date, grouped by how it is drawn."""
    keys, others, upcoming, spans, undated = w.keys(), w.others(), w.upcoming(), w.spans(), w.undated
    alt = [_alt_lead(w)]
    if keys:
        moments = agree(keys, "the key moment", "key moments")
        alt.append(f"Highlighted as {moments}, with larger ringed marks: {_roll(keys)}.")
    if others:
        alt.append(f"Other events: {_roll(others)}.")
    if upcoming:
        alt.append(f"Scheduled after {w.asof_text}, drawn with hollow marks: {_roll(upcoming)}.")
    if spans:
        alt.append(
            f"{plural(len(spans), 'event')} {agree(spans, 'is', 'are')} known only to the month or year and drawn as "
            f"{agree(spans, 'a bar', 'bars')} across that period: {_roll(spans)}."
        )
    if undated:
        alt.append(
            f"{plural(len(undated), 'event')} with no date found {agree(undated, 'is', 'are')} "
            f"listed below the axis: {_roll(undated)}."
        )
    if w.asof_drawn:
        alt.append(f"A dashed vertical line marks {w.asof_text}, the date the data is current to.")
    elif w.asof_text:
        alt.append(f"Data as of {w.asof_text}.")
    if w.annotate and w.compact and w.dated:
        alt.append("Events are numbered in date order; a numbered key below gives each title and date.")
    return " ".join(alt)


def notes(w: Drawn) -> str:
    """The footer notes: what each kind of mark means, the as-of date, the filters."""
    out = []
    if w.spans():
        out.append(
            "Bars: events dated only to the month or year; each happened at some point in that period."
        )
    if w.cut_off:
        out.append("An arrowhead marks a bar that runs on beyond the dates shown.")
    if w.undated:
        out.append(
            "Date not found: events whose date was sought but not found, with the years they may fall in."
        )
    if w.keys():
        out.append("Ringed marks and bold labels: the key moments.")
    if w.upcoming():
        out.append(f"Hollow marks: scheduled, after {w.asof_text}.")
    if w.asof_text:
        why = f", {w.asof_why}" if w.asof_why else ""
        out.append(f"{'Dashed line: data' if w.asof_drawn else 'Data'} as of {w.asof_text}{why}.")
    if w.window:
        out.append(f"Showing events from {w.window} only.")
    if w.chosen is not None:
        out.append(f"Showing only: {listed(humanise(c) for c in w.categories if c in w.chosen)}.")
    return " ".join(out)
