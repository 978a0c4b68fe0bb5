"""Any :class:`~taxfirewall.charts.scene.Scene` as an interactive Vega-Lite chart.

Each panel becomes a layered chart, the panels stacked (``vconcat``). Marks alike in all
but their place share one layer, drawn at the place of the first of them in paint order;
their places are the layer's data rows (``v``/``v2`` on the panel's scale, ``x``/``x2``
and ``y``/``y2`` in pixels, the scale then ``None``). A mark kind is drawn by one small
function in :data:`DRAW`.

Tooltips live once, in one table keyed by the tip's key (``fig``); every mark that
stands for something looks its tip up (copying the text into each layer's rows tripled
a spec's size). The house theme's config makes the spec self-contained.

In a notebook (:func:`notebook_renderer`) a spec names the Vega-Lite JupyterLab draws it
with, :data:`JUPYTERLAB_VEGALITE`; reports draw the same spec with the vendored runtime.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import altair as alt
import pandas as pd

from ... import i18n
from ...theme import Theme, vega_config
from ..scene import Area, Bracket, Mark, Point, Rect, Rule, Scene, Text
from .locale import vega_locale

ROW = ("v", "v2", "x", "x2", "y", "y2", "serif", "text")  # what a mark's data row holds
PLACE = (*ROW, "rows")  # what places a mark, as opposed to styling it
Y = alt.Y("y:Q", scale=None, axis=None)  # y is always pixels, from the panel's top


@dataclass
class _Panel:
    """What drawing one panel's marks needs: colours, its value scale, the tip table."""

    theme: Theme
    categories: tuple[str, ...]
    scale: alt.Scale | None
    kind: str  # the Vega-Lite type of a value on the scale: "Q" or "T"
    tips: alt.LookupData | None

    def colour(self, role: str) -> str:
        return self.theme.colour(role, self.categories)

    def x(self, m: Mark) -> alt.X:
        if m.on_scale:
            return alt.X(f"v:{self.kind}", scale=self.scale, axis=None)
        return alt.X("x:Q", scale=None, axis=None)  # scale=None: the field is already pixels

    def x2(self, m: Mark) -> str:
        return f"v2:{self.kind}" if m.on_scale else "x2:Q"

    def layer(self, marks, mark: str, props: dict, enc: dict, rows=None):
        """One layer of marks alike; tooltips when they stand for something, a screen
        reader's description when they are announced (else they are hidden from it)."""
        first = marks[0]
        base = alt.Chart(pd.DataFrame(rows if rows is not None else [_row(m) for m in marks]))
        if first.key is not None:
            base = base.transform_lookup(lookup="fig", from_=self.tips)
            enc = {**enc, "tooltip": alt.Tooltip("tt:N")}
        if first.aria:
            enc = {**enc, "description": alt.Description("tt_description:N")}
        else:
            props = {**props, "aria": False}
        return getattr(base, mark)(**props).encode(**enc)


def _row(m: Mark) -> dict:
    """A mark's data row: its place, and the key its tip is looked up by."""
    row = {f: getattr(m, f) for f in ROW if getattr(m, f, None) is not None}
    if m.key is not None:
        row["fig"] = m.key
    return row


def _style(m: Mark) -> tuple:
    """What a mark shares with the others of its layer: all but its place."""
    has = tuple(getattr(m, f, None) is not None for f in ("x2", "v2", "y2"))
    rest = tuple(getattr(m, f.name) for f in fields(m) if f.name not in PLACE + ("key", "gid"))
    return (type(m), m.on_scale, has, m.key is not None, rest)


# --------------------------------------------------------------------------- mark kinds


def _areas(marks, p: _Panel) -> list:
    """A band per area (rows of one area only: two areas never join)."""
    out = []
    for m in marks:
        a, b = ("v", "v2") if m.on_scale else ("x", "x2")
        rows = [{"y": y, a: lo, b: hi} for y, lo, hi in m.rows]
        props = {"orient": "horizontal", "color": p.colour(m.fill), "opacity": m.opacity}
        out.append(p.layer([m], "mark_area", props, {"y": Y, "x": p.x(m), "x2": p.x2(m)}, rows))
    return out


def _rules(marks, p: _Panel) -> list:
    m = marks[0]
    props = {"color": p.colour(m.color), "strokeWidth": m.width}
    if m.x2_offset:
        props["x2Offset"] = m.x2_offset
    if m.dash:
        props["strokeDash"] = list(m.dash)
    enc = {"x": p.x(m), "y": Y}
    if m.x2 is not None or m.v2 is not None:
        enc["x2"] = p.x2(m)
    if m.y2 is not None:
        enc["y2"] = "y2:Q"
    return [p.layer(marks, "mark_rule", props, enc)]


def _rects(marks, p: _Panel) -> list:
    m = marks[0]
    props = {"color": p.colour(m.fill)} if m.fill else {"fill": None}
    if m.opacity != 1:
        props["opacity"] = m.opacity
    if m.stroke:
        props.update(stroke=p.colour(m.stroke), strokeWidth=m.stroke_width)
    enc = {"x": p.x(m), "x2": p.x2(m), "y": Y, "y2": "y2:Q"}
    return [p.layer(marks, "mark_rect", props, enc)]


def _brackets(marks, p: _Panel) -> list:
    """The upright of every bracket in one layer, then its serifs: a layer per direction
    (``x2Offset`` is a mark property, not a channel)."""
    m = marks[0]
    props = {"color": p.colour(m.color), "strokeWidth": m.width}
    out = [p.layer(marks, "mark_rule", props, {"x": p.x(m), "y": Y, "y2": "y2:Q"})]
    at = "v:" + p.kind if m.on_scale else "x:Q"
    for serif in sorted({b.serif for b in marks}):
        ends = [replace(b, y=y) for b in marks if b.serif == serif for y in (b.y, b.y2)]
        out.append(p.layer(ends, "mark_rule", {**props, "x2Offset": serif}, {"x": p.x(m), "x2": at, "y": Y}))
    return out


def _points(marks, p: _Panel) -> list:
    m = marks[0]
    props = {"filled": m.fill is not None, "shape": m.shape, "size": m.size}
    if m.fill:
        props["color"] = p.colour(m.fill)
    if m.stroke:
        props.update(stroke=p.colour(m.stroke), strokeWidth=m.stroke_width)
    props["opacity"] = 1
    return [p.layer(marks, "mark_point", props, {"x": p.x(m), "y": Y})]


def _texts(marks, p: _Panel) -> list:
    m = marks[0]
    props = {
        "align": m.align,
        "baseline": m.baseline,
        "fontSize": m.size,
        "fontWeight": "bold" if m.bold else "normal",
        "color": p.colour(m.color),
    }
    return [p.layer(marks, "mark_text", props, {"x": p.x(m), "y": Y, "text": "text:N"})]


DRAW = {Area: _areas, Rule: _rules, Rect: _rects, Bracket: _brackets, Point: _points, Text: _texts}


# --------------------------------------------------------------------------- the chart


def _scale(panel) -> alt.Scale | None:
    s = panel.scale
    if s is None:
        return None
    if s.kind == "utc":
        return alt.Scale(type="utc", domain=[s.lo, s.hi])
    return alt.Scale(type=s.kind, domain=[s.lo, s.hi], nice=False, zero=s.kind == "linear", clamp=True)


def _layers(panel, scene: Scene, theme: Theme, tips) -> alt.LayerChart:
    kind = "T" if panel.scale is not None and panel.scale.kind == "utc" else "Q"
    p = _Panel(theme, scene.categories, _scale(panel), kind, tips)
    groups: dict[tuple, list] = {}
    for m in panel.marks:
        groups.setdefault(_style(m), []).append(m)
    layers = [layer for marks in groups.values() for layer in DRAW[type(marks[0])](marks, p)]
    return (
        alt.layer(*layers)
        .resolve_scale(x="independent")
        .properties(width=scene.plot_width, height=panel.height)
    )


def overhang(scene: Scene) -> int:
    """How far lines stick out left of x = 0 (a bracket's serif pointing outwards near
    zero, half a rule's stroke): Vega's bounds add half the stroke and half a pixel, so
    the padding absorbs it and the export stays exactly ``scene.width`` wide."""
    out = 0.0
    for panel, m in scene.marks((Rule, Bracket)):
        x = panel.scale.px(m.v, scene.plot_width) if m.on_scale else m.x
        out = max(out, m.width - x + max(-getattr(m, "serif", 0), 0))
    return math.ceil(out)


def to_altair(scene: Scene, theme: Theme):
    """The scene as a self-contained Vega-Lite chart: the house config, the title block,
    the alt text as its description, and (other than English) the language's locale."""
    rows = [{"fig": t.key, "tt": dict(t.table), "tt_description": t.description} for t in scene.tips]
    tips = alt.LookupData(data=alt.InlineData(values=rows), key="fig", fields=["tt", "tt_description"])
    config = vega_config(theme)
    config["padding"] = {**config["padding"], "left": max(config["padding"]["left"] - overhang(scene), 0)}
    if (lang := i18n.current()) != i18n.DEFAULT:  # English is Vega's own default: its specs stay as they were
        config["locale"] = vega_locale(lang)
    title = alt.TitleParams(
        text=list(scene.title),
        subtitle=list(scene.subtitle),
        anchor="start",
        frame="group",
        lineHeight=scene.title_line,
        subtitleLineHeight=scene.subtitle_line,
    )
    panels = [_layers(p, scene, theme, tips) for p in scene.panels]
    return (
        alt.vconcat(*panels, spacing=scene.gap)
        .properties(title=title, description=scene.description)
        .configure(**config)
    )


# --------------------------------------------------------------------------- notebook display

# The Vega-Lite JupyterLab 4.6 draws the Vega-Lite mimetype with (its built-in renderer). A
# spec naming a newer one draws all the same, with a version warning in the console on every
# chart; the specs use nothing newer (tests/browser/test_jupyterlab.py compares the drawn
# text with a report's).
JUPYTERLAB_VEGALITE = "5.6.1"


def jupyterlab_spec(spec: dict) -> dict:
    """``spec`` naming the Vega-Lite JupyterLab ships."""
    return {**spec, "$schema": f"https://vega.github.io/schema/vega-lite/v{JUPYTERLAB_VEGALITE}.json"}


def notebook_renderer(spec: dict, **metadata):
    """altair's mimetype renderer, the spec naming JupyterLab's Vega-Lite, drawn with the
    reports' embed options (SVG, no action menu)."""
    from altair.vegalite.v5.display import mimetype_renderer

    from ...vendor import EMBED_OPTIONS

    return mimetype_renderer(jupyterlab_spec(spec), **{"embed_options": dict(EMBED_OPTIONS), **metadata})
