"""The timeline's rows: one per event shown, everything a reader, a tooltip or the CSV
beside an export sees (dataset fields and the values computed from them), and the time
axis they are drawn on. No pixels: where things go is the layout's business."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ... import verification
from ...data import Incident, as_window, select_events
from ...formatting import format_date
from ..words import humanise
from ..words import timeline as words

DAY = pd.Timedelta(days=1)
COLUMNS = [
    "event_id",
    "number",
    "title",
    "description",
    "actors",
    "category",
    "category_label",
    "date_text",
    "date_detail",
    "precision",
    "start",
    "end",
    "undated",
    "highlight",
    "upcoming",
    "verification",
    "verification_label",
    "sublabel_text",
    "outlets",
    "source_ids",
    "mark",
]


def iso(ts: pd.Timestamp, precision: str = "day") -> str:
    """A date as ISO text at its precision: '2025-04-07', '2025-04', '2025'."""
    return {"day": f"{ts:%Y-%m-%d}", "month": f"{ts:%Y-%m}", "year": f"{ts:%Y}"}[precision]


def _row(r) -> dict:
    precision = str(r["date_precision"])
    date_text = format_date(r["start"], r["end"], precision)
    return {
        "event_id": str(r["event_id"]),
        "title": str(r["title"]),
        "description": str(r["description"]),
        "actors": "" if pd.isna(r["actors"]) else str(r["actors"]),
        "category": str(r["category"]),
        "category_label": humanise(r["category"]),
        "date_text": date_text,
        "date_detail": words.date_detail(date_text, precision),
        "precision": precision,
        "start": r["start"],
        "end": r["end"],
        "undated": bool(r["undated"]),
        "highlight": bool(r["key"]),  # only a key moment (never a not_found claim) is drawn as one
        "upcoming": bool(r["upcoming"]),
        "verification": str(r["verification"]),
        "verification_label": verification.label(r["verification"]),
        "sublabel_text": words.sublabel(date_text, bool(r["upcoming"]), r["verification"]),
        "outlets": str(r["outlets"]),
        "source_ids": "; ".join(r["source_list"]),
        "mark": "list" if r["undated"] else ("point" if precision == "day" else "span"),
    }


def event_rows(shown: pd.DataFrame) -> pd.DataFrame:
    """The plotted table: one row per event, in date order; dated events numbered (the
    numbers a phone layout draws), events with no date found marked ``list``."""
    rows = [_row(r) for _, r in shown.iterrows()]
    data = pd.DataFrame(rows, columns=COLUMNS)
    dated = data["mark"] != "list"
    data.loc[dated, "number"] = range(1, int(dated.sum()) + 1)
    data["number"] = data["number"].astype("Int64")
    for c in ("start", "end"):
        data[c] = pd.to_datetime(data[c]).astype(shown[c].dtype)
    return data


@dataclass(frozen=True)
class Axis:
    """The time axis: its domain, the as-of date on it (if any) and the window asked for."""

    d0: pd.Timestamp
    d1: pd.Timestamp
    asof: tuple | None  # (first, last, precision) of the as-of date
    asof_why: str
    window: tuple  # (start, end) of the window asked for, each None when open

    @property
    def asof_at(self) -> pd.Timestamp | None:
        """The end of the as-of day, month or year: where its line goes."""
        return self.asof[1] + DAY if self.asof else None

    @property
    def asof_text(self) -> str:
        return format_date(*self.asof) if self.asof else ""

    @property
    def asof_drawn(self) -> bool:
        return self.asof_at is not None and self.d0 <= self.asof_at <= self.d1

    def px(self, t, width: float) -> float:
        """Where the instant ``t`` falls on the axis drawn ``width`` px wide."""
        return float((pd.Timestamp(t) - self.d0) / (self.d1 - self.d0) * width)

    def cut(self, start, end) -> tuple[bool, bool]:
        """Whether a bar over start..end runs on before and after the dates shown."""
        return bool(start < self.d0), bool(end + DAY > self.d1)


def domain(dated: pd.DataFrame, ws, we, asof_at) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The time axis: exactly the window when one is given, else every dated mark and
    the as-of line with 3% to spare on each side."""
    if len(dated):
        lo, hi = dated["start"].min(), dated["end"].max() + DAY
    elif asof_at is not None:
        lo, hi = asof_at - pd.Timedelta(days=182), asof_at
    else:
        lo, hi = pd.Timestamp("2000-01-01"), pd.Timestamp("2001-01-01")
    if asof_at is not None and ws is None and we is None:
        lo, hi = min(lo, asof_at), max(hi, asof_at)
    pad = max((hi - lo) * 0.03, pd.Timedelta(days=2))
    d0 = ws if ws is not None else lo - pad
    d1 = we + DAY if we is not None else hi + pad
    if ws is not None and we is None:
        d1 = max(d1, d0 + pd.Timedelta(days=30))
    if we is not None and ws is None:
        d0 = min(d0, d1 - pd.Timedelta(days=30))
    return pd.Timestamp(d0).floor("h"), pd.Timestamp(d1).ceil("h")


def select(inc: Incident, start, end, categories) -> tuple[pd.DataFrame, Axis, tuple[str, ...]]:
    """The events shown (a date window and categories) as rows, their time axis, and the
    ids of the sources they rest on (in order of first appearance)."""
    shown = select_events(inc.timeline, start, end, categories).reset_index(drop=True)
    ws = as_window(start, "start")[0] if start is not None else None
    we = as_window(end, "end")[1] if end is not None else None
    found = inc.as_of
    asof = (pd.Timestamp(found.first), pd.Timestamp(found.last), found.precision) if found else None
    asof_at = asof[1] + DAY if asof else None
    d0, d1 = domain(shown[~shown["undated"]], ws, we, asof_at)
    source_ids = tuple(dict.fromkeys(sid for lst in shown["source_list"] for sid in lst))
    return event_rows(shown), Axis(d0, d1, asof, found.why if found else "", (ws, we)), source_ids
