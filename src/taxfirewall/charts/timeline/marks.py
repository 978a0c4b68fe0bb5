"""The timeline's plot as scene marks: gridlines and the axis, the as-of rule, bars
(with arrowheads where the axis cuts them), points (rings round key moments, hollow
when scheduled) and the labels beside them, all at the pixels the layout chose."""

from __future__ import annotations

from ...theme import SIZES, Theme, contrast
from ..scene import Mark, Point, Rect, Rule, Text
from ..words import timeline as words
from .layout import BAR, RING, STRIP, Plan, text_width

AXIS_H = 26  # under the plot: tick, label padding and tick labels (px)
TICK, TICK_PAD = 4, 3


def span_opacity(t: Theme) -> float:
    """Fill opacity of a month/year bar: lighter than a point, but still visible on a dark page."""
    return 0.6 if contrast(t.background, "#ffffff") > contrast(t.background, "#000000") else 0.45


def bar(x0, x1, y, colour: str, opacity: float, **ids) -> list[Mark]:
    """A bar BAR px thick: a light fill, then its outline at full strength."""
    box = dict(x=x0, x2=x1, y=y - BAR / 2, y2=y + BAR / 2)
    fill = [Rect(**box, fill=colour, opacity=opacity, **ids)] if opacity else []
    outline = dict(ids, gid=None, aria=False) if fill else ids
    return fill + [Rect(**box, fill=None, stroke=colour, stroke_width=1, **outline)]


def _axis(plan: Plan) -> list[Mark]:
    """Gridlines (knocked out round labels), the baseline, ticks and their labels."""
    h = plan.plot_h
    out: list[Mark] = [
        Rule(x=x, y=a, y2=b, color="grid")
        for (x, _, _), pieces in zip(plan.ticks, plan.gridlines)
        for a, b in pieces
    ]
    out.append(Rule(x=0, x2=plan.plot_w, y=h, color="muted"))
    for i, (x, label, _) in enumerate(plan.ticks):
        out.append(Rule(x=x, y=h, y2=h + TICK, color="muted"))
        tick = dict(size=SIZES["small"], color="muted", align="center", gid=f"tick-{i}")
        out.append(Text(x=x, y=h + TICK + TICK_PAD, text=label, **tick))
    return out


def _as_of(plan: Plan) -> tuple[list[Mark], list[Mark]]:
    """The dashed as-of rule (under the marks) and its label in the top strip (over them)."""
    if plan.asof_px is None:
        return [], []
    x, label = plan.asof_px, words.as_of_label(plan.axis.asof_text)
    rule = [  # one id per piece: the first is "as-of"
        Rule(x=x, y=a, y2=b, color="muted", width=1.2, dash=(4, 3), gid=f"as-of{f'-{i}' if i else ''}")
        for i, (a, b) in enumerate(plan.asof_segments)
    ]
    right = x + 4 + text_width(label, SIZES["small"]) <= plan.plot_w
    text = Text(
        x=x + (4 if right else -4),
        y=STRIP / 2,
        text=label,
        size=SIZES["small"],
        color="muted",
        align="left" if right else "right",
        baseline="middle",
    )
    return rule, [text]


def _span(e: dict, opacity: float) -> list[Mark]:
    ident, colour, y = e["event_id"], f"category:{e['category']}", e["mark_y"]
    out = bar(
        e["px0"],
        e["px1"],
        y,
        colour,
        0 if e["upcoming"] else opacity,
        key=ident,
        aria=True,
        gid=f"span-{ident}",
    )
    if e["highlight"]:  # the accent outline, 3 px out
        box = dict(x=e["px0"] - 3, x2=e["px1"] + 3, y=y - BAR / 2 - 3, y2=y + BAR / 2 + 3)
        out.append(Rect(**box, fill=None, stroke="accent", stroke_width=2, key=ident, gid=f"ring-{ident}"))
    return out


def _arrows(e: dict) -> list[Mark]:
    """Arrowheads at the ends of a bar the axis cuts off, pointing the way it runs on."""
    ends = ((e["runs_before"], e["px0"] + 4, "left"), (e["runs_after"], e["px1"] - 4, "right"))
    colour = f"category:{e['category']}"
    return [
        Point(x=x, y=e["mark_y"], shape=f"triangle-{way}", size=BAR**2, fill=colour)
        for runs, x, way in ends
        if runs
    ]


def _point(e: dict, shapes: dict) -> list[Mark]:
    ident, colour, d = e["event_id"], f"category:{e['category']}", e["mark_size"]
    at = dict(x=e["px0"], y=e["mark_y"], key=ident)
    out: list[Mark] = []
    if e["highlight"]:
        out.append(
            Point(**at, size=(d + RING) ** 2, fill=None, stroke="accent", stroke_width=2, gid=f"ring-{ident}")
        )
    style = (
        dict(fill=None, stroke=colour, stroke_width=2)  # hollow: not happened as of the data's date
        if e["upcoming"]
        else dict(fill=colour, stroke="background", stroke_width=1)
    )
    out.append(Point(**at, shape=shapes[e["category"]], size=d**2, aria=True, gid=f"point-{ident}", **style))
    return out


def _labels(e: dict, compact: bool) -> list[Mark]:
    """The label lines beside a mark: its title (or number), then the date under it."""
    if not e["label"]:
        return []
    ident, align = e["event_id"], e["label_align"]
    x = e["label_x1"] if align == "right" else e["label_x0"]
    size = SIZES["small"] if compact else SIZES["label"]
    line = dict(
        x=x, size=size, bold=bool(e["highlight"]), align=align, baseline="middle", gid=f"label-{ident}"
    )
    out: list[Mark] = [
        Text(y=e["label_y"] + 16 * i, text=t, **line) for i, t in enumerate(e["label"].split("\n"))
    ]
    if e["sublabel"]:
        date = dict(line, size=SIZES["small"], bold=False, gid=f"date-{ident}")
        out.append(Text(y=e["sublabel_y"], text=e["sublabel"], color="muted", **date))
    return out


def plot_marks(plan: Plan, theme: Theme, categories: list[str]) -> tuple[Mark, ...]:
    """Everything in the plot panel, in paint order (later over earlier)."""
    shapes = theme.category_shapes(categories)
    rule, asof_label = _as_of(plan)
    events = plan.events
    opacity = span_opacity(theme)
    spans = [m for e in events if e["mark"] == "span" for m in _span(e, opacity)]
    arrows = [m for e in events if e["mark"] == "span" for m in _arrows(e)]
    points = [m for e in events if e["mark"] == "point" for m in _point(e, shapes)]
    labels = [m for e in events for m in _labels(e, plan.compact)]
    return tuple(_axis(plan) + rule + spans + arrows + points + labels + asof_label)
