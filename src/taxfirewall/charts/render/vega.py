"""Any :class:`~taxfirewall.charts.scene.Scene` as an interactive Vega-Lite chart.

Each panel becomes a layered chart, the panels stacked (``vconcat``). Marks alike in all
but their place share one layer, drawn at the place of the first of them in paint order;
their places are the layer's data rows (``v``/``v2`` on the panel's scale, ``x``/``x2``
and ``y``/``y2`` in pixels, the scale then ``None``). A mark kind is drawn by one small
function in :data:`DRAW`.

Tooltips live once, in one table keyed by the tip's key (``fig``); every mark that
stands for something looks its tip up (copying the text into each layer's rows tripled
a spec's size). The house theme's config makes the spec self-contained.

The spec is written as plain JSON-ready dicts, in the shape and key order altair writes
(its dataset names, its column types): building it through altair's objects, with their
deep copies and schema validation, took most of a report's run time. The test suite
validates the specs against the Vega-Lite schema; :func:`to_altair` gives the same chart
as an altair object, for a desk that wants to change it.

In a notebook (:func:`notebook_renderer`) a spec names the Vega-Lite JupyterLab draws it
with, :data:`JUPYTERLAB_VEGALITE`; reports draw the same spec with the vendored runtime.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, fields, replace

from ... import i18n
from ...theme import Theme, vega_config
from ..scene import Area, Bracket, Mark, Point, Rect, Rule, Scene, Text
from .locale import vega_locale

ROW = ("v", "v2", "x", "x2", "y", "y2", "serif", "text")  # what a mark's data row holds
PLACE = (*ROW, "rows")  # what places a mark, as opposed to styling it
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.20.1.json"  # the Vega-Lite of altair 5.5
TYPES = {"Q": "quantitative", "T": "temporal", "N": "nominal"}
TIP_FIELDS = ["tt", "tt_description"]
Y = {"axis": None, "field": "y", "scale": None, "type": "quantitative"}  # y: pixels from the top


def _channel(name: str, kind: str) -> dict:
    return {"field": name, "type": TYPES[kind]}


# --------------------------------------------------------------------------- datasets


def _values(rows: list[dict]) -> list[dict]:
    """Rows as a data frame would hold them: a column's missing cells are null, a numeric
    column holding any float (or a gap) is all floats (so a dataset names the same bytes
    altair named it by)."""
    columns = dict.fromkeys(k for row in rows for k in row)
    floats = {c for c in columns if _numeric(rows, c) and any(isinstance(r.get(c, 0.5), float) for r in rows)}
    return [{c: _cell(r.get(c), c in floats) for c in columns} for r in rows]


def _numeric(rows: list[dict], column: str) -> bool:
    present = [r[column] for r in rows if column in r]
    return bool(present) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)


def _cell(v, as_float: bool):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v) if as_float else (int(v) if isinstance(v, int) else float(v))
    return v


@dataclass
class _Datasets:
    """The spec's top-level ``datasets``, in first-use order, each named by its content."""

    values: dict[str, list] = field(default_factory=dict)

    def ref(self, rows: list[dict]) -> dict:
        values = _values(rows)
        digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()
        name = f"data-{digest[:32]}"
        self.values.setdefault(name, values)
        return {"name": name}


# --------------------------------------------------------------------------- layers


@dataclass
class _Panel:
    """What drawing one panel's marks needs: colours, its value scale, the datasets (with
    the tip table, looked up by key)."""

    theme: Theme
    categories: tuple[str, ...]
    scale: dict | None
    kind: str  # the Vega-Lite type of a value on the scale: "Q" or "T"
    data: _Datasets
    tips: list[dict]

    def colour(self, role: str) -> str:
        return self.theme.colour(role, self.categories)

    def x(self, m: Mark) -> dict:
        if m.on_scale:
            return {"axis": None, "field": "v", "scale": self.scale, "type": TYPES[self.kind]}
        return {"axis": None, "field": "x", "scale": None, "type": "quantitative"}  # already pixels

    def x2(self, m: Mark) -> dict:
        return {"field": "v2" if m.on_scale else "x2"}

    def layer(self, marks, mark: str, props: dict, enc: dict, rows=None) -> dict:
        """One layer of marks alike; tooltips when they stand for something, a screen
        reader's description when they are announced (else they are hidden from it)."""
        first = marks[0]
        layer = {"data": self.data.ref(rows if rows is not None else [_row(m) for m in marks])}
        if first.key is not None:
            enc = {**enc, "tooltip": _channel("tt", "N")}
        if first.aria:
            enc = {**enc, "description": _channel("tt_description", "N")}
        else:
            props = {**props, "aria": False}
        layer["mark"] = {"type": mark, **dict(sorted(props.items()))}
        layer["encoding"] = dict(sorted(enc.items()))
        if first.key is not None:
            lookup = {"data": self.data.ref(self.tips), "key": "fig", "fields": TIP_FIELDS}
            layer["transform"] = [{"lookup": "fig", "from": lookup}]
        return layer


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
        out.append(p.layer([m], "area", props, {"y": Y, "x": p.x(m), "x2": p.x2(m)}, rows))
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
        enc["y2"] = {"field": "y2"}
    return [p.layer(marks, "rule", props, enc)]


def _rects(marks, p: _Panel) -> list:
    m = marks[0]
    props = {"color": p.colour(m.fill)} if m.fill else {"fill": None}
    if m.opacity != 1:
        props["opacity"] = m.opacity
    if m.stroke:
        props.update(stroke=p.colour(m.stroke), strokeWidth=m.stroke_width)
    enc = {"x": p.x(m), "x2": p.x2(m), "y": Y, "y2": {"field": "y2"}}
    return [p.layer(marks, "rect", props, enc)]


def _brackets(marks, p: _Panel) -> list:
    """The upright of every bracket in one layer, then its serifs: a layer per direction
    (``x2Offset`` is a mark property, not a channel)."""
    m = marks[0]
    props = {"color": p.colour(m.color), "strokeWidth": m.width}
    out = [p.layer(marks, "rule", props, {"x": p.x(m), "y": Y, "y2": {"field": "y2"}})]
    at = {"field": "v" if m.on_scale else "x"}
    for serif in sorted({b.serif for b in marks}):
        ends = [replace(b, y=y) for b in marks if b.serif == serif for y in (b.y, b.y2)]
        out.append(p.layer(ends, "rule", {**props, "x2Offset": serif}, {"x": p.x(m), "x2": at, "y": Y}))
    return out


def _points(marks, p: _Panel) -> list:
    m = marks[0]
    props = {"filled": m.fill is not None, "shape": m.shape, "size": m.size}
    if m.fill:
        props["color"] = p.colour(m.fill)
    if m.stroke:
        props.update(stroke=p.colour(m.stroke), strokeWidth=m.stroke_width)
    props["opacity"] = 1
    return [p.layer(marks, "point", props, {"x": p.x(m), "y": Y})]


def _texts(marks, p: _Panel) -> list:
    m = marks[0]
    props = {
        "align": m.align,
        "baseline": m.baseline,
        "fontSize": m.size,
        "fontWeight": "bold" if m.bold else "normal",
        "color": p.colour(m.color),
    }
    enc = {"x": p.x(m), "y": Y, "text": _channel("text", "N")}
    return [p.layer(marks, "text", props, enc)]


DRAW = {Area: _areas, Rule: _rules, Rect: _rects, Bracket: _brackets, Point: _points, Text: _texts}


# --------------------------------------------------------------------------- the chart


def _scale(panel) -> dict | None:
    s = panel.scale
    if s is None:
        return None
    if s.kind == "utc":
        return {"domain": [s.lo, s.hi], "type": "utc"}
    return {"clamp": True, "domain": [s.lo, s.hi], "nice": False, "type": s.kind, "zero": s.kind == "linear"}


def _hoisted(chart: dict, key: str) -> dict:
    """A layer or concat of one child takes that child's data, as altair writes it."""
    (child,) = chart[key]
    if "data" not in child:
        return chart
    child = dict(child)
    data = child.pop("data")
    return {key: [child], "data": data, **{k: v for k, v in chart.items() if k != key}}


def _layers(panel, scene: Scene, theme: Theme, data: _Datasets, tips: list[dict]) -> dict:
    kind = "T" if panel.scale is not None and panel.scale.kind == "utc" else "Q"
    p = _Panel(theme, scene.categories, _scale(panel), kind, data, tips)
    groups: dict[tuple, list] = {}
    for m in panel.marks:
        groups.setdefault(_style(m), []).append(m)
    layers = [layer for marks in groups.values() for layer in DRAW[type(marks[0])](marks, p)]
    chart = {
        "layer": layers,
        "height": panel.height,
        "resolve": {"scale": {"x": "independent"}},
        "width": scene.plot_width,
    }
    return _hoisted(chart, "layer") if len(layers) == 1 else chart


def overhang(scene: Scene) -> int:
    """How far lines stick out left of x = 0 (a bracket's serif pointing outwards near
    zero, half a rule's stroke): Vega's bounds add half the stroke and half a pixel, so
    the padding absorbs it and the export stays exactly ``scene.width`` wide."""
    out = 0.0
    for panel, m in scene.marks((Rule, Bracket)):
        x = panel.scale.px(m.v, scene.plot_width) if m.on_scale else m.x
        out = max(out, m.width - x + max(-getattr(m, "serif", 0), 0))
    return math.ceil(out)


def _config(scene: Scene, theme: Theme) -> dict:
    """The house config (altair's default view size first, as altair merges it in)."""
    config = vega_config(theme)
    config["padding"] = {**config["padding"], "left": max(config["padding"]["left"] - overhang(scene), 0)}
    if (lang := i18n.current()) != i18n.DEFAULT:  # English is Vega's own default: its specs stay as they were
        config["locale"] = vega_locale(lang)
    view = {"continuousWidth": 300, "continuousHeight": 300, **config.pop("view", {})}
    return {"view": view, **dict(sorted(config.items()))}


def to_spec(scene: Scene, theme: Theme) -> dict:
    """The scene as a self-contained Vega-Lite spec: the house config, the title block,
    the alt text as its description, and (other than English) the language's locale."""
    tips = [{"fig": t.key, "tt": dict(t.table), "tt_description": t.description} for t in scene.tips]
    data = _Datasets()
    panels = [_layers(p, scene, theme, data, tips) for p in scene.panels]
    title = {
        "text": list(scene.title),
        "anchor": "start",
        "frame": "group",
        "lineHeight": scene.title_line,
        "subtitle": list(scene.subtitle),
        "subtitleLineHeight": scene.subtitle_line,
    }
    chart = {"vconcat": panels, "description": scene.description, "spacing": scene.gap, "title": title}
    if len(panels) == 1:
        chart = _hoisted(chart, "vconcat")
    spec = {"config": _config(scene, theme), **chart, "$schema": SCHEMA, "datasets": data.values}
    # layers share pieces (the y channel, a panel's scale, the cached locale): a tree of its
    # own, so that changing one spec changes nothing else (about 1 ms)
    return json.loads(json.dumps(spec))


def to_altair(scene: Scene, theme: Theme):
    """The same chart as an altair object, to change it in a notebook."""
    import altair as alt

    return alt.VConcatChart.from_dict(to_spec(scene, theme), validate=False)


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
