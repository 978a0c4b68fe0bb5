"""Any :class:`~taxfirewall.charts.scene.Scene` as a static matplotlib Figure.

One axes in pixel units covers the whole figure (``width / 100`` inches at 100 dpi, y
down), so the scene's pixels are the figure's; text is drawn at the same pixel sizes as
in the Vega rendering (:data:`~taxfirewall.theme.PT` points per pixel), and the title
block is spaced as Vega spaces it. Every mark is drawn at one z-order, so the scene's
paint order is the drawing order. A mark kind is drawn by one small function in
:data:`DRAW`.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from ...theme import MPL_MARKER, PT, SIZES, Theme, mpl_style, vega_config
from ..scene import Area, Bracket, Mark, Point, Rect, Rule, Scale, Scene, Text

PAD = vega_config()["padding"]["left"]  # the margin Vega leaves, left here too
Z = 2
LINE_PT = PT  # a stroke of 1 px, in points
VA = {"top": "top", "middle": "center", "bottom": "bottom"}


class StyledFigure(Figure):
    """A Figure that re-enters the house style when saved: matplotlib reads some settings
    (``svg.fonttype`` = text stays text, ``svg.hashsalt`` = stable ids) at save time."""

    house_theme: Theme | None = None

    def savefig(self, *args, **kwargs):
        with mpl_style(self.house_theme or "light"):
            return super().savefig(*args, **kwargs)


@dataclass
class _Page:
    """Where one panel's marks land on the figure, and in what colours."""

    ax: object
    theme: Theme
    categories: tuple[str, ...]
    left: float
    top: float
    scale: Scale | None
    width: float

    def colour(self, role: str | None) -> str:
        return "none" if role is None else self.theme.colour(role, self.categories)

    def x(self, m: Mark, value: float | None) -> float:
        """A horizontal place of ``m`` (a value if it is on the scale, else pixels)."""
        return self.left + (self.scale.px(value, self.width) if m.on_scale else value)

    def ends(self, m: Mark) -> tuple[float, float, float, float]:
        """(x, x2, top, bottom) in figure pixels; a missing second end is the first."""
        first, second = (m.v, m.v2) if m.on_scale else (m.x, m.x2)
        x = self.x(m, first)
        x2 = x if second is None else self.x(m, second)
        return x, x2, self.top + m.y, self.top + (m.y if m.y2 is None else m.y2)


def _area(m: Area, pg: _Page) -> None:
    """Its left edge down, its right edge up: one closed polygon."""
    left = [(pg.x(m, lo), pg.top + y) for y, lo, _ in m.rows]
    right = [(pg.x(m, hi), pg.top + y) for y, _, hi in m.rows]
    alpha = None if m.opacity == 1 else m.opacity
    poly = Polygon(left[:1] + right + left[:0:-1], closed=True, facecolor=pg.colour(m.fill), alpha=alpha)
    poly.set(edgecolor="none", gid=m.gid, zorder=Z)
    pg.ax.add_patch(poly)


def _rule(m: Rule, pg: _Page) -> None:
    x, x2, top, bottom = pg.ends(m)
    style = (0, m.dash) if m.dash else "-"
    pg.ax.plot(
        [x, x2 + m.x2_offset],
        [top, bottom],
        color=pg.colour(m.color),
        lw=m.width * LINE_PT,
        ls=style,
        gid=m.gid,
    )


def _rect(m: Rect, pg: _Page) -> None:
    x, x2, top, bottom = pg.ends(m)
    rect = Rectangle(
        (x, top), x2 - x, bottom - top, facecolor=pg.colour(m.fill), edgecolor=pg.colour(m.stroke)
    )
    rect.set(lw=m.stroke_width * LINE_PT, gid=m.gid, zorder=Z)
    if m.opacity != 1:
        rect.set_alpha(m.opacity)
    if m.hatch:  # faded and hatched: visibly not a measured bar
        rect.set(hatch="////", hatchcolor=pg.colour(m.hatch))
    pg.ax.add_patch(rect)


def _bracket(m: Bracket, pg: _Page) -> None:
    x, _, top, bottom = pg.ends(m)
    s = m.serif
    pg.ax.plot(
        [x + s, x, x, x + s],
        [top, top, bottom, bottom],
        color=pg.colour(m.color),
        lw=m.width * LINE_PT,
        solid_joinstyle="miter",
        gid=m.gid,
    )


def _point(m: Point, pg: _Page) -> None:
    """A one-marker line, not a scatter: its extent is the symbol's own (a collection's
    would span the axes)."""
    x, _, y, _ = pg.ends(m)
    pg.ax.plot(
        [x],
        [y],
        marker=MPL_MARKER[m.shape],
        ms=m.size**0.5 * PT,  # Vega's size is the symbol's area in px²
        mfc=pg.colour(m.fill),
        mec=pg.colour(m.stroke or m.fill),
        mew=m.stroke_width * LINE_PT,
        ls="none",
        gid=m.gid,
    )


def _text(m: Text, pg: _Page) -> None:
    x, _, y, _ = pg.ends(m)
    pg.ax.text(
        x,
        y,
        m.text,
        fontsize=m.size * PT,
        fontweight="bold" if m.bold else "normal",
        color=pg.colour(m.color),
        ha=m.align,
        va=VA[m.baseline],
        parse_math=False,  # a "$" is a dollar, not TeX
        gid=m.gid,
        zorder=Z,
    )


DRAW = {Area: _area, Rule: _rule, Rect: _rect, Bracket: _bracket, Point: _point, Text: _text}


# --------------------------------------------------------------------------- the figure


def _title_block(pg: _Page, scene: Scene, gaps: dict) -> float:
    """The title and subtitle lines as Vega sets them; returns the y of the first panel."""
    y = PAD
    for line in scene.title:
        _text(Text(x=0, y=y, text=line, size=SIZES["title"], bold=True), pg)
        y += scene.title_line
    y += gaps["subtitlePadding"]
    for line in scene.subtitle:
        _text(Text(x=0, y=y, text=line, size=SIZES["subtitle"], color="muted"), pg)
        y += scene.subtitle_line
    return y + gaps["offset"]


def to_figure(scene: Scene, theme: Theme) -> Figure:
    """The scene drawn on a Figure exactly ``scene.width`` pixels wide."""
    gaps = vega_config(theme)["title"]
    head = (
        len(scene.title) * scene.title_line
        + gaps["subtitlePadding"]
        + len(scene.subtitle) * scene.subtitle_line
    )
    body = sum(p.height for p in scene.panels) + scene.gap * (len(scene.panels) - 1)
    height = PAD + head + gaps["offset"] + body + PAD
    with mpl_style(theme):
        fig = StyledFigure(figsize=(scene.width / 100, height / 100), dpi=100)
        fig.house_theme = theme
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, scene.width)
        ax.set_ylim(height, 0)  # y down, as in the scene
        ax.set_axis_off()
        y = _title_block(_Page(ax, theme, scene.categories, PAD, 0, None, scene.plot_width), scene, gaps)
        for panel in scene.panels:
            pg = _Page(ax, theme, scene.categories, PAD, y, panel.scale, scene.plot_width)
            for m in panel.marks:
                DRAW[type(m)](m, pg)
            y += panel.height + scene.gap
    return fig
