"""What a chart draws, decided once: a :class:`Scene` of panels holding marks, in pixels.

A chart's layout builds a Scene; the renderers (:mod:`taxfirewall.charts.render`) draw
any Scene, as Vega-Lite or as a matplotlib Figure, so both renderings show the same
marks at the same pixels. A Scene holds no colours and no fonts: colours are named by
role ("text", "muted", "grid", "ink", "accent", "range_fill", "background" or
"category:<name>") and the house theme turns them into colours when a renderer draws.

Coordinates: y grows downwards from the top of the mark's panel. A mark's horizontal
position is either ``v``/``v2``, values on its panel's :class:`Scale`, or ``x``/``x2``,
pixels from the panel's left edge; a mark sets one pair. Sizes and stroke widths are px.

What a reader gets beside the pixels is data too: ``key`` names the figure or event a
mark stands for (its tooltip, looked up in ``Scene.tips``); ``aria`` says a screen reader
announces the mark (with its tip's description); ``gid`` names the mark in static SVG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Key = int | str | None


@dataclass(frozen=True)
class Scale:
    """A panel's value axis: ``kind`` "linear", "log" or "utc" (ms since the epoch, drawn
    linearly) from ``lo`` at the left edge to ``hi`` at the right; values outside clamp."""

    kind: str
    lo: float
    hi: float

    def px(self, v: float, width: float) -> float:
        """Where ``v`` falls on this scale drawn ``width`` pixels wide."""
        v = min(max(v, self.lo), self.hi)
        if self.kind == "log":
            return width * (math.log10(v) - math.log10(self.lo)) / (math.log10(self.hi) - math.log10(self.lo))
        return width * (v - self.lo) / (self.hi - self.lo)


@dataclass(frozen=True, kw_only=True)
class Mark:
    """What every mark has: a vertical extent, one horizontal pair, what it stands for."""

    y: float
    y2: float | None = None
    v: float | None = None
    v2: float | None = None
    x: float | None = None
    x2: float | None = None
    key: Key = None  # the tip (figure, event) this mark stands for
    aria: bool = False  # announced to screen readers, with its tip's description
    gid: str | None = None  # the mark's id in static SVG

    @property
    def on_scale(self) -> bool:
        return self.v is not None


@dataclass(frozen=True, kw_only=True)
class Rect(Mark):
    """A filled box from (v|x, y) to (v2|x2, y2); ``hatch`` in the static rendering marks
        it as not a measured bar (Vega-Lite has no hatching). Numbers keep the type given
    (an int stays an int in the Vega-Lite JSON)."""

    fill: str | None = "ink"
    opacity: float = 1
    stroke: str | None = None
    stroke_width: float = 0
    hatch: str | None = None  # the colour of a hatch over it (static rendering only)


@dataclass(frozen=True, kw_only=True)
class Rule(Mark):
    """A line from (v|x, y) to (v2|x2 or the same, y2 or the same); ``x2_offset`` px moves
    its second end (a line that must stop inside the frame)."""

    color: str = "grid"
    width: float = 1
    dash: tuple[float, ...] = ()
    x2_offset: float = 0


@dataclass(frozen=True, kw_only=True)
class Bracket(Mark):
    """A range's capped end: a vertical line at v|x from y to y2 with a serif ``serif`` px
    long at each end (positive: the serifs point right)."""

    serif: float = 5
    color: str = "ink"
    width: float = 2


@dataclass(frozen=True, kw_only=True)
class Point(Mark):
    """A symbol centred at (v|x, y), ``size`` px² in area (as Vega measures it); filled
    with ``fill``, outlined with ``stroke`` (a ring is a point with no fill)."""

    shape: str = "circle"  # a Vega shape name (see theme.SHAPES)
    size: float = 100
    fill: str | None = "ink"
    stroke: str | None = None
    stroke_width: float = 0


@dataclass(frozen=True, kw_only=True)
class Area(Mark):
    """A horizontal band: at each (y, v|x left, v2|x2 right) in ``rows``, top to bottom,
    filled between its edges (a wedge that joins two scales)."""

    rows: tuple[tuple[float, float, float], ...] = ()
    fill: str = "grid"
    opacity: float = 1
    pixels: bool = False  # the rows' edges are pixels, not values on the panel's scale

    @property
    def on_scale(self) -> bool:
        return not self.pixels


@dataclass(frozen=True, kw_only=True)
class Text(Mark):
    """One line of text at (x, y): ``baseline`` "top", "middle" or "bottom" of the line
    at y; ``align`` "left", "center" or "right" of the line at x."""

    text: str = ""
    size: float = 13
    bold: bool = False
    color: str = "text"
    align: str = "left"
    baseline: str = "top"


@dataclass(frozen=True)
class Tip:
    """What hovering a mark tells: a table (title, value) and a one-line description,
    which is also what a screen reader announces for an ``aria`` mark."""

    key: Key
    table: tuple[tuple[str, str], ...]
    description: str


@dataclass(frozen=True)
class Panel:
    """One part of a chart, stacked under the one before: its marks in paint order (later
    over earlier) and the value scale their ``v`` are on."""

    name: str
    height: float
    marks: tuple[Mark, ...] = ()
    scale: Scale | None = None


@dataclass(frozen=True)
class Scene:
    """A whole chart: ``width`` px overall, content ``plot_width`` px wide inside the house
    padding; title and subtitle lines above the panels, ``gap`` px between panels."""

    width: float
    plot_width: float
    title: tuple[str, ...]
    subtitle: tuple[str, ...]
    title_line: float  # line heights, px
    subtitle_line: float
    panels: tuple[Panel, ...]
    description: str = ""  # the alt text
    tips: tuple[Tip, ...] = ()
    categories: tuple[str, ...] = ()  # the dataset's categories in order: their colours
    gap: float = 16

    def marks(self, kind: type = Mark):
        """Every (panel, mark) of a kind, in paint order."""
        return [(p, m) for p in self.panels for m in p.marks if isinstance(m, kind)]


__all__ = ["Area", "Bracket", "Mark", "Panel", "Point", "Rect", "Rule", "Scale", "Scene", "Text", "Tip"]
