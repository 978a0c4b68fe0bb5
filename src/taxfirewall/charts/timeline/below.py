"""The block under the timeline's axis, as scene marks: the numbered key (phone widths),
the "Date not found" list, the legend of what the marks mean, and the footer. Positions
are px from the block's top; entries wrap to the plot width."""

from __future__ import annotations

import pandas as pd

from ...i18n import _
from ...theme import SIZES, Theme
from ..scene import Mark, Point, Text
from ..text import wrap
from ..words import humanise
from ..words import timeline as words
from .layout import Plan, text_width
from .marks import bar, span_opacity

LABEL, SMALL = SIZES["label"], SIZES["small"]


class _Block:
    """Marks stacked down the block; ``y`` is where the next one goes."""

    def __init__(self, plot_w: float):
        self.plot_w, self.y, self.marks = plot_w, 0.0, []

    def text(self, x, dy, s, size, bold=False, color="text", align="left", ident=""):
        gid = f"list-{ident}" if ident else None
        self.marks.append(
            Text(
                x=x,
                y=self.y + dy,
                text=s,
                size=size,
                bold=bold,
                color=color,
                align=align,
                baseline="middle",
                gid=gid,
            )
        )

    def entry(self, x, head, sub, bold, ident):
        """A list entry: the title (wrapped), its date under it, as in the plot's labels."""
        for line in wrap(head, self.plot_w - x, LABEL, bold):
            self.text(x, 8, line, LABEL, bold, ident=ident)
            self.y += 17
        for line in wrap(sub, self.plot_w - x, SMALL):  # one line but in a longer language
            self.text(x, 7, line, SMALL, color="muted", ident=ident)
            self.y += 15
        self.y += 6


def _key(b: _Block, dated: pd.DataFrame) -> None:
    """Phone widths: every numbered mark's title and date at full size."""
    col = max(text_width(str(n), SMALL, True) for n in dated["number"]) + 8
    for _i, r in dated.iterrows():
        b.text(col - 6, 8, str(r["number"]), SMALL, True, align="right", ident=r["event_id"])
        b.entry(col, r["title"], r["sublabel_text"], bool(r["highlight"]), r["event_id"])
    b.y += 6


def _not_found(b: _Block, undated: pd.DataFrame, shapes: dict) -> None:
    """Events whose date was sought and not found, off the axis, with their years."""
    b.text(0, 7, _(words.DATE_NOT_FOUND), SMALL, True, color="muted")
    b.y += 18
    for _i, r in undated.iterrows():
        ident, cat = r["event_id"], r["category"]
        b.marks.append(
            Point(x=5.0, y=b.y + 8, shape=shapes[cat], size=81, fill=f"category:{cat}", key=ident, aria=True)
        )
        b.entry(16, r["title"], r["sublabel_text"], bool(r["highlight"]), ident)
    b.y += 6


def _swatch(kind: str, cat, x: float, y: float, size: float, shapes: dict, opacity: float) -> list[Mark]:
    if kind == "point":
        return [Point(x=x, y=y, shape=shapes[cat], size=size**2, fill=f"category:{cat}")]
    if kind == "bar":
        return bar(x - size / 2, x + size / 2, y, "muted", opacity)
    edge = "accent" if kind == "ring" else "muted"
    return [Point(x=x, y=y, size=size**2, fill=None, stroke=edge, stroke_width=2)]


def _legend(b: _Block, data: pd.DataFrame, categories, shapes: dict, opacity: float) -> None:
    """What the marks mean, flowing into rows."""
    dated = data[data["mark"] != "list"]
    legend = [("point", c, humanise(c)) for c in categories if (data["category"] == c).any()]
    if dated["highlight"].any():
        legend.append(("ring", None, _(words.KEY_MOMENT)))
    if dated["upcoming"].any():
        legend.append(("hollow", None, _(words.SCHEDULED)))
    if (data["mark"] == "span").any():
        legend.append(("bar", None, _(words.SPAN)))
    x = 0.0
    b.y += 4
    for kind, cat, name in legend:
        sw = 18 if kind == "bar" else 12 if kind in ("ring", "hollow") else 10
        need = sw + 5 + text_width(name, SMALL) + 14
        if x > 0 and x + need - 14 > b.plot_w:
            x, b.y = 0.0, b.y + 18
        b.marks += _swatch(kind, cat, x + sw / 2, b.y + 8, sw, shapes, opacity)
        b.text(x + sw + 5, 8, name, SMALL)
        x += need
    if legend:
        b.y += 18 + 8


def below_marks(
    data: pd.DataFrame, plan: Plan, footer_lines, theme: Theme, categories
) -> tuple[tuple, float]:
    """The block's marks in paint order, and its height."""
    shapes = theme.category_shapes(categories)
    b = _Block(plan.plot_w)
    dated, undated = data[data["mark"] != "list"], data[data["mark"] == "list"]
    if plan.compact and any(e["label"] for e in plan.events):
        _key(b, dated)
    if len(undated):
        _not_found(b, undated, shapes)
    _legend(b, data, categories, shapes, span_opacity(theme))
    for line in footer_lines:
        for part in wrap(line, plan.plot_w, SIZES["footer"]):
            b.text(0, 7, part, SIZES["footer"], color="muted")
            b.y += 15
    return tuple(b.marks), b.y + 2
