"""The timeline: every event of an incident at its date, at the precision the sources give.

Design
------
* Events dated to the day are points, with a colour *and* a shape per category (the
  house palette and shapes, by position in the dataset's category enum). Events dated
  only to the month or year are lighter bars across that whole period, never a falsely
  precise point. Events whose date was sought and not found are not put on the time
  axis at all: they are listed in a "Date not found" lane under it, with the years they
  may fall in.
* Key moments (``highlight``) get a larger mark inside an accent ring and a bold label.
* A dashed rule marks the date the data is current to ("As of ..."): by default the
  latest ``published`` date among the sources, else the latest event; never the clock.
* Labels (title, and the date under it) sit right beside their mark: on its right, else
  on its left, else beside it with the title on two lines, else just above it (a bar as
  wide as the chart). Each event (mark plus label) is packed into the first row, top
  down, where it collides with nothing already there, in date order: the rows fill like
  a staircase, time reads left to right and top to bottom, no two labels or marks share
  a pixel, and no leader lines are needed. Gridlines and the as-of rule stop short of
  words instead of striking through them. Text widths are measured with the static
  renderer's font (DejaVu Sans, wider than the browser fonts in the stack), so the
  layout holds in both renderings. A bar cut off by a date window ends in an arrowhead.
* Phone widths: when the longest label would take more than 60% of the plot width
  (below about 480 px for the IRS story), labels become numbers beside the marks and a
  numbered key under the axis gives every event's title and date at full size, key
  moments in bold. The strip keeps what only a chart shows (clusters, gaps, spans, the
  as-of line); the key keeps every word readable without shrinking a desktop layout.
  Tooltips carry the full detail in the interactive version at every width.

The layout is computed once, here, in pixels (``chart.data``: ``lane``, ``label_x0``,
``label_x1``, ``label_y`` ...; the axis domain and ticks in ``chart.data.attrs``);
both renderers only draw it.
"""

from __future__ import annotations

import math
from functools import lru_cache, partial
from pathlib import Path

import pandas as pd

from .. import verification
from ..data import Incident, as_window, load_incident, select_events
from ..formatting import format_date
from ..theme import PT, SIZES, Theme, contrast, get_theme, mpl_style, vega_config
from .base import Chart, source_line
from .packing import knockout, label_options, pack, ticks, two_lines
from .text import SPARE, wrap
from .text import text_width as _raw_width
from .words import humanise
from .words import timeline as words

PAD = 8  # outer padding, as in the house vega config (px)
STRIP = 20  # top strip of the plot that holds the "As of" label
DOT, DOT_KEY = 10, 14  # point diameters (px): ordinary, key moment
RING = 6  # the accent ring is this much wider than its point
BAR = 8  # thickness of a month/year bar
COMPACT_SHARE = 0.6  # labels wider than this share of the plot -> numbered (phone) layout
DAY = pd.Timedelta(days=1)


# --------------------------------------------------------------------------- text metrics


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in px of ``text`` at ``size`` px, with the hinting spare."""
    return _raw_width(text, size, bold) * SPARE


# --------------------------------------------------------------------------- dates


def _iso(ts: pd.Timestamp, precision: str = "day") -> str:
    return {"day": f"{ts:%Y-%m-%d}", "month": f"{ts:%Y-%m}", "year": f"{ts:%Y}"}[precision]


# --------------------------------------------------------------------------- layout


def _row_metrics(compact: bool) -> dict:
    """Vertical metrics of a row (px from its top): title/number line, mark, date line."""
    if compact:
        return {"row_h": 22, "mark": 11, "label": 11, "sublabel": None}
    return {"row_h": 38, "mark": 10, "label": 10, "sublabel": 26}


def _depth(text: str, dated_line: bool, row_h: float) -> int:
    """How many rows a label takes: 16 px per line (title lines, then the date)."""
    return max(1, math.ceil((text.count("\n") + 1 + dated_line) * 16 / row_h)) if text else 1


def _event_rows(shown: pd.DataFrame) -> list[dict]:
    """One plain row per event with everything a reader or a tooltip sees."""
    rows = []
    for _, r in shown.iterrows():
        precision = str(r["date_precision"])
        date_text = format_date(r["start"], r["end"], precision)
        rows.append(
            {
                "event_id": str(r["event_id"]),
                "number": pd.NA,
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
                # only a key moment (never a not_found claim) is drawn as one
                "highlight": bool(r["key"]),
                "upcoming": bool(r["upcoming"]),
                "verification": str(r["verification"]),
                "verification_label": verification.label(r["verification"]),
                "outlets": str(r["outlets"]),
                "sublabel_text": words.sublabel(date_text, bool(r["upcoming"]), r["verification"]),
                "source_ids": "; ".join(r["source_list"]),
                "mark": "list" if r["undated"] else ("point" if precision == "day" else "span"),
                "runs_before": False,
                "runs_after": False,
                "label": "",
                "sublabel": "",
                "label_side": "",
                "label_align": "",
                "label_x0": math.nan,
                "label_x1": math.nan,
            }
        )
    return rows


def _domain(dated: pd.DataFrame, ws, we, asof_at) -> tuple[pd.Timestamp, pd.Timestamp]:
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


def _lay_out(
    dated_rows: list[dict], px, d0, d1, plot_w: float, asof_px, annotate: bool
) -> tuple[bool, float]:
    """Marks and labels of the dated events in px, packed into rows (fills the rows in
    place); returns whether the numbered phone layout is used, and the plot height."""
    compact = False
    if annotate and dated_rows:
        widest = max(
            max(
                text_width(r["title"], SIZES["label"], r["highlight"]),
                text_width(r["sublabel_text"], SIZES["small"]),
            )
            for r in dated_rows
        )
        compact = widest > COMPACT_SHARE * plot_w
    metrics = _row_metrics(compact)
    items, choices = [], []
    for n, row in enumerate(dated_rows, start=1):
        row["number"] = n
        if row["mark"] == "point":
            d = DOT_KEY if row["highlight"] else DOT
            c = px(row["start"])
            reach = (d + RING) / 2 if row["highlight"] else d / 2
            row.update(
                mark_size=d, px0=c, px1=c, m0=c - reach, m1=c + reach, x_start=_iso(row["start"]), x_end=None
            )
        else:
            x_start, x_end = max(row["start"], d0), min(row["end"] + DAY, d1)
            a, b = px(x_start), px(x_end)
            b = max(b, a + 2)  # a day-long window still shows as a bar
            reach = 3 if row["highlight"] else 0
            row.update(
                mark_size=BAR,
                px0=a,
                px1=b,
                m0=a - reach,
                m1=b + reach,
                x_start=_iso(x_start),
                x_end=_iso(x_end),
                # a bar the axis cuts off gets an arrowhead there, so it never seems to start or end at the edge
                runs_before=bool(row["start"] < d0),
                runs_after=bool(row["end"] + DAY > d1),
            )
        options = [("", math.nan, math.nan, "")]
        if annotate:
            row["sublabel"] = "" if compact else row["sublabel_text"]
            size = SIZES["small"] if compact else SIZES["label"]
            date_w = text_width(row["sublabel"], SIZES["small"]) if row["sublabel"] else 0.0
            texts = [str(n) if compact else row["title"]]
            if not compact and (
                two := two_lines(row["title"], partial(text_width, size=size, bold=row["highlight"]))
            ):
                texts.append(two)  # narrower and taller: for a mark with no room beside it on one line
            variants = [
                (t, max(date_w, *(text_width(line, size, row["highlight"]) for line in t.split("\n"))))
                for t in texts
            ]
            options = label_options(row["m0"], row["m1"], variants, plot_w, asof_px, row["mark"] == "point")
        candidates = []
        for side, x0, x1, text in options:
            depth = _depth(text, bool(row["sublabel"]), metrics["row_h"])
            if side == "above":
                candidates.append([(i, x0, x1) for i in range(depth)] + [(depth, row["m0"], row["m1"])])
            elif side:
                candidates.append(
                    [(0, min(x0, row["m0"]), max(x1, row["m1"]))] + [(i, x0, x1) for i in range(1, depth)]
                )
            else:
                candidates.append([(0, row["m0"], row["m1"])])
        items.append(candidates)
        choices.append(options)
    placed, n_lanes = pack(items)
    top = STRIP + 4
    for row, options, (lane, choice) in zip(dated_rows, choices, placed):
        side, x0, x1, text = options[choice]
        if side:
            row.update(
                label=text,
                label_side=side,
                label_x0=x0,
                label_x1=x1,
                label_align="right" if side == "left" else "left",
            )
        mark_lane = lane + _depth(text, bool(row["sublabel"]), metrics["row_h"]) if side == "above" else lane
        row["lane"], row["label_lane"] = mark_lane, lane
        row["mark_y"] = top + mark_lane * metrics["row_h"] + metrics["mark"]
        row["label_y"] = top + lane * metrics["row_h"] + metrics["label"] if side else math.nan
        row["sublabel_y"] = (
            row["label_y"] + 16 * text.count("\n") + metrics["sublabel"] - metrics["label"]
            if row["sublabel"]
            else math.nan
        )
    return compact, float(top + max(n_lanes, 1) * metrics["row_h"] + 4)


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
    "x_start",
    "x_end",
    "runs_before",
    "runs_after",
    "px0",
    "px1",
    "mark_size",
    "mark_y",
    "lane",
    "label_lane",
    "label",
    "sublabel",
    "label_side",
    "label_align",
    "label_x0",
    "label_x1",
    "label_y",
    "sublabel_y",
]


def timeline_chart(
    incident,
    *,
    theme="light",
    start=None,
    end=None,
    categories=None,
    annotate: bool = True,
    as_of=None,
    width: int = 600,
    credit=None,
) -> Chart:
    """The incident's timeline as a :class:`Chart` (see the module docstring for the design).

    ``incident``: an Incident or a folder; ``start``/``end``: a date window (ISO
    ``YYYY[-MM[-DD]]`` or dates) the axis spans, showing events whose date window overlaps
    it; ``categories``: the category names to show; ``annotate``: draw labels (tooltips
    always); ``as_of``: the "As of" date (default: the latest source publication).
    """
    inc = incident if isinstance(incident, Incident) else load_incident(Path(incident))
    inc = inc.with_as_of(as_of)  # one as-of date: the chart's override reaches every word of it

    def relayout(w: int) -> Chart:
        return timeline_chart(
            inc,
            theme=theme,
            start=start,
            end=end,
            categories=categories,
            annotate=annotate,
            as_of=as_of,
            width=w,
            credit=credit,
        )

    tl = inc.timeline
    enum = [str(c) for c in tl["category"].cat.categories]
    shown = select_events(tl, start, end, categories).reset_index(drop=True)
    chosen = (
        None
        if categories is None
        else ([categories] if isinstance(categories, str) else [str(c) for c in categories])
    )
    ws = as_window(start, "start")[0] if start is not None else None
    we = as_window(end, "end")[1] if end is not None else None

    found = inc.as_of
    asof = (pd.Timestamp(found.first), pd.Timestamp(found.last), found.precision) if found else None
    asof_why = found.why if found else ""
    asof_at = asof[1] + DAY if asof else None  # the end of the as-of day, month or year
    d0, d1 = _domain(shown[~shown["undated"]], ws, we, asof_at)
    plot_w = float(width - 2 * PAD)
    px = lambda t: float((pd.Timestamp(t) - d0) / (d1 - d0) * plot_w)  # noqa: E731
    asof_px = px(asof_at) if asof_at is not None and d0 <= asof_at <= d1 else None

    rows = _event_rows(shown)
    dated_rows = [r for r in rows if r["mark"] != "list"]
    compact, plot_h = _lay_out(dated_rows, px, d0, d1, plot_w, asof_px, annotate)

    data = pd.DataFrame([{c: row.get(c, pd.NA) for c in COLUMNS} for row in rows], columns=COLUMNS)
    for c in ("number", "lane", "label_lane"):
        data[c] = data[c].astype("Int64")
    for c in ("px0", "px1", "mark_size", "mark_y", "label_x0", "label_x1", "label_y", "sublabel_y"):
        data[c] = pd.to_numeric(data[c], errors="coerce").astype("float64").round(2)
    for c in ("start", "end"):
        data[c] = pd.to_datetime(data[c]).astype(tl[c].dtype)

    window_text = words.window_text(ws, we)
    drawn = words.Drawn(
        dated=dated_rows,
        undated=[r for r in rows if r["mark"] == "list"],
        categories=enum,
        compact=compact,
        annotate=annotate,
        asof_text=format_date(*asof) if asof else "",
        asof_why=asof_why,
        asof_drawn=asof_px is not None,
        cut_off=any(r["runs_before"] or r["runs_after"] for r in dated_rows if r["mark"] == "span"),
        window=window_text,
        chosen=chosen,
    )
    subtitle, alt_text, notes = words.subtitle(drawn), words.alt_text(drawn), words.notes(drawn)

    axis_ticks = ticks(d0, d1, plot_w, lambda s: text_width(s, SIZES["small"]))
    boxes = [  # every label's extent: gridlines and the as-of rule stop short of them
        (
            r["label_x0"],
            r["label_x1"],
            r["label_y"] - 9,
            (r["sublabel_y"] if r["sublabel"] else r["label_y"] + 16 * r["label"].count("\n")) + 9,
        )
        for r in dated_rows
        if r["label"]
    ]
    data.attrs["timeline"] = {
        "domain_ms": [int(d0.value // 10**6), int(d1.value // 10**6)],
        "plot_width": plot_w,
        "plot_height": plot_h,
        "compact": compact,
        "categories": enum,
        "ticks": [(round(x, 2), label, int(t.value // 10**6)) for x, label, t in axis_ticks],
        "gridlines": [knockout(x, STRIP, plot_h, boxes) for x, _, _ in axis_ticks],
        "as_of": None
        if asof_px is None
        else {
            "px": round(asof_px, 2),
            "ms": int(asof_at.value // 10**6),
            "text": words.as_of_label(format_date(*asof)),
            "segments": knockout(asof_px, 3, plot_h, boxes),
        },
    }
    source_ids = tuple(dict.fromkeys(sid for lst in shown["source_list"] for sid in lst))
    return Chart(
        slug="timeline",
        title=str(inc.meta.get("timeline_title") or inc.title),
        subtitle=subtitle,
        data=data,
        alt_text=alt_text,
        source_ids=source_ids,
        sources=source_line(inc, source_ids),
        notes=notes,
        credit=str(credit if credit is not None else inc.meta.get("credit", "")),
        theme=get_theme(theme),
        width=int(width),
        options={
            "start": _iso(ws) if ws is not None else None,
            "end": _iso(we) if we is not None else None,
            "categories": [c for c in enum if c in chosen] if chosen is not None else None,
            "annotate": bool(annotate),
            "as_of": _iso(asof[0], asof[2]) if asof else None,
        },
        build_altair=build_altair,
        build_matplotlib=build_matplotlib,
        relayout=relayout,
    )


# --------------------------------------------------------------------------- shared frame


def _frame(chart: Chart) -> dict:
    """Everything outside the plot rows, in px, shared by both renderers: title block,
    the lists under the axis (numbered key, "Date not found" lane), legend and footer."""
    meta = chart.data.attrs["timeline"]
    t = chart.theme
    W, plot_w = chart.width, meta["plot_width"]
    colors = t.category_colors(meta["categories"])
    title_lines = wrap(chart.title, plot_w, SIZES["title"], True)
    subtitle_lines = wrap(chart.subtitle, plot_w, SIZES["subtitle"])
    texts, symbols = [], []  # items of the block under the axis (y from its top)
    y = 0.0
    label, small = SIZES["label"], SIZES["small"]

    def text(x, y, s, size, bold=False, color=None, align="left", event_id=""):
        texts.append(
            {
                "x": round(x, 2),
                "y": round(y, 2),
                "text": s,
                "size": size,
                "bold": bold,
                "color": color or t.text,
                "align": align,
                "event_id": event_id,
                "gid": f"list-{event_id}" if event_id else "",
            }
        )

    def entry(x, head, sub, bold, event_id):
        """A list entry: the title (wrapped), its date under it, as in the plot's labels."""
        nonlocal y
        for line in wrap(head, plot_w - x, label, bold):
            text(x, y + 8, line, label, bold, event_id=event_id)
            y += 17
        text(x, y + 7, sub, small, color=t.muted, event_id=event_id)
        y += 15 + 6

    d = chart.data
    dated = d[d["mark"] != "list"]
    if meta["compact"] and (dated["label"] != "").any():
        col = max(text_width(str(n), small, True) for n in dated["number"]) + 8
        for _, r in dated.iterrows():
            text(col - 6, y + 8, str(r["number"]), small, True, align="right", event_id=r["event_id"])
            entry(col, r["title"], r["sublabel_text"], bool(r["highlight"]), r["event_id"])
        y += 6
    undated = d[d["mark"] == "list"]
    if len(undated):
        text(0, y + 7, words.DATE_NOT_FOUND, small, True, color=t.muted)
        y += 18
        for _, r in undated.iterrows():
            symbols.append(
                {
                    "kind": "point",
                    "x": 5.0,
                    "y": round(y + 8, 2),
                    "size": 9,
                    "category": r["category"],
                    "event_id": r["event_id"],
                }
            )
            entry(16, r["title"], r["sublabel_text"], bool(r["highlight"]), r["event_id"])
        y += 6

    # legend: what the marks mean, flowing into rows
    legend = [("point", c, humanise(c)) for c in meta["categories"] if (d["category"] == c).any()]
    if dated["highlight"].any():
        legend.append(("ring", None, words.KEY_MOMENT))
    if dated["upcoming"].any():
        legend.append(("hollow", None, words.SCHEDULED))
    if (d["mark"] == "span").any():
        legend.append(("bar", None, words.SPAN))
    x = 0.0
    y += 4
    for kind, cat, name in legend:
        sw = 18 if kind == "bar" else 12 if kind in ("ring", "hollow") else 10
        need = sw + 5 + text_width(name, small) + 14
        if x > 0 and x + need - 14 > plot_w:
            x, y = 0.0, y + 18
        symbols.append(
            {
                "kind": kind,
                "x": round(x + sw / 2, 2),
                "y": round(y + 8, 2),
                "size": sw,
                "category": cat,
                "event_id": "",
            }
        )
        text(x + sw + 5, y + 8, name, small, color=t.text)
        x += need
    if legend:
        y += 18 + 8
    for line in chart.footer_lines:
        for part in wrap(line, plot_w, SIZES["footer"]):
            text(0, y + 7, part, SIZES["footer"], color=t.muted)
            y += 15
    below_h = y + 2

    top = PAD + len(title_lines) * 25 + 4 + len(subtitle_lines) * 19 + 14
    plot_h = meta["plot_height"]
    below_top = top + plot_h + 26 + 12
    return {
        "W": W,
        "H": int(math.ceil(below_top + below_h + PAD)),
        "plot_w": plot_w,
        "plot_h": plot_h,
        "plot_top": top,
        "below_top": below_top,
        "below_h": below_h,
        "title_lines": title_lines,
        "subtitle_lines": subtitle_lines,
        "texts": texts,
        "symbols": symbols,
        "colors": colors,
        "shapes": t.category_shapes(meta["categories"]),
        "mpl_shapes": t.category_shapes(meta["categories"], mpl=True),
    }


def _event_labels(chart: Chart) -> list[dict]:
    """The label lines drawn in the plot rows: title (or number) and the date under it."""
    t = chart.theme
    out = []
    for _, r in chart.data[chart.data["label"] != ""].iterrows():
        x = r["label_x1"] if r["label_align"] == "right" else r["label_x0"]
        size = SIZES["small"] if chart.data.attrs["timeline"]["compact"] else SIZES["label"]
        for i, line in enumerate(r["label"].split("\n")):
            out.append(
                {
                    "x": x,
                    "y": r["label_y"] + 16 * i,
                    "text": line,
                    "size": size,
                    "bold": bool(r["highlight"]),
                    "color": t.text,
                    "align": r["label_align"],
                    "event_id": r["event_id"],
                    "gid": f"label-{r['event_id']}",
                }
            )
        if r["sublabel"]:
            out.append(
                {
                    "x": x,
                    "y": r["sublabel_y"],
                    "text": r["sublabel"],
                    "size": SIZES["small"],
                    "bold": False,
                    "color": t.muted,
                    "align": r["label_align"],
                    "event_id": r["event_id"],
                    "gid": f"date-{r['event_id']}",
                }
            )
    return out


# --------------------------------------------------------------------------- altair


def _span_alpha(t: Theme) -> float:
    """Fill opacity of a month/year bar: lighter than a point, but still visible on a dark page."""
    return 0.6 if contrast(t.background, "#ffffff") > contrast(t.background, "#000000") else 0.45


def _arrows(chart: Chart) -> list[dict]:
    """Arrowheads at the ends of bars the axis cuts off (px), pointing the way the bar runs on."""
    out = []
    for _, r in chart.data[chart.data["mark"] == "span"].iterrows():
        for runs, x, way in (
            (r["runs_before"], r["px0"] + 4, "left"),
            (r["runs_after"], r["px1"] - 4, "right"),
        ):
            if runs:
                out.append({"x": x, "y": r["mark_y"], "way": way, "category": r["category"]})
    return out


def _records(frame: pd.DataFrame, columns) -> list[dict]:
    """Plain JSON records (no NaN, no numpy scalars) so the spec is stable and valid;
    ``aria`` is what a screen reader announces for the mark."""
    out = []
    for _, r in frame.iterrows():
        rec = {"aria": words.aria(r)}
        for c in columns:
            v = r[c]
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                v = None
            elif hasattr(v, "item"):
                v = v.item()
            rec[c] = v
        out.append(rec)
    return out


def build_altair(chart: Chart):
    """The interactive Vega-Lite rendering, built from ``chart.data`` only."""
    import altair as alt

    t = chart.theme
    f = _frame(chart)
    meta = chart.data.attrs["timeline"]
    ms0, ms1 = meta["domain_ms"]
    to_ms = lambda x: round(ms0 + x / f["plot_w"] * (ms1 - ms0))  # noqa: E731  px -> time on the shared scale
    cats = meta["categories"]
    xscale = alt.Scale(type="utc", domain=[ms0, ms1])
    Y = lambda field: alt.Y(field, type="quantitative", scale=None, axis=None)  # noqa: E731  rows are laid out in px
    color = alt.Color(
        "category:N", scale=alt.Scale(domain=cats, range=[f["colors"][c] for c in cats]), legend=None
    )
    shape = alt.Shape(
        "category:N", scale=alt.Scale(domain=cats, range=[f["shapes"][c] for c in cats]), legend=None
    )
    tooltip = alt.Tooltip("tt:N")  # one object per event: vega shows it as a table
    ring = dict(
        shape="circle", filled=False, stroke=t.accent, strokeWidth=2, opacity=1, aria=False
    )  # key-moment ring
    d = chart.data
    fields = [
        "event_id",
        "category",
        "highlight",
        "upcoming",
        "x_start",
        "x_end",
        "px0",
        "px1",
        "mark_size",
        "mark_y",
    ]
    # Tooltip text and the screen-reader label live once per event, in one table that every
    # event mark looks up by id (key-moment rings would otherwise carry second copies).
    tips = [
        {"event_id": r["event_id"], "aria": r["aria"], "tt": {name: r[c] for c, name in words.TOOLTIP}}
        for r in _records(d, ["event_id"] + [c for c, _ in words.TOOLTIP])
    ]
    tip_data = alt.LookupData(data=alt.InlineData(values=tips), key="event_id", fields=["aria", "tt"])

    # Rows name their colour by role or category; one scale turns names into this theme's
    # colours, so the light and dark specs share their data (a chart page carries both).
    named = {t.text: "~text", t.muted: "~muted", t.accent: "~accent", **{f["colors"][c]: c for c in cats}}
    event_labels = _event_labels(chart)
    for other in [lab["color"] for lab in event_labels] + [s["color"] for s in f["texts"]]:
        named.setdefault(other, other)  # a colour outside the roles names itself
    ink = alt.Color("color:N", legend=None, scale=alt.Scale(domain=list(named.values()), range=list(named)))

    def marks(records):
        """A chart of event marks: geometry in its rows, words looked up by event id."""
        geometry = [{k: v for k, v in r.items() if k != "aria"} for r in records]
        return alt.Chart(alt.InlineData(values=geometry)).transform_lookup(lookup="event_id", from_=tip_data)

    tick_rows = [
        {"t": ms, "y0": a, "y1": b}
        for (_, _, ms), pieces in zip(meta["ticks"], meta["gridlines"])
        for a, b in pieces
    ]
    label_expr = (
        "{" + ", ".join(f"'{ms}': '{label}'" for _, label, ms in meta["ticks"]) + "}[toNumber(datum.value)]"
    )
    layers = [
        # gridlines at the ticks; this layer also carries the axis
        alt.Chart(alt.InlineData(values=tick_rows))
        .mark_rule(color=t.grid, strokeWidth=1, aria=False)
        .encode(
            x=alt.X(
                "t:T",
                scale=xscale,
                title=None,
                axis=alt.Axis(
                    values=[ms for _, _, ms in meta["ticks"]],
                    labelExpr=label_expr,
                    grid=False,
                    labelFlush=False,
                    labelOverlap=False,
                    tickSize=4,
                    domainColor=t.muted,
                    tickColor=t.muted,
                    labelPadding=3,
                ),
            ),
            y=Y("y0"),
            y2="y1:Q",
        )
    ]
    spans = d[d["mark"] == "span"]
    if len(spans):
        recs = _records(spans, fields)
        for rec in recs:
            rec["y0"], rec["y1"] = rec["mark_y"] - BAR / 2, rec["mark_y"] + BAR / 2
            rec["hx0"], rec["hx1"] = (
                to_ms(rec["px0"] - 3),
                to_ms(rec["px1"] + 3),
            )  # the accent outline, 3 px out
            rec["hy0"], rec["hy1"] = rec["y0"] - 3, rec["y1"] + 3
        for rs, alpha in (
            ([r for r in recs if not r["upcoming"]], _span_alpha(t)),
            ([r for r in recs if r["upcoming"]], 0.0),
        ):
            if rs:  # a scheduled bar is an outline only, like a scheduled point
                layers.append(
                    marks(rs)
                    .mark_bar(fillOpacity=alpha, strokeWidth=1, cornerRadius=0)
                    .encode(
                        x=alt.X("x_start:T", scale=xscale),
                        x2="x_end:T",
                        y=Y("y0"),
                        y2="y1:Q",
                        color=color,
                        stroke=color,
                        tooltip=tooltip,
                        description="aria:N",
                    )
                )
        keys = [r for r in recs if r["highlight"]]
        if keys:
            layers.append(
                marks(keys)
                .mark_rect(fill=None, stroke=t.accent, strokeWidth=2, aria=False)
                .encode(x=alt.X("hx0:T", scale=xscale), x2="hx1:T", y=Y("hy0"), y2="hy1:Q", tooltip=tooltip)
            )
    arrows = _arrows(chart)
    if arrows:
        for a in arrows:
            a.update(t=to_ms(a["x"]), shape=f"triangle-{a['way']}")
        layers.append(
            alt.Chart(alt.InlineData(values=arrows))
            .mark_point(filled=True, opacity=1, size=BAR**2, aria=False)
            .encode(
                x=alt.X("t:T", scale=xscale), y=Y("y"), color=color, shape=alt.Shape("shape:N", scale=None)
            )
        )
    points = d[d["mark"] == "point"]
    if len(points):
        recs = _records(points, fields)
        for rec in recs:
            rec["area"] = rec["mark_size"] ** 2
            rec["ring"] = (rec["mark_size"] + RING) ** 2
        keys = [r for r in recs if r["highlight"]]
        if keys:
            layers.append(
                marks(keys)
                .mark_point(**ring)
                .encode(
                    x=alt.X("x_start:T", scale=xscale),
                    y=Y("mark_y"),
                    size=alt.Size("ring:Q", scale=None),
                    tooltip=tooltip,
                )
            )
        done = [r for r in recs if not r["upcoming"]]
        if done:
            layers.append(
                marks(done)
                .mark_point(filled=True, opacity=1, stroke=t.background, strokeWidth=1)
                .encode(
                    x=alt.X("x_start:T", scale=xscale),
                    y=Y("mark_y"),
                    shape=shape,
                    color=color,
                    size=alt.Size("area:Q", scale=None),
                    tooltip=tooltip,
                    description="aria:N",
                )
            )
        scheduled = [r for r in recs if r["upcoming"]]
        if scheduled:  # hollow: it has not happened as of the data's date
            layers.append(
                marks(scheduled)
                .mark_point(filled=False, opacity=1, strokeWidth=2)
                .encode(
                    x=alt.X("x_start:T", scale=xscale),
                    y=Y("mark_y"),
                    shape=shape,
                    color=color,
                    size=alt.Size("area:Q", scale=None),
                    tooltip=tooltip,
                    description="aria:N",
                )
            )
    labels = [
        {
            "t": to_ms(lab["x"]),
            "y": lab["y"],
            "text": lab["text"],
            "size": lab["size"],
            "color": named[lab["color"]],
            "align": lab["align"],
            "weight": "bold" if lab["bold"] else "normal",
            "event_id": lab["event_id"],
        }
        for lab in event_labels
    ]
    if labels:
        layers.append(
            alt.Chart(alt.InlineData(values=labels))
            .mark_text(
                baseline="middle",
                align=alt.ExprRef("datum.align"),
                fontWeight=alt.ExprRef("datum.weight"),
                aria=False,
            )
            .encode(
                x=alt.X("t:T", scale=xscale),
                y=Y("y"),
                text="text:N",
                size=alt.Size("size:Q", scale=None),
                color=ink,
            )
        )
    asof = meta["as_of"]
    if asof:
        right = asof["px"] + 4 + text_width(asof["text"], SIZES["small"]) <= f["plot_w"]
        layers.append(
            alt.Chart(
                alt.InlineData(values=[{"t": asof["ms"], "y0": a, "y1": b} for a, b in asof["segments"]])
            )
            .mark_rule(color=t.muted, strokeDash=[4, 3], strokeWidth=1.2, aria=False)
            .encode(x=alt.X("t:T", scale=xscale), y=Y("y0"), y2="y1:Q")
        )
        layers.append(
            alt.Chart(
                alt.InlineData(values=[{"t": to_ms(asof["px"] + (4 if right else -4)), "text": asof["text"]}])
            )
            .mark_text(
                align="left" if right else "right",
                baseline="middle",
                fontSize=SIZES["small"],
                color=t.muted,
                aria=False,
            )
            .encode(
                x=alt.X("t:T", scale=xscale),
                y=alt.datum(STRIP / 2, type="quantitative", scale=None),
                text="text:N",
            )
        )
    # colour scales per layer: the category scale and the named-colour scale must not merge
    plot = (
        alt.layer(*layers)
        .resolve_scale(color="independent")
        .properties(width=f["plot_w"], height=f["plot_h"])
    )

    # the block under the axis: key, "Date not found" lane, legend, footer (px coordinates)
    below = []
    for s in f["symbols"]:
        s["shape"] = f["shapes"].get(s["category"], "circle") if s["category"] else "circle"
        s["color"] = s["category"] if s["category"] in f["colors"] else "~muted"
    pts = [s for s in f["symbols"] if s["kind"] == "point"]
    if pts:
        undated = set(d.loc[d["mark"] == "list", "event_id"].astype(str))
        for s in pts:
            s["area"] = s["size"] ** 2
        # undated events are announced like the plotted ones; legend swatches are
        # decorative (their text sits beside them and the alt text lists the categories)
        events, swatches = (
            [s for s in pts if s["event_id"] in undated],
            [s for s in pts if s["event_id"] not in undated],
        )
        encoding = dict(
            x=alt.X("x:Q", scale=None, axis=None),
            y=Y("y"),
            shape=alt.Shape("shape:N", scale=None),
            color=ink,
            size=alt.Size("area:Q", scale=None),
        )
        if events:
            below.append(
                marks(events)
                .mark_point(filled=True, opacity=1)
                .encode(**encoding, tooltip=tooltip, description="aria:N")
            )
        if swatches:
            below.append(
                alt.Chart(alt.InlineData(values=swatches))
                .mark_point(filled=True, opacity=1, aria=False)
                .encode(**encoding)
            )
    hollow = [dict(s, area=s["size"] ** 2) for s in f["symbols"] if s["kind"] == "hollow"]
    if hollow:
        below.append(
            alt.Chart(alt.InlineData(values=hollow))
            .mark_point(shape="circle", filled=False, stroke=t.muted, strokeWidth=2, opacity=1, aria=False)
            .encode(x=alt.X("x:Q", scale=None, axis=None), y=Y("y"), size=alt.Size("area:Q", scale=None))
        )
    rings = [dict(s, area=s["size"] ** 2) for s in f["symbols"] if s["kind"] == "ring"]
    if rings:
        below.append(
            alt.Chart(alt.InlineData(values=rings))
            .mark_point(**ring)
            .encode(x=alt.X("x:Q", scale=None, axis=None), y=Y("y"), size=alt.Size("area:Q", scale=None))
        )
    bars = [
        dict(
            s, x0=s["x"] - s["size"] / 2, x1=s["x"] + s["size"] / 2, y0=s["y"] - BAR / 2, y1=s["y"] + BAR / 2
        )
        for s in f["symbols"]
        if s["kind"] == "bar"
    ]
    if bars:
        below.append(
            alt.Chart(alt.InlineData(values=bars))
            .mark_rect(fill=t.muted, fillOpacity=_span_alpha(t), stroke=t.muted, strokeWidth=1, aria=False)
            .encode(x=alt.X("x0:Q", scale=None, axis=None), x2="x1:Q", y=Y("y0"), y2="y1:Q")
        )
    texts = [
        {
            "x": s["x"],
            "y": s["y"],
            "text": s["text"],
            "size": s["size"],
            "color": named[s["color"]],
            "align": s["align"],
            "weight": "bold" if s["bold"] else "normal",
        }
        for s in f["texts"]
    ]
    below.append(
        alt.Chart(alt.InlineData(values=texts))
        .mark_text(
            baseline="middle",
            align=alt.ExprRef("datum.align"),
            fontWeight=alt.ExprRef("datum.weight"),
            aria=False,
        )
        .encode(
            x=alt.X("x:Q", scale=None, axis=None),
            y=Y("y"),
            text="text:N",
            size=alt.Size("size:Q", scale=None),
            color=ink,
        )
    )
    under = (
        alt.layer(*below)
        .resolve_scale(color="independent")
        .properties(width=f["plot_w"], height=f["below_h"])
    )

    # vconcat spacing counts from the bottom of the plot's axis
    top = alt.vconcat(plot, under, spacing=f["below_top"] - f["plot_top"] - f["plot_h"] - 26).properties(
        title=alt.TitleParams(text=f["title_lines"], subtitle=f["subtitle_lines"], anchor="start"),
        description=chart.alt_text,
    )
    return top.configure(**vega_config(t))


# --------------------------------------------------------------------------- matplotlib


def _mpl_text(s: str) -> str:
    return s.replace("$", r"\$")  # a '$' pair would otherwise be read as mathtext


@lru_cache(maxsize=1)
def _themed_figure():
    from matplotlib.figure import Figure

    class ThemedFigure(Figure):
        """A Figure that also *saves* under the house rc: SVG text stays text and SVG ids are
        salted (same bytes every time) even when the caller saves outside ``mpl_style``."""

        def __init__(self, *args, theme: Theme, **kwargs):
            super().__init__(*args, **kwargs)
            self.house_theme = theme

        def savefig(self, *args, **kwargs):
            with mpl_style(self.house_theme):
                return super().savefig(*args, **kwargs)

    return ThemedFigure


def build_matplotlib(chart: Chart):
    """The static rendering: the same layout on a matplotlib Figure (1 px = 1/100 inch)."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Rectangle

    t = chart.theme
    f = _frame(chart)
    meta = chart.data.attrs["timeline"]
    W, H, plot_w, plot_h = f["W"], f["H"], f["plot_w"], f["plot_h"]
    d = chart.data
    with mpl_style(t):
        fig = _themed_figure()(figsize=(W / 100, H / 100), dpi=100, theme=t)
        page = fig.add_axes((0, 0, 1, 1), zorder=0)  # px coordinates, y down
        page.set_xlim(0, W)
        page.set_ylim(H, 0)
        page.axis("off")
        ax = fig.add_axes((PAD / W, 1 - (f["plot_top"] + plot_h) / H, plot_w / W, plot_h / H), zorder=1)
        ax.set_xlim(0, plot_w)
        ax.set_ylim(plot_h, 0)
        ax.patch.set_alpha(0)
        for side in ("left", "top", "right"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_color(t.muted)
        ax.spines["bottom"].set_linewidth(PT)
        ax.set_yticks([])
        ax.set_xticks([x for x, _, _ in meta["ticks"]], [label for _, label, _ in meta["ticks"]])
        ax.tick_params(
            axis="x",
            length=4 * PT,
            width=PT,
            color=t.muted,
            labelsize=SIZES["small"] * PT,
            labelcolor=t.muted,
            pad=3 * PT,
        )
        for (x, _, _), pieces in zip(meta["ticks"], meta["gridlines"]):
            ax.vlines(
                [x] * len(pieces),
                [a for a, _ in pieces],
                [b for _, b in pieces],
                colors=t.grid,
                linewidth=PT,
                zorder=0,
            )

        def draw_text(axes, item):
            axes.text(
                item["x"],
                item["y"],
                _mpl_text(item["text"]),
                fontsize=item["size"] * PT,
                color=item["color"],
                fontweight="bold" if item["bold"] else "normal",
                ha=item["align"],
                va="center",
                zorder=4,
                gid=item.get("gid") or None,
            )

        for _, r in d[d["mark"] == "span"].iterrows():
            c = f["colors"][r["category"]]
            y0 = r["mark_y"] - BAR / 2
            ax.add_patch(
                Rectangle(
                    (r["px0"], y0),
                    r["px1"] - r["px0"],
                    BAR,
                    facecolor=to_rgba(c, 0 if r["upcoming"] else _span_alpha(t)),
                    edgecolor=c,
                    linewidth=PT,
                    zorder=2,
                    gid=f"span-{r['event_id']}",
                )
            )
            if r["highlight"]:
                ax.add_patch(
                    Rectangle(
                        (r["px0"] - 3, y0 - 3),
                        r["px1"] - r["px0"] + 6,
                        BAR + 6,
                        facecolor="none",
                        edgecolor=t.accent,
                        linewidth=2 * PT,
                        zorder=2,
                        gid=f"ring-{r['event_id']}",
                    )
                )
        for a in _arrows(chart):
            ax.scatter(
                [a["x"]],
                [a["y"]],
                s=(BAR * PT) ** 2,
                marker="<" if a["way"] == "left" else ">",
                c=[f["colors"][a["category"]]],
                linewidths=0,
                zorder=3,
            )
        for _, r in d[d["mark"] == "point"].iterrows():
            dot = r["mark_size"]
            if r["highlight"]:
                ax.scatter(
                    [r["px0"]],
                    [r["mark_y"]],
                    s=((dot + RING) * PT) ** 2,
                    marker="o",
                    facecolors="none",
                    edgecolors=t.accent,
                    linewidths=2 * PT,
                    zorder=3,
                    gid=f"ring-{r['event_id']}",
                )
            c = f["colors"][r["category"]]
            hollow = (
                dict(facecolors="none", edgecolors=c, linewidths=2 * PT)
                if r["upcoming"]
                else dict(c=[c], edgecolors=t.background, linewidths=PT)
            )
            ax.scatter(
                [r["px0"]],
                [r["mark_y"]],
                s=(dot * PT) ** 2,
                marker=f["mpl_shapes"][r["category"]],
                zorder=3,
                gid=f"point-{r['event_id']}",
                **hollow,
            )
        for item in _event_labels(chart):
            draw_text(ax, item)
        asof = meta["as_of"]
        if asof:
            pieces = asof["segments"]
            ax.vlines(
                [asof["px"]] * len(pieces),
                [a for a, _ in pieces],
                [b for _, b in pieces],
                colors=t.muted,
                linestyles=(0, (4, 3)),
                linewidth=1.2 * PT,
                zorder=1,
                gid="as-of",
            )
            right = asof["px"] + 4 + text_width(asof["text"], SIZES["small"]) <= plot_w
            draw_text(
                ax,
                {
                    "x": asof["px"] + (4 if right else -4),
                    "y": STRIP / 2,
                    "text": asof["text"],
                    "size": SIZES["small"],
                    "bold": False,
                    "color": t.muted,
                    "align": "left" if right else "right",
                    "event_id": "",
                },
            )

        # title block and the block under the axis, on the page axes
        y = PAD
        for line in f["title_lines"]:
            page.text(
                PAD,
                y + 12.5,
                _mpl_text(line),
                fontsize=SIZES["title"] * PT,
                fontweight="bold",
                color=t.text,
                va="center",
            )
            y += 25
        y += 4
        for line in f["subtitle_lines"]:
            page.text(
                PAD, y + 9.5, _mpl_text(line), fontsize=SIZES["subtitle"] * PT, color=t.muted, va="center"
            )
            y += 19
        off = f["below_top"]
        for s in f["symbols"]:
            x, y = PAD + s["x"], off + s["y"]
            if s["kind"] == "point":
                page.scatter(
                    [x],
                    [y],
                    s=(s["size"] * PT) ** 2,
                    marker=f["mpl_shapes"][s["category"]],
                    c=[f["colors"][s["category"]]],
                    zorder=3,
                )
            elif s["kind"] in ("ring", "hollow"):
                edge = t.accent if s["kind"] == "ring" else t.muted
                page.scatter(
                    [x],
                    [y],
                    s=(s["size"] * PT) ** 2,
                    marker="o",
                    facecolors="none",
                    edgecolors=edge,
                    linewidths=2 * PT,
                    zorder=3,
                )
            else:
                page.add_patch(
                    Rectangle(
                        (x - s["size"] / 2, y - BAR / 2),
                        s["size"],
                        BAR,
                        facecolor=to_rgba(t.muted, _span_alpha(t)),
                        edgecolor=t.muted,
                        linewidth=PT,
                    )
                )
        for item in f["texts"]:
            draw_text(page, dict(item, x=PAD + item["x"], y=off + item["y"]))
    return fig
