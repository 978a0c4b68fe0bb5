"""Pure geometry for laying out labelled marks on an axis: a calendar tick search,
first-fit packing of items into rows, where a label may sit beside its mark, lines
knocked out around words, a span too narrow to see widened around itself. No dataset,
no theme, no renderer: text is measured by the ``measure`` callable the caller passes,
so every function here is testable on its own."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..formatting import short_date, short_month

ROOM = 8  # minimum clear space between two items in a row (px)
GAP = 6  # between a mark and its label (px)
TICK_ROOM = 14  # minimum clear space between two tick labels (px)
MAX_TICKS = 60  # a step with more candidate ticks than this is not tried

Measure = Callable[[str], float]
Segment = tuple[int, float, float]  # (row offset, x0, x1)

_STEPS = (
    [("D", n) for n in (1, 2, 7, 14)]
    + [("M", n) for n in (1, 2, 3, 6)]
    + [("Y", n) for n in (1, 2, 5, 10, 25, 50)]
)


# --------------------------------------------------------------------------- ticks


def _candidates(unit: str, n: int, d0: pd.Timestamp, d1: pd.Timestamp) -> list[pd.Timestamp]:
    """Calendar-aligned dates in d0..d1 every ``n`` days, months or years."""
    first_day = d0.ceil("D")
    if unit == "D":
        return list(pd.date_range(first_day, d1, freq=f"{n}D"))
    if unit == "M":
        months = pd.date_range(first_day.to_period("M").to_timestamp(), d1, freq="MS")
        return [t for t in months if t >= d0 and (t.month - 1) % n == 0]
    years = pd.date_range(f"{d0.year}-01-01", d1, freq="YS")
    return [t for t in years if t >= d0 and t.year % n == 0]


def _tick_label(unit: str, t: pd.Timestamp, first: bool) -> str:
    """'Apr 7, 2025' (the year on the first tick and on Jan 1), 'Apr 2025'/'Apr', '2025'."""
    if unit == "D":
        return short_date(t, year=first or (t.month, t.day) == (1, 1))
    if unit == "M":
        return f"{t.year}" if t.month == 1 else short_month(t, year=first)
    return f"{t.year}"


def ticks(
    d0: pd.Timestamp, d1: pd.Timestamp, plot_w: float, measure: Measure
) -> list[tuple[float, str, pd.Timestamp]]:
    """Calendar-aligned ticks (px, label, date) on a d0..d1 axis ``plot_w`` px wide: the
    finest step whose labels fit inside the plot without touching; failing every step,
    the first tick of the first step that had one."""
    best: list = []
    for unit, n in _STEPS:
        cands = _candidates(unit, n, d0, d1)
        if len(cands) > MAX_TICKS:
            continue
        kept: list[tuple[float, str, pd.Timestamp]] = []
        for t in cands:
            label = _tick_label(unit, t, first=not kept)
            x, w = (t - d0) / (d1 - d0) * plot_w, measure(label)
            if x - w / 2 >= 0 and x + w / 2 <= plot_w:
                kept.append((x, label, t))
        fits = all(
            b[0] - a[0] >= (measure(a[1]) + measure(b[1])) / 2 + TICK_ROOM for a, b in zip(kept, kept[1:])
        )
        if fits and kept:
            return kept
        best = best or kept[:1]
    return best


# --------------------------------------------------------------------------- rows


def fits(rows: list[list[tuple[float, float]]], k: int, segs: list[Segment]) -> bool:
    """True when every segment, placed with row offset from row ``k``, keeps ROOM px clear
    of everything already in its row."""
    return all(
        all(x1 + ROOM <= a or x0 - ROOM >= b for a, b in (rows[k + off] if k + off < len(rows) else []))
        for off, x0, x1 in segs
    )


def pack(items: list[list[list[Segment]]]) -> tuple[list[tuple[int, int]], int]:
    """First-fit rows, top down, in the items' (date) order. Each item offers candidate
    placements in order of preference, each a list of (row offset, x0, x1) segments; it
    takes the first row where any candidate collides with nothing, and there the first
    candidate that fits. Returns ((row, choice) per item, number of rows used)."""
    rows: list[list[tuple[float, float]]] = []
    placed = []
    for candidates in items:
        k = 0
        while not any(fits(rows, k, segs) for segs in candidates):
            k += 1
        choice = next(i for i, segs in enumerate(candidates) if fits(rows, k, segs))
        for off, x0, x1 in candidates[choice]:
            while len(rows) <= k + off:
                rows.append([])
            rows[k + off].append((x0, x1))
        placed.append((k, choice))
    return placed, len(rows)


# --------------------------------------------------------------------------- labels


def two_lines(title: str, measure: Measure) -> str | None:
    """The title split into two lines of the most even width (None for one word)."""
    words = title.split()
    if len(words) < 2:
        return None
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return "\n".join(min(splits, key=lambda ab: max(measure(ab[0]), measure(ab[1]))))


def label_options(
    m0: float, m1: float, variants: list[tuple[str, float]], plot_w: float, avoid: float | None, centred: bool
) -> list[tuple[str, float, float, str]]:
    """Where a label may go for a mark spanning m0..m1, best first, as (side, x0, x1,
    text): for each (text, width) variant beside the mark, right then left, rather not
    across the line at ``avoid``; finally just above the mark (centred on it, else from
    its start), kept inside the plot, which always fits."""
    options = []
    for text, width in variants:
        beside = []
        if m1 + GAP + width <= plot_w:
            beside.append(("right", m1 + GAP, m1 + GAP + width, text))
        if m0 - GAP - width >= 0:
            beside.append(("left", m0 - GAP - width, m0 - GAP, text))
        beside.sort(key=lambda o: avoid is not None and o[1] - 3 < avoid < o[2] + 3)
        options += beside
    text, width = variants[0]
    anchor = (m0 + m1) / 2 - width / 2 if centred else m0
    x0 = min(max(anchor, 0.0), max(plot_w - width, 0.0))
    return options + [("above", x0, x0 + width, text)]


def knockout(x: float, y0: float, y1: float, boxes) -> list[list[float]]:
    """The pieces of a vertical line at ``x`` from y0 to y1 that miss every box
    (x0, x1, top, bottom) by 2 px or more: gridlines and rules stop short of words.
    Pieces shorter than 10 px (slivers between two labels) are dropped."""
    cuts = sorted((top, bottom) for x0, x1, top, bottom in boxes if x0 - 3 <= x <= x1 + 3)
    pieces, y = [], y0
    for top, bottom in cuts:
        if top - 2 > y:
            pieces.append([round(y, 2), round(min(top - 2, y1), 2)])
        y = max(y, bottom + 2)
    if y < y1:
        pieces.append([round(y, 2), round(y1, 2)])
    return [p for p in pieces if p[1] - p[0] >= 10]


def widen(x0: float, x1: float, minimum: float, plot_w: float) -> tuple[float, float]:
    """A span x0..x1 at least ``minimum`` px wide: unchanged if it already is, else
    ``minimum`` wide around its centre, kept inside 0..plot_w. The widened span always
    contains the original (it only ever grows), and its ends stay in order."""
    if x1 - x0 >= minimum:
        return x0, x1
    left = min(max((x0 + x1) / 2 - minimum / 2, 0.0), max(plot_w - minimum, 0.0))
    # min/max guard against float rounding: the span must never lose its true ends.
    return min(left, x0), max(left + minimum, x1)
