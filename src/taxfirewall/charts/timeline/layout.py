"""Where the timeline's rows go at a width, in pixels: each dated event's mark and label
packed into the first row where it collides with nothing (see :mod:`..packing`), the
ticks, the gridlines and as-of rule knocked out around words. Returns a :class:`Plan`;
the scene is drawn from it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import pandas as pd

from ...theme import SIZES
from ..packing import knockout, label_options, pack, ticks, two_lines
from ..text import SPARE
from ..text import text_width as _raw_width
from .rows import DAY, Axis

PAD = 8  # outer padding, as in the house vega config (px)
STRIP = 20  # top strip of the plot that holds the "As of" label
DOT, DOT_KEY = 10, 14  # point diameters (px): ordinary, key moment
RING = 6  # the accent ring is this much wider than its point
BAR = 8  # thickness of a month/year bar
COMPACT_SHARE = 0.6  # labels wider than this share of the plot -> numbered (phone) layout
LINE = 16  # height of a label line (px)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in px of ``text`` at ``size`` px, with the hinting spare."""
    return _raw_width(text, size, bold) * SPARE


@dataclass(frozen=True)
class Plan:
    """The timeline at one width: per dated event its mark and label (``events``, dicts
    in date order), the plot's size, the axis ticks and the lines knocked out round words."""

    axis: Axis
    plot_w: float
    plot_h: float
    compact: bool  # numbered labels and a key under the axis (phone widths)
    events: tuple[dict, ...]
    ticks: tuple  # (px, label, date)
    gridlines: tuple  # per tick, its pieces [y0, y1]
    asof_px: float | None
    asof_segments: tuple  # the as-of rule's pieces

    def px(self, t) -> float:
        return self.axis.px(t, self.plot_w)

    @property
    def cut_off(self) -> bool:
        """A bar runs on beyond the dates shown."""
        return any(e["runs_before"] or e["runs_after"] for e in self.events)


def _row_metrics(compact: bool) -> dict:
    """Vertical metrics of a row (px from its top): title/number line, mark, date line."""
    if compact:
        return {"row_h": 22, "mark": 11, "label": 11, "sublabel": None}
    return {"row_h": 38, "mark": 10, "label": 10, "sublabel": 26}


def _depth(text: str, dated_line: bool, row_h: float) -> int:
    """How many rows a label takes: LINE px per line (title lines, then the date)."""
    return max(1, math.ceil((text.count("\n") + 1 + dated_line) * LINE / row_h)) if text else 1


def _is_compact(dated: list[dict], plot_w: float) -> bool:
    """The numbered layout, when the widest label would take too much of the plot."""
    widest = max(
        max(
            text_width(r["title"], SIZES["label"], r["highlight"]),
            text_width(r["sublabel_text"], SIZES["small"]),
        )
        for r in dated
    )
    return widest > COMPACT_SHARE * plot_w


def _mark(e: dict, plan_px, axis: Axis) -> None:
    """The mark's extent in px: a point at its day, a bar across its month or year (cut
    to the axis, with an arrowhead where cut); m0..m1 include a key moment's ring."""
    if e["mark"] == "point":
        d = DOT_KEY if e["highlight"] else DOT
        c = plan_px(e["start"])
        reach = (d + RING) / 2 if e["highlight"] else d / 2
        e.update(mark_size=d, px0=c, px1=c, m0=c - reach, m1=c + reach, runs_before=False, runs_after=False)
        return
    a = plan_px(max(e["start"], axis.d0))
    b = max(plan_px(min(e["end"] + DAY, axis.d1)), a + 2)  # a day-long window still shows as a bar
    reach = 3 if e["highlight"] else 0
    before, after = axis.cut(e["start"], e["end"])
    e.update(mark_size=BAR, px0=a, px1=b, m0=a - reach, m1=b + reach, runs_before=before, runs_after=after)


def _options(e: dict, compact: bool, plot_w: float, asof_px) -> list[tuple]:
    """Where the label may go, best first: (side, x0, x1, text) (see packing.label_options)."""
    e["sublabel"] = "" if compact else e["sublabel_text"]
    size = SIZES["small"] if compact else SIZES["label"]
    date_w = text_width(e["sublabel"], SIZES["small"]) if e["sublabel"] else 0.0
    texts = [str(e["number"]) if compact else e["title"]]
    if not compact and (two := two_lines(e["title"], partial(text_width, size=size, bold=e["highlight"]))):
        texts.append(two)  # narrower and taller: for a mark with no room beside it on one line
    variants = [
        (t, max(date_w, *(text_width(line, size, e["highlight"]) for line in t.split("\n")))) for t in texts
    ]
    return label_options(e["m0"], e["m1"], variants, plot_w, asof_px, e["mark"] == "point")


def _candidates(e: dict, options, row_h: float) -> list[list[tuple[int, float, float]]]:
    """Each label option as the segments it takes, row by row (offset from its top row)."""
    out = []
    for side, x0, x1, text in options:
        depth = _depth(text, bool(e["sublabel"]), row_h)
        if side == "above":
            out.append([(i, x0, x1) for i in range(depth)] + [(depth, e["m0"], e["m1"])])
        elif side:
            out.append([(0, min(x0, e["m0"]), max(x1, e["m1"]))] + [(i, x0, x1) for i in range(1, depth)])
        else:
            out.append([(0, e["m0"], e["m1"])])
    return out


def _place(e: dict, option, lane: int, m: dict, top: float) -> None:
    """The event's rows and y positions once its row and label option are chosen."""
    side, x0, x1, text = option
    label_align = "right" if side == "left" else "left"
    e.update(label=text, label_side=side, label_x0=x0, label_x1=x1, label_align=label_align if side else "")
    mark_lane = lane + _depth(text, bool(e["sublabel"]), m["row_h"]) if side == "above" else lane
    e["lane"], e["label_lane"] = mark_lane, lane
    e["mark_y"] = top + mark_lane * m["row_h"] + m["mark"]
    e["label_y"] = top + lane * m["row_h"] + m["label"] if side else math.nan
    e["sublabel_y"] = (
        e["label_y"] + LINE * text.count("\n") + m["sublabel"] - m["label"] if e["sublabel"] else math.nan
    )


def _lay_out_events(events: list[dict], axis: Axis, px, plot_w: float, asof_px, annotate: bool):
    """Marks and labels of the dated events packed into rows (fills ``events`` in place);
    returns whether the numbered phone layout is used, and the plot height."""
    compact = bool(annotate and events and _is_compact(events, plot_w))
    m = _row_metrics(compact)
    items, choices = [], []
    for e in events:
        _mark(e, px, axis)
        e["sublabel"] = ""
        options = _options(e, compact, plot_w, asof_px) if annotate else [("", math.nan, math.nan, "")]
        items.append(_candidates(e, options, m["row_h"]))
        choices.append(options)
    placed, n_lanes = pack(items)
    top = STRIP + 4
    for e, options, (lane, choice) in zip(events, choices, placed):
        _place(e, options[choice], lane, m, top)
    return compact, float(top + max(n_lanes, 1) * m["row_h"] + 4)


def _label_boxes(events) -> list[tuple]:
    """Every label's extent (x0, x1, top, bottom): lines stop short of them."""
    return [
        (
            e["label_x0"],
            e["label_x1"],
            e["label_y"] - 9,
            (e["sublabel_y"] if e["sublabel"] else e["label_y"] + LINE * e["label"].count("\n")) + 9,
        )
        for e in events
        if e["label"]
    ]


def lay_out(data: pd.DataFrame, axis: Axis, width: int, annotate: bool) -> Plan:
    """The timeline's rows laid out ``width`` px wide."""
    plot_w = float(width - 2 * PAD)
    px = partial(axis.px, width=plot_w)
    asof_px = px(axis.asof_at) if axis.asof_drawn else None
    events = [dict(r) for _, r in data[data["mark"] != "list"].iterrows()]
    compact, plot_h = _lay_out_events(events, axis, px, plot_w, asof_px, annotate)
    axis_ticks = ticks(axis.d0, axis.d1, plot_w, lambda s: text_width(s, SIZES["small"]))
    boxes = _label_boxes(events)
    return Plan(
        axis=axis,
        plot_w=plot_w,
        plot_h=plot_h,
        compact=compact,
        events=tuple(events),
        ticks=tuple(axis_ticks),
        gridlines=tuple(knockout(x, STRIP, plot_h, boxes) for x, _, _ in axis_ticks),
        asof_px=asof_px,
        asof_segments=tuple(knockout(asof_px, 3, plot_h, boxes)) if asof_px is not None else (),
    )


__all__ = ["BAR", "DOT", "DOT_KEY", "PAD", "RING", "STRIP", "Plan", "lay_out", "text_width"]
