"""The funnel chart: how many people were asked for, how many were handed over, how many in error.

Encoding, and why
-----------------
The stages span three orders of magnitude, so one honest scale cannot show them all.
``scale="zoom"`` (default) draws every stage as a horizontal bar on ONE shared linear
scale, so the reader sees the true proportion (the later stages are slivers), then
redraws the stages after the first in a panel below at their own scale (anchored to
stage 2, "enlarged ×N", N computed), joined to the bars above by a wedge that spans
the same range. Every number is written out above its bar, never inside it, so thin
bars keep their labels at phone width. ``scale="linear"`` is the first part alone.
``scale="log"`` uses dots on a logarithmic axis instead of bars (a bar's length means
nothing on a log scale) and says so in the subtitle and on the axis.

A stage known only as a range is never a solid bar: it is a faded span from its low to
its high bound with bracket ends (hatched in matplotlib; Vega-Lite has no hatching).
Context figures are other quantities (violations, addresses): they are listed under
"Not part of the funnel", never drawn or summed as stages. Money figures are left out.

Both renderers draw from one pixel layout (:func:`_layout`) computed from ``chart.data``,
with text wrapped by measuring DejaVu Sans, the widest font in the house stack, so the
same words land on the same lines and nothing overflows in either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from .. import asof, verification
from ..data import Incident, load_incident
from ..formatting import EN_DASH, MONEY_UNITS, format_number
from ..missing import present as _present
from ..quantity import Quantity
from ..theme import PT, SIZES, Theme, get_theme, mpl_style, vega_config
from .base import Chart, source_line
from .text import text_width, wrap

__all__ = ["SCALES", "build_altair", "build_matplotlib", "funnel_chart"]

SCALES = ("zoom", "linear", "log")
MIN_ZOOM = 2  # below this the second stage is already half the width: no magnified panel

# ----------------------------------------------------------------------------- content


def _stage_numbers(stages) -> str:
    """[2, 3] -> 'stages 2–3'; [3] -> 'stage 3'; [2, 4] -> 'stages 2 and 4'."""
    nums = [format_number(s) for s in stages]
    if len(nums) == 1:
        return f"stage {nums[0]}"
    if list(stages) == list(range(stages[0], stages[-1] + 1)):
        return f"stages {nums[0]}{EN_DASH}{nums[-1]}"
    return f"stages {', '.join(nums[:-1])} and {nums[-1]}"


def _reported_list(records: list[dict]) -> str:
    """Every reported value in its own words with its outlet, the preferred one marked:
    the tooltip's evidence."""
    out = []
    for r in records:
        said = verification.with_caveat(f"{r['value_text']}, {r['outlet']}", r["verification"])
        out.append(said + (" (preferred)" if r["preferred"] else ""))
    return "; ".join(out)


def _row(r, panel: str, records: list[dict], share_text: str = "") -> dict:
    q = Quantity.of(r)
    lo, hi = q.supported
    return {
        "panel": panel,
        "stage": r["stage"],
        "figure_id": r["figure_id"],
        "label": r["label"],
        "sentence_label": r["sentence_label"],
        "unit": q.unit,
        "bound": q.bound,
        "value": r["value"],
        "low": r["low"],
        "high": r["high"],
        "open_low": not q.is_point and lo is None,  # no bracket where the source set no limit
        "open_high": not q.is_point and hi is None,
        "representative": r["representative"],
        "is_range": bool(r["is_range"]),
        "share_low": r.get("share_low", pd.NA),
        "share_high": r.get("share_high", pd.NA),
        "as_reported": r["as_reported"],
        "value_text": r["value_text"],
        "share_text": share_text,
        "value_line": f"{r['value_text']} · {share_text}" if share_text else r["value_text"],
        "reported_text": r["spread_text"],
        "reported_values": _reported_list(records),
        "verification": verification.label(r["verification"]),
        "caveat": str(r["caveat"]),
        "outlets": "; ".join(dict.fromkeys(str(x["outlet"]) for x in records)),
        "source_ids": "; ".join(r["source_ids"]),
    }


def _rows(inc: Incident, scale: str, show_context: bool) -> pd.DataFrame:
    rows = []
    for _, r in inc.funnel.iterrows():
        share_text = r["share_text"]
        if share_text and _present(r["share_label"]):
            share_text = f"{share_text} of {r['share_label']}"
        rows.append(_row(r, "funnel", r["reported"], share_text))
    if show_context:
        rv = inc.reported_values
        for _, r in inc.context.iterrows():
            if str(r["unit"]) in MONEY_UNITS:
                continue  # dollars are a different kind of thing: not next to counts of people
            records = rv[rv["figure_id"] == r["figure_id"]].to_dict("records")
            rows.append(_row(r, "context", records))
    data = pd.DataFrame(rows)
    for col in ("stage", "value", "low", "high", "representative"):
        data[col] = data[col].astype("Int64")
    for col in ("share_low", "share_high"):
        data[col] = data[col].astype("Float64")
    for col in ("is_range", "open_low", "open_high"):
        data[col] = data[col].astype(bool)
    data["zoomed"] = False
    if _zoom_factor(data, scale):
        data["zoomed"] = (data["panel"] == "funnel") & (data["stage"] > 1)
    return data


def _zoom_factor(data: pd.DataFrame, scale: str) -> float | None:
    """Full scale over the magnified panel's scale (anchored to stage 2), or None for no panel."""
    f = data[data["panel"] == "funnel"]
    if scale != "zoom" or len(f) < 2:
        return None
    top, second = float(f["representative"].max()), float(f["representative"].iloc[1])
    return top / second if second > 0 and top / second >= MIN_ZOOM else None


def _subtitle(stages: pd.DataFrame, scale: str) -> str:
    parts = []
    for _, r in stages.iterrows():
        text = f"{r['value_text']} {r['sentence_label']}"
        notes = "; ".join(x for x in (r["share_text"], r["caveat"]) if x)
        parts.append(f"{text} ({notes})" if notes else text)
    text = ", then ".join(parts) + "."
    text = (
        text[:1].upper() + text[1:]
    )  # a sentence opens capitalised ("More than 12 million ..."); labels are untouched
    if scale == "log":
        text += (
            " Logarithmic scale: each gridline is 10 times the last."  # says how to read it before reading
        )
    return text


def _notes(stages: pd.DataFrame, context: pd.DataFrame, scale: str, asof_text: str) -> str:
    notes = []
    ranges = stages[stages["is_range"]]
    if len(ranges):
        verb = "has" if len(ranges) == 1 else "have"
        notes.append(
            f"{_stage_numbers([int(s) for s in ranges['stage']]).capitalize()} {verb} no exact count: drawn as a "
            "shaded span, not a bar, with a bracket at each end a source supports."
        )
    if (ranges["open_low"] | ranges["open_high"]).any():
        notes.append("A span without a bracket at one end: no source sets a limit on that side.")
    if scale == "log":
        notes.append("Scale: logarithmic.")
    if len(context):
        notes.append("Figures not part of the funnel count other things and are never added to it.")
    notes.append(f"Data as of {asof_text}.")
    return " ".join(notes)


def _alt_text(
    stages: pd.DataFrame, context: pd.DataFrame, scale: str, zoom: float | None, asof_text: str
) -> str:
    n = len(stages)
    how = {
        "zoom": "drawn as horizontal bars on one linear scale",
        "linear": "drawn as horizontal bars on one linear scale",
        "log": "drawn as dots on a logarithmic scale where each gridline is 10 times the last",
    }[scale]
    if zoom:
        later = [int(s) for s in stages["stage"].iloc[1:]]
        how += (
            f", with a lower panel that redraws {_stage_numbers(later)} enlarged {format_number(round(zoom))} times "
            "so the small stages can be seen"
        )
    text = [f"A funnel chart in {format_number(n)} stage{'s' if n != 1 else ''}, {how}."]
    for _, r in stages.iterrows():
        bits = [r["value_text"]]
        if r["share_text"]:
            bits.append(r["share_text"])
        if r["caveat"]:
            bits.append(f"verification: {r['caveat']}")
        if r["reported_text"]:
            bits.append(r["reported_text"])
        sentence = f"Stage {format_number(r['stage'])}, {r['sentence_label']}: {', '.join(bits)}"
        if r["is_range"]:
            sentence += "; drawn as a shaded span, not a solid bar"
        text.append(sentence + ".")
    if len(context):
        items = "; ".join(
            verification.bracketed(f"{r['sentence_label']}, {r['value_text']}", r["caveat"])
            for _, r in context.iterrows()
        )
        text.append(f"Also shown, not part of the funnel: {items}.")
    text.append(f"Data as of {asof_text}.")
    return " ".join(text)


def funnel_chart(
    incident: Incident | str | Path,
    *,
    theme: str | Theme = "light",
    scale: str = "zoom",
    width: int = 600,
    show_context: bool = True,
    credit: str | None = None,
) -> Chart:
    """The request-versus-fulfilment funnel of any incident, as a :class:`Chart`.

    ``scale``: "zoom" (proportional bars plus a magnified panel of the later stages),
    "linear" (proportional bars only) or "log" (dots on a logarithmic axis).
    ``show_context`` lists the incident's non-money context figures under the funnel.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r} (expected one of: {', '.join(SCALES)})")
    inc = incident if isinstance(incident, Incident) else load_incident(incident)
    data = _rows(inc, scale, show_context)

    def relayout(w: int) -> Chart:
        return funnel_chart(inc, theme=theme, scale=scale, width=w, show_context=show_context, credit=credit)

    stages, context = data[data["panel"] == "funnel"], data[data["panel"] == "context"]
    source_ids = tuple(dict.fromkeys(s for ids in data["source_ids"] for s in ids.split("; ") if s))
    return Chart(
        slug="funnel",
        title=str(inc.meta.get("funnel_title") or inc.title),
        subtitle=_subtitle(stages, scale),
        data=data,
        alt_text=_alt_text(stages, context, scale, _zoom_factor(data, scale), asof.text(inc)),
        source_ids=source_ids,
        sources=source_line(inc, source_ids),
        notes=_notes(stages, context, scale, asof.text(inc)),
        credit=inc.meta.get("credit", "") if credit is None else credit,
        theme=get_theme(theme),
        width=int(width),
        options={"scale": scale, "show_context": bool(show_context)},
        build_altair=build_altair,
        build_matplotlib=build_matplotlib,
        relayout=relayout,
    )


# ----------------------------------------------------------------------------- layout
# One layout in pixels (y grows downwards), computed from chart.data and shared by both
# renderers. Marks on a panel's value axis carry "v"/"v2"; text and rules carry pixel "x".

PAD = vega_config()["padding"]["left"]  # outer padding: matplotlib leaves the same margin
GAP = 16  # between panels (Vega-Lite concat spacing)
BAR, ZBAR = 20, 14  # bar thickness in the main and magnified panels
SERIF = 5  # length of a range bracket's ends
LINE = 1.3  # line height, in font sizes

# text style -> (SIZES key, bold, colour role)
STYLES = {
    "title": ("title", True, "text"),
    "subtitle": ("subtitle", False, "muted"),
    "label": ("label", False, "text"),
    "value": ("label", True, "text"),
    "reported": ("small", False, "muted"),
    "zoom_head": ("small", True, "text"),
    "zoom_label": ("small", False, "text"),
    "context_head": ("small", True, "muted"),
    "context": ("small", False, "text"),
    "axis": ("small", False, "muted"),
    "footer": ("footer", False, "muted"),
}


def _to_px(scale: tuple, v: float, width: float) -> float:
    """Where value ``v`` falls on a ("linear" | "log", lo, hi) axis ``width`` pixels long."""
    kind, lo, hi = scale
    v = min(max(v, lo), hi)
    if kind == "log":
        return width * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    return width * (v - lo) / (hi - lo)


@dataclass
class _Panel:
    name: str
    scale: tuple = ("linear", 0.0, 1.0)  # the value axis (unused by text-only panels)
    items: list[dict] = field(default_factory=list)
    height: float = 0.0


@dataclass
class _Layout:
    width: float  # content width in pixels
    title: list[str] = field(default_factory=list)
    subtitle: list[str] = field(default_factory=list)
    panels: list[_Panel] = field(default_factory=list)

    def size(self, style: str) -> float:
        return SIZES[STYLES[style][0]]

    def line(self, style: str) -> float:
        return round(self.size(style) * LINE, 1)

    def wrap(self, text: str, style: str, width: float | None = None) -> list[str]:
        return wrap(text, self.width if width is None else width, self.size(style), STYLES[style][1])

    @property
    def overhang(self) -> int:
        """How far marks stick out left of x = 0 (a bracket end pointing outwards near zero,
        half a rule's stroke), so the Vega padding can absorb it and the export stays
        exactly ``chart.width`` wide."""
        out = 0.0
        for p in self.panels:
            for it in p.items:
                if it["mark"] in ("bracket", "vrule"):  # Vega's bounds add half the stroke and half a pixel
                    stroke = 2 if it["mark"] == "bracket" else 1
                    out = max(
                        out, stroke - _to_px(p.scale, it["v"], self.width) + max(-it.get("serif", 0), 0)
                    )
        return math.ceil(out)


def _layout(chart: Chart) -> _Layout:
    """Every mark and line of text in pixels, shared by both renderers (font sizes in px;
    matplotlib draws them at the same pixel size, see PT)."""
    d = chart.data.reset_index(drop=True)
    stages, context = d[d["panel"] == "funnel"], d[d["panel"] == "context"]
    scale = chart.options["scale"]
    lay = _Layout(width=chart.width - 2 * PAD)
    W = lay.width
    lay.title, lay.subtitle = lay.wrap(chart.title, "title"), lay.wrap(chart.subtitle, "subtitle")

    def text(panel, style, y, s, x=0.0, row=None):
        """Wrap ``s`` into lines starting at x; returns the y below the last line."""
        for line in lay.wrap(s, style, W - x):
            panel.items.append({"mark": "text", "style": style, "x": x, "y": y, "text": line, "row": row})
            y += lay.line(style)
        return y

    def stage_mark(panel, r, row, y, h, log):
        """A point stage as a bar from zero (a dot on a log scale, where bar length means
        nothing); a range as a faded span with brackets at its bounds."""
        if not r["is_range"]:
            if log:
                panel.items.append({"mark": "dot", "v": float(r["value"]), "y": y + h / 2, "row": row})
            else:
                panel.items.append(
                    {"mark": "bar", "v": 0.0, "v2": float(r["value"]), "y": y, "y2": y + h, "row": row}
                )
            return
        lo, hi = float(r["low"]), float(r["high"])
        panel.items.append({"mark": "span", "v": lo, "v2": hi, "y": y, "y2": y + h, "row": row})
        # bracket ends point inwards, "[ ]"; on a span too narrow for that, outwards, so it
        # still reads as a capped range (like an error bar) rather than a blob
        inward = _to_px(panel.scale, hi, W) - _to_px(panel.scale, lo, W) >= 2 * SERIF + 2
        for side, v, is_open in ((1, lo, r["open_low"]), (-1, hi, r["open_high"])):
            if is_open:
                continue
            panel.items.append(
                {
                    "mark": "bracket",
                    "v": v,
                    "serif": (side if inward else -side) * SERIF,
                    "y": y,
                    "y2": y + h,
                    "row": row,
                }
            )
        if not log:  # a zero tick: the span floats off the same baseline the bars start from
            panel.items.append({"mark": "vrule", "v": 0.0, "y": y, "y2": y + h, "color": "muted"})

    # -- the funnel, every stage on one shared scale
    top = float(stages["representative"].max()) or 1.0
    main = _Panel("main", ("linear", 0.0, top))
    decades = []
    if scale == "log":
        # from the power of ten at or below the smallest number to a little past the largest:
        # gridlines on powers of ten, no empty decade at either end
        positive = [float(x) for x in pd.concat([stages["value"], stages["low"]]).dropna() if x > 0] or [1.0]
        lo = 10.0 ** math.floor(math.log10(min(positive)))
        main.scale = ("log", lo, max(top * 1.6, lo * 10))
        decades = [10.0**e for e in range(round(math.log10(lo)), math.floor(math.log10(main.scale[2])) + 1)]
    y = 0.0
    for i, r in stages.iterrows():
        y = text(main, "label", y, r["label"], row=i)
        y = text(main, "value", y, r["value_line"], row=i)
        if r["caveat"]:
            y = text(main, "reported", y, f"Verification: {r['caveat']}", row=i)
        if r["reported_text"]:
            y = text(main, "reported", y, r["reported_text"], row=i)
        y += 3
        for v in decades:  # gridlines only beside the marks, never through the text above them
            main.items.append({"mark": "vrule", "v": v, "y": y - 2, "y2": y + BAR + 2, "color": "grid"})
        stage_mark(main, r, i, y, BAR, scale == "log")
        y += BAR + 14
    if decades:
        # labels centred under their gridline, kept inside the edges, and skipped where they
        # would touch the previous one (phones)
        y -= 10
        right = -math.inf
        for v in decades:
            label = format_number(v)
            w = text_width(label, lay.size("axis"), False)
            x = min(max(_to_px(main.scale, v, W) - w / 2, 0.0), W - w)
            if x >= right + 8:
                main.items.append(
                    {"mark": "text", "style": "axis", "x": x, "y": y, "text": label, "row": None}
                )
                right = x + w
        y = text(main, "axis", y + lay.line("axis"), "Logarithmic scale") + 8
    main.height = y - 8
    lay.panels.append(main)

    # -- the magnified panel: the stages after the first, at stage 2's scale
    zoom = _zoom_factor(d, scale)
    if zoom:
        second = float(stages["representative"].iloc[1])
        panel = _Panel("zoom", ("linear", 0.0, second))
        wedge = 30
        # a wedge whose top spans 0..stage 2 on the scale above and whose bottom spans the full
        # width here: the magnification, drawn
        panel.items.append({"mark": "wedge", "v": second / zoom, "v2": second, "y": 0.0, "y2": wedge})
        later = [int(s) for s in stages["stage"].iloc[1:]]
        head = f"{_stage_numbers(later).capitalize()}, enlarged ×{format_number(round(zoom))}"
        y = text(panel, "zoom_head", wedge + 4, head) + 4
        for i, r in stages.iloc[1:].iterrows():
            y = (
                text(
                    panel,
                    "zoom_label",
                    y,
                    verification.bracketed(f"{r['label']}: {r['value_text']}", r["caveat"]),
                    row=i,
                )
                + 2
            )
            stage_mark(panel, r, i, y, ZBAR, False)
            y += ZBAR + 10
        panel.height = y - 10
        lay.panels.append(panel)

    # -- context figures, set apart: a rule, a heading, a short list
    if len(context):
        panel = _Panel("context")
        panel.items.append({"mark": "rule", "x": 1.5, "x2": W - 1.5, "y": 0.0, "y2": 0.0, "color": "grid"})
        y = text(panel, "context_head", 8, "Not part of the funnel")
        indent = text_width("• ", lay.size("context"), False) + 2
        for i, r in context.iterrows():
            panel.items.append(
                {"mark": "text", "style": "context", "x": 0.0, "y": y + 2, "text": "•", "row": i}
            )
            y = text(
                panel,
                "context",
                y + 2,
                verification.bracketed(f"{r['label']}: {r['value_text']}", r["caveat"]),
                x=indent,
                row=i,
            )
        panel.height = y
        lay.panels.append(panel)

    # -- the footer (sources, notes, credit) inside the graphic, so every export carries it
    panel = _Panel("footer")
    y = 0.0
    for line in chart.footer_lines:
        y = text(panel, "footer", y, line) + 3
    panel.height = max(y - 3, 1.0)
    lay.panels.append(panel)
    return lay


def _tooltip(row: pd.Series) -> dict:
    """What hovering any mark of a figure tells: the figure, its value, its evidence, as one
    object (vega's tooltip shows an object as a table of its keys and values)."""
    share = row["share_text"] or ("first stage" if row["panel"] == "funnel" else "not part of the funnel")
    return {
        "tt": {
            "Figure": row["label"],
            "Value": row["value_text"],
            "Share": share,
            "Reported values": row["reported_values"],
            "Verification": row["verification"],
            "Sources": row["outlets"],
        },
        "tt_description": f"{row['label']}: {row['value_text']}"
        + (f", {row['share_text']}" if row["share_text"] else ""),
    }


# ----------------------------------------------------------------------------- altair


def build_altair(chart: Chart):
    """The Vega-Lite rendering: one layered panel per part (funnel, magnified, context,
    footer), stacked; y in pixels from the shared layout, x on each panel's value scale."""
    import altair as alt

    t, lay = chart.theme, _layout(chart)
    d = chart.data.reset_index(drop=True)
    colour = {"text": t.text, "muted": t.muted, "grid": t.grid, "ink": t.ink}
    tips = alt.Tooltip("tt:N")
    describe = {"description": alt.Description("tt_description:N")}
    # The tooltip text lives once, in one table keyed by figure row; every mark that stands
    # for a figure looks it up (copying it into each layer's rows tripled the spec's size).
    tip_rows = [{"fig": int(i), **_tooltip(d.loc[i])} for i in d.index]
    tip_data = alt.LookupData(
        data=alt.InlineData(values=tip_rows), key="fig", fields=["tt", "tt_description"]
    )

    def frame(items):
        rows = []
        for it in items:
            row = {k: v for k, v in it.items() if k not in ("mark", "row", "style")}
            if "color" in row:
                row["color"] = colour[row["color"]]
            if it.get("row") is not None:
                row["fig"] = int(it["row"])
            rows.append(row)
        return pd.DataFrame(rows)

    def panel_chart(p: _Panel):
        kind, lo, hi = p.scale
        vscale = alt.Scale(type=kind, domain=[lo, hi], nice=False, zero=kind == "linear", clamp=True)
        X = alt.X("v:Q", scale=vscale, axis=None)
        XP = alt.X("x:Q", scale=None, axis=None)  # scale=None: the field is already pixels
        Y = alt.Y("y:Q", scale=None, axis=None)
        by = lambda m: [it for it in p.items if it["mark"] == m]  # noqa: E731
        layers = []

        def add(items, mark, props, enc):
            """One layer; tooltips whenever every item in it stands for a figure."""
            if items:
                base = alt.Chart(frame(items))
                tip = {}
                if all(it.get("row") is not None for it in items):
                    base, tip = base.transform_lookup(lookup="fig", from_=tip_data), {"tooltip": tips}
                layers.append(getattr(base, mark)(**props).encode(**enc, **tip))

        for it in by("wedge"):  # first, so everything draws over it
            add(
                [{"y": it["y"], "v": 0.0, "v2": it["v"]}, {"y": it["y2"], "v": 0.0, "v2": it["v2"]}],
                "mark_area",
                {"orient": "horizontal", "color": t.grid, "opacity": 0.35, "aria": False},
                {"y": Y, "x": X, "x2": "v2:Q"},
            )
            add(
                [{k: it[k] for k in ("v", "v2", "y", "y2")}],
                "mark_rule",
                {"color": t.muted, "strokeWidth": 1, "x2Offset": -1, "aria": False},
                {"x": X, "x2": "v2:Q", "y": Y, "y2": "y2:Q"},
            )
        add(
            by("rule"),
            "mark_rule",
            {"strokeWidth": 1, "aria": False},
            {"x": XP, "x2": "x2:Q", "y": Y, "y2": "y2:Q", "color": alt.Color("color:N", scale=None)},
        )
        add(
            by("vrule"),
            "mark_rule",
            {"strokeWidth": 1, "aria": False},
            {"x": X, "y": Y, "y2": "y2:Q", "color": alt.Color("color:N", scale=None)},
        )
        add(
            by("bar"), "mark_rect", {"color": t.ink}, {"x": X, "x2": "v2:Q", "y": Y, "y2": "y2:Q", **describe}
        )
        add(
            by("span"),
            "mark_rect",
            {"color": t.range_fill, "opacity": 0.5},
            {"x": X, "x2": "v2:Q", "y": Y, "y2": "y2:Q", **describe},
        )
        add(
            by("bracket"),
            "mark_rule",
            {"color": t.ink, "strokeWidth": 2, "aria": False},
            {"x": X, "y": Y, "y2": "y2:Q"},
        )
        for serif in sorted(
            {it["serif"] for it in by("bracket")}
        ):  # x2Offset is per mark: a layer per direction
            ends = [
                {**it, "y": yy} for it in by("bracket") if it["serif"] == serif for yy in (it["y"], it["y2"])
            ]
            add(
                ends,
                "mark_rule",
                {"color": t.ink, "strokeWidth": 2, "x2Offset": serif, "aria": False},
                {"x": X, "x2": "v:Q", "y": Y},
            )
        add(
            by("dot"),
            "mark_point",
            {"filled": True, "shape": "circle", "size": 110, "color": t.ink, "opacity": 1},
            {"x": X, "y": Y, **describe},
        )
        # text: one layer per style (font size and weight are mark properties, not channels)
        texts = by("text")
        for key in dict.fromkeys((it["style"], it["row"] is not None) for it in texts):
            size_key, bold, role = STYLES[key[0]]
            add(
                [it for it in texts if (it["style"], it["row"] is not None) == key],
                "mark_text",
                {
                    "align": "left",
                    "baseline": "top",
                    "fontSize": SIZES[size_key],
                    "fontWeight": "bold" if bold else "normal",
                    "color": colour[role],
                    "aria": False,
                },
                {"x": XP, "y": Y, "text": "text:N"},
            )
        return alt.layer(*layers).resolve_scale(x="independent").properties(width=lay.width, height=p.height)

    config = vega_config(t)
    config["padding"] = {**config["padding"], "left": max(config["padding"]["left"] - lay.overhang, 0)}
    title = alt.TitleParams(
        text=lay.title,
        subtitle=lay.subtitle,
        anchor="start",
        frame="group",
        lineHeight=lay.line("title"),
        subtitleLineHeight=lay.line("subtitle"),
    )
    return (
        alt.vconcat(*[panel_chart(p) for p in lay.panels], spacing=GAP)
        .properties(title=title, description=chart.alt_text)
        .configure(**config)
    )


# ----------------------------------------------------------------------------- matplotlib


class _StyledFigure(Figure):
    """A Figure that re-enters the house style when saved: matplotlib reads some settings
    (``svg.fonttype`` = text stays text, ``svg.hashsalt`` = stable ids) at save time."""

    house_theme: Theme | None = None

    def savefig(self, *args, **kwargs):
        with mpl_style(self.house_theme or "light"):
            return super().savefig(*args, **kwargs)


def build_matplotlib(chart: Chart) -> Figure:
    """The static rendering: one axes in pixel units over the whole figure (width/100 in at
    100 dpi), drawing the same layout as the Vega-Lite one, text at the same pixel sizes."""
    t, lay = chart.theme, _layout(chart)
    colour = {"text": t.text, "muted": t.muted, "grid": t.grid, "ink": t.ink}
    gaps = vega_config(t)["title"]  # the same spacing under title and subtitle as Vega's
    head = (
        len(lay.title) * lay.line("title")
        + gaps["subtitlePadding"]
        + len(lay.subtitle) * lay.line("subtitle")
    )
    height = (
        PAD + head + gaps["offset"] + sum(p.height for p in lay.panels) + GAP * (len(lay.panels) - 1) + PAD
    )
    d = chart.data.reset_index(drop=True)

    with mpl_style(t):
        fig = _StyledFigure(figsize=(chart.width / 100, height / 100), dpi=100)
        fig.house_theme = t
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, chart.width)
        ax.set_ylim(height, 0)  # y down, as in the layout
        ax.set_axis_off()

        def put_text(x, y, s, style):
            size_key, bold, role = STYLES[style]
            ax.text(
                x,
                y,
                s,
                fontsize=SIZES[size_key] * PT,
                fontweight="bold" if bold else "normal",
                color=colour[role],
                ha="left",
                va="top",
                parse_math=False,
            )  # parse_math off: a "$" is a dollar, not TeX

        y = PAD
        for s in lay.title:
            put_text(PAD, y, s, "title")
            y += lay.line("title")
        y += gaps["subtitlePadding"]
        for s in lay.subtitle:
            put_text(PAD, y, s, "subtitle")
            y += lay.line("subtitle")
        y += gaps["offset"]

        for p in lay.panels:
            X = lambda v, p=p: PAD + _to_px(p.scale, v, lay.width)  # noqa: E731
            for it in p.items:
                m, top, bottom = it["mark"], y + it["y"], y + it.get("y2", it["y"])
                gid = f"stage-{d.loc[it['row'], 'stage']}-{p.name}-{m}" if it.get("row") is not None else None
                if m == "wedge":
                    pts = [(X(0), top), (X(it["v"]), top), (X(it["v2"]), bottom), (X(0), bottom)]
                    ax.add_patch(Polygon(pts, closed=True, facecolor=t.grid, alpha=0.35, edgecolor="none"))
                    ax.plot([X(it["v"]), X(it["v2"])], [top, bottom], color=t.muted, lw=0.8)
                elif m == "rule":
                    ax.plot([PAD + it["x"], PAD + it["x2"]], [top, bottom], color=colour[it["color"]], lw=0.8)
                elif m == "vrule":
                    ax.plot([X(it["v"])] * 2, [top, bottom], color=colour[it["color"]], lw=0.8)
                elif m == "bar":
                    ax.add_patch(
                        Rectangle(
                            (X(it["v"]), top),
                            X(it["v2"]) - X(it["v"]),
                            bottom - top,
                            facecolor=t.ink,
                            edgecolor="none",
                            gid=gid,
                        )
                    )
                elif m == "span":  # faded and hatched: visibly not a measured bar
                    ax.add_patch(
                        Rectangle(
                            (X(it["v"]), top),
                            X(it["v2"]) - X(it["v"]),
                            bottom - top,
                            facecolor=t.range_fill,
                            alpha=0.5,
                            hatch="////",
                            hatchcolor=t.ink,
                            edgecolor="none",
                            lw=0,
                            gid=gid,
                        )
                    )
                elif m == "bracket":
                    x, s = X(it["v"]), it["serif"]
                    ax.plot(
                        [x + s, x, x, x + s],
                        [top, top, bottom, bottom],
                        color=t.ink,
                        lw=1.6,
                        solid_joinstyle="miter",
                        gid=gid,
                    )
                elif m == "dot":
                    ax.plot([X(it["v"])], [top], "o", color=t.ink, ms=8, gid=gid)
                elif m == "text":
                    put_text(PAD + it["x"], top, it["text"], it["style"])
            y += p.height + GAP
    return fig
