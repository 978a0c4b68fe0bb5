"""The timeline's words: subtitle, alt text and notes generated from what is drawn, the
date line under each label, the legend, tooltip and screen-reader wording. Each sentence
is one message in the current language (:mod:`taxfirewall.i18n`).

Rows here are the timeline's plotted rows (dicts with ``title``, ``date_text``,
``precision``, ``start``, ``end``, ``mark``, ``highlight``, ``upcoming``,
``verification``, ``undated``, ``category``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import verification
from ...formatting import format_date
from ...i18n import N_, _, n_, p_
from . import humanise, listed

DATE_NOT_FOUND = N_("Date not found")
KEY_MOMENT = N_("Key moment")
SCHEDULED = N_("Scheduled")
SPAN = N_("Dated only to month or year")
TOOLTIP = (  # (row field, tooltip heading), in the order a tooltip lists them
    ("title", N_("Event")),
    ("date_detail", N_("Date")),
    ("category_label", N_("Category")),
    ("description", N_("What happened")),
    ("actors", N_("Who")),
    ("outlets", N_("Sources")),
    ("verification_label", N_("Verification")),
)


def date_detail(date_text: str, precision: str) -> str:
    """The date as a tooltip gives it, saying what is not known."""
    if precision == "month":
        return _("{date} (day not known)", date=date_text)
    if precision == "year":
        return _("{date} (month and day not known)", date=date_text)
    return date_text


def sublabel(date_text: str, upcoming: bool, status) -> str:
    """The line under a label: 'April 7, 2025 · scheduled · anonymous sources'."""
    return " · ".join(
        x for x in (date_text, _("scheduled") if upcoming else "", verification.short(status)) if x
    )


def aria(row) -> str:
    """What a screen reader announces for an event's mark."""
    fields = dict(title=row["title"], date=row["date_detail"], category=row["category_label"])
    if row["highlight"]:
        return _("{title}, {date}, {category}, key moment", **fields)
    return "{title}, {date}, {category}".format(**fields)


def as_of_label(asof_text: str) -> str:
    return _("As of {date}", date=asof_text)


def window_text(ws, we) -> str:
    """'January 1, 2025 to December 31, 2025' for a date window, '' for none."""
    if ws is None and we is None:
        return ""
    if ws is None:
        return _("the first event to {end}", end=format_date(we, we, "day"))
    if we is None:
        return _("{start} to the latest event", start=format_date(ws, ws, "day"))
    return _("{start} to {end}", start=format_date(ws, ws, "day"), end=format_date(we, we, "day"))


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


def _from_to(first: dict, last: dict) -> str:
    """'from April 7, 2025 to June 2026' (a day takes an article in Spanish, a month not)."""
    dates = dict(first=first["date_text"], last=last["date_text"])
    day = (first["precision"] == "day", last["precision"] == "day")
    if day == (True, True):
        return p_("from a day to a day", "from {first} to {last}", **dates)
    if day == (True, False):
        return p_("from a day to a month or year", "from {first} to {last}", **dates)
    if day == (False, True):
        return p_("from a month or year to a day", "from {first} to {last}", **dates)
    return p_("from a month or year to a month or year", "from {first} to {last}", **dates)


def _when(dated: list[dict]) -> str:
    """'from April 7, 2025 to June 2026', or 'in 2024' when one event spans all the others."""
    first, last = dated[0], max(dated, key=lambda r: (r["start"], r["end"]))
    inside = lambda a, b: b["start"] <= a["start"] and a["end"] <= b["end"]  # noqa: E731
    if inside(last, first) or inside(first, last):  # e.g. a "February 2024" event inside a "2024" one
        outer = first if inside(last, first) else last
        if outer["precision"] == "day":
            return _("on {date}", date=outer["date_text"])
        return _("in {date}", date=outer["date_text"])
    return _from_to(first, last)


def subtitle(w: Drawn) -> str:
    if w.dated:
        n = len(w.dated)
        text = n_("{n} event {when}", "{n} events {when}", n, when=_when(w.dated))
    else:
        text = _("No dated events from {window}", window=w.window) if w.window else _("No dated events")
    if spans := w.spans():
        text += "; " + n_(
            "{n} known only to the month or year is drawn as a bar",
            "{n} known only to the month or year are drawn as bars",
            len(spans),
        )
    if w.undated:
        text += (
            ("," if spans else ";")
            + " "
            + n_(
                "{n} with no date found is listed below",
                "{n} with no date found are listed below",
                len(w.undated),
            )
        )
    return text + "."


def _alt_lead(w: Drawn) -> str:
    if not w.dated:
        return _("A timeline with no dated events to draw.")
    cats = [humanise(c) for c in w.categories if any(r["category"] == c for r in w.dated + w.undated)]
    return n_(
        "A timeline of {n} dated event {when}, each drawn at its date on a horizontal time axis and "
        "coloured and shaped by category ({categories}).",
        "A timeline of {n} dated events {when}, each drawn at its date on a horizontal time axis and "
        "coloured and shaped by category ({categories}).",
        len(w.dated),
        when=_when(w.dated),
        categories=listed(cats),
    )


def _alt_groups(w: Drawn) -> list[str]:
    """The alt text's sentences naming every event, grouped by how it is drawn."""
    keys, others, upcoming, spans, undated = w.keys(), w.others(), w.upcoming(), w.spans(), w.undated
    alt = []
    if keys:
        alt.append(
            n_(
                "Highlighted as the key moment, with larger ringed marks: {events}.",
                "Highlighted as key moments, with larger ringed marks: {events}.",
                len(keys),
                events=_roll(keys),
            )
        )
    if others:
        alt.append(
            n_("Other events: {events}.", "Other events: {events}.", len(others), events=_roll(others))
        )
    if upcoming:
        alt.append(
            n_(
                "Scheduled after {date}, drawn with hollow marks: {events}.",
                "Scheduled after {date}, drawn with hollow marks: {events}.",
                len(upcoming),
                date=w.asof_text,
                events=_roll(upcoming),
            )
        )
    if spans:
        alt.append(
            n_(
                "{n} event is known only to the month or year and drawn as a bar across that period: {events}.",
                "{n} events are known only to the month or year and drawn as bars across that period: {events}.",
                len(spans),
                events=_roll(spans),
            )
        )
    if undated:
        alt.append(
            n_(
                "{n} event with no date found is listed below the axis: {events}.",
                "{n} events with no date found are listed below the axis: {events}.",
                len(undated),
                events=_roll(undated),
            )
        )
    return alt


def alt_text(w: Drawn) -> str:
    """The alt text: every event named with its date, grouped by how it is drawn."""
    alt = [_alt_lead(w), *_alt_groups(w)]
    if w.asof_drawn:
        alt.append(
            _("A dashed vertical line marks {date}, the date the data is current to.", date=w.asof_text)
        )
    elif w.asof_text:
        alt.append(_("Data as of {date}.", date=w.asof_text))
    if w.annotate and w.compact and w.dated:
        alt.append(_("Events are numbered in date order; a numbered key below gives each title and date."))
    return " ".join(alt)


def _as_of_note(w: Drawn) -> str:
    fields = dict(date=w.asof_text, why=_(w.asof_why) if w.asof_why else "")  # why: a msgid (asof)
    if w.asof_drawn:
        if w.asof_why:
            return _("Dashed line: data as of {date}, {why}.", **fields)
        return _("Dashed line: data as of {date}.", **fields)
    if w.asof_why:
        return _("Data as of {date}, {why}.", **fields)
    return _("Data as of {date}.", **fields)


def notes(w: Drawn) -> str:
    """The footer notes: what each kind of mark means, the as-of date, the filters."""
    out = []
    if w.spans():
        out.append(
            _("Bars: events dated only to the month or year; each happened at some point in that period.")
        )
    if w.cut_off:
        out.append(_("An arrowhead marks a bar that runs on beyond the dates shown."))
    if w.undated:
        out.append(
            _("Date not found: events whose date was sought but not found, with the years they may fall in.")
        )
    if w.keys():
        out.append(_("Ringed marks and bold labels: the key moments."))
    if w.upcoming():
        out.append(_("Hollow marks: scheduled, after {date}.", date=w.asof_text))
    if w.asof_text:
        out.append(_as_of_note(w))
    if w.window:
        out.append(_("Showing events from {window} only.", window=w.window))
    if w.chosen is not None:
        chosen = listed(humanise(c) for c in w.categories if c in w.chosen)
        out.append(_("Showing only: {categories}.", categories=chosen))
    return " ".join(out)
