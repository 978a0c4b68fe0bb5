"""The funnel laid out at a width: its rows as a :class:`~taxfirewall.charts.scene.Scene`.

Panels, top to bottom: every stage on one shared scale ("main"); with ``scale="zoom"``
the stages after the first again at stage 2's scale ("zoom"), joined to the bars above
by a wedge that spans the same range; the context figures, set apart ("context"); the
footer (sources, notes, credit) inside the graphic, so every export carries it. Every
number is written above its mark, never inside it, so thin bars keep their labels at
phone width. Text is wrapped by measuring DejaVu Sans, the widest font in the house
stack, so the same words land on the same lines in both renderings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ...formatting import format_number
from ...i18n import _
from ...theme import SIZES, vega_config
from ..base import Chart
from ..packing import knockout, label_options, widen
from ..scene import Area, Bracket, Panel, Point, Rect, Rule, Scale, Scene, Text, Tip
from ..text import text_width, wrap
from ..words import funnel as words
from .rows import stages_and_context, zoom_factor

PAD = vega_config()["padding"]["left"]  # the house padding either side of the content
GAP = 16  # between panels
BAR, ZBAR = 20, 14  # bar thickness in the main and magnified panels
SERIF = 5  # length of a range bracket's ends
SERIF_GAP = 6  # least room between the tips of a range's two serifs
MIN_SPAN = 14  # px: a range drawn narrower would not read as one ("I", "]["): widened, labelled
LINE = 1.3  # line height, in font sizes
WEDGE = 30  # height of the wedge joining the two scales
PAINT = (Area, Rule, Rect, Bracket, Point, Text)  # grid and ticks under the data, words on top

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


def size(style: str) -> float:
    return SIZES[STYLES[style][0]]


def line(style: str) -> float:
    return round(size(style) * LINE, 1)


def lines(text: str, style: str, width: float) -> tuple[str, ...]:
    return tuple(wrap(text, width, size(style), STYLES[style][1]))


@dataclass
class _Draft:
    """A panel being laid out: marks added in any order, painted in :data:`PAINT` order."""

    name: str
    width: float
    scale: Scale | None = None
    marks: list = field(default_factory=list)
    clear: list = field(default_factory=list)  # (x0, x1, top, bottom) boxes lines stop short of

    def text(self, style: str, y: float, s: str, x: float = 0.0, key=None) -> float:
        """Wrap ``s`` into lines starting at x; returns the y below the last line."""
        _size, bold, colour = STYLES[style]
        for part in lines(s, style, self.width - x):
            self.marks.append(Text(x=x, y=y, text=part, size=size(style), bold=bold, color=colour, key=key))
            y += line(style)
        return y

    def panel(self, height: float) -> Panel:
        marks = sorted(self.marks, key=lambda m: PAINT.index(type(m)))
        return Panel(self.name, height, tuple(marks), self.scale)


def _range(d: _Draft, r, key: int, y: float, h: float, gid: str) -> None:
    """A faded span from the low to the high bound, to scale however thin, with inward
    brackets "[ ]" at the bounds a source supports. A span narrower than MIN_SPAN px
    would draw as an "I" or crossed brackets, so its brackets are set MIN_SPAN px apart
    around it (in pixels, not values: they claim no bound) and it is labelled not to scale."""
    lo, hi = float(r["low"]), float(r["high"])
    d.marks.append(
        Rect(
            v=lo,
            v2=hi,
            y=y,
            y2=y + h,
            fill="range_fill",
            opacity=0.5,
            hatch="ink",
            key=key,
            aria=True,
            gid=gid + "span",
        )
    )
    x0, x1 = d.scale.px(lo, d.width), d.scale.px(hi, d.width)
    w0, w1 = widen(x0, x1, MIN_SPAN, d.width)
    widened = (w0, w1) != (x0, x1)
    serif = min(SERIF, (w1 - w0 - SERIF_GAP) / 2)  # the serifs' tips never meet
    for side, v, x, is_open in ((1, lo, w0, r["open_low"]), (-1, hi, w1, r["open_high"])):
        if not is_open:
            at = {"x": round(x, 2)} if widened else {"v": v}
            d.marks.append(
                Bracket(**at, serif=round(side * serif, 2), y=y, y2=y + h, key=key, gid=gid + "bracket")
            )
    if widened:
        _not_to_scale(d, w0, w1, y + h / 2, key, gid)


def _not_to_scale(d: _Draft, x0: float, x1: float, mid: float, key: int, gid: str) -> None:
    """The words saying a widened span is not to scale, beside it on its row (the longest
    wording that fits, right of it if it can); gridlines stop short of them."""
    font = size("reported")
    variants = [(_(t), text_width(_(t), font, False)) for t in words.NOT_TO_SCALE]
    options = label_options(x0, x1, variants, d.width, None, False)
    _side, a, b, text = next((o for o in options if o[0] != "above"), _on_row(x0, variants, d.width))
    d.marks.append(
        Text(
            x=round(a, 2),
            y=mid,
            text=text,
            size=font,
            color="muted",
            baseline="middle",
            key=key,
            gid="not-to-scale-" + gid.removeprefix("stage-").rstrip("-"),  # not "stage-": not a data mark
        )
    )
    d.clear.append((a, b, mid - line("reported") / 2, mid + line("reported") / 2))


def _on_row(x0: float, variants, width: float) -> tuple[str, float, float, str]:
    """No room beside the span: the longest wording that fits the plot at all, from the
    span's start, kept inside the plot (a longer language's may not fit on a phone)."""
    text, w = next(((t, w) for t, w in variants if w <= width), variants[-1])
    a = min(max(x0, 0.0), max(width - w, 0.0))
    return "above", a, a + w, text


def _stage(d: _Draft, r, key: int, y: float, h: float, log: bool) -> None:
    """A point stage as a bar from zero (a dot on a log scale, where bar length means
    nothing); a range as a span (with a zero tick: it floats off the bars' baseline)."""
    gid = f"stage-{r['stage']}-{d.name}-"
    if r["is_range"]:
        _range(d, r, key, y, h, gid)
        if not log:
            d.marks.append(Rule(v=0.0, y=y, y2=y + h, color="muted"))
    elif log:
        d.marks.append(Point(v=float(r["value"]), y=y + h / 2, size=110, key=key, aria=True, gid=gid + "dot"))
    else:
        d.marks.append(Rect(v=0.0, v2=float(r["value"]), y=y, y2=y + h, key=key, aria=True, gid=gid + "bar"))


def _decades(stages: pd.DataFrame, top: float) -> tuple[Scale, list[float]]:
    """A log scale from the power of ten at or below the smallest number to a little past
    the largest, and its gridlines on the powers of ten: no empty decade at either end."""
    positive = [float(x) for x in pd.concat([stages["value"], stages["low"]]).dropna() if x > 0] or [1.0]
    lo = 10.0 ** math.floor(math.log10(min(positive)))
    scale = Scale("log", lo, max(top * 1.6, lo * 10))
    return scale, [10.0**e for e in range(round(math.log10(lo)), math.floor(math.log10(scale.hi)) + 1)]


def _axis(d: _Draft, decades: list[float], y: float) -> float:
    """Labels centred under their gridline, kept inside the edges, skipped where they would
    touch the previous one (phones); then the axis's name. Returns the y below."""
    right = -math.inf
    for v in decades:
        label = format_number(v)
        w = text_width(label, size("axis"), False)
        x = min(max(d.scale.px(v, d.width) - w / 2, 0.0), d.width - w)
        if x >= right + 8:
            d.marks.append(Text(x=x, y=y, text=label, size=size("axis"), color="muted"))
            right = x + w
    return d.text("axis", y + line("axis"), _(words.LOG_AXIS))


def _main(stages: pd.DataFrame, width: float, log: bool) -> Panel:
    """Every stage on one shared scale, its words above its mark."""
    top = float(stages["representative"].max()) or 1.0
    d = _Draft("main", width, Scale("linear", 0.0, top))
    decades = []
    if log:
        d.scale, decades = _decades(stages, top)
    y = 0.0
    for i, r in stages.iterrows():
        y = d.text("label", y, r["label"], key=i)
        y = d.text("value", y, r["value_line"], key=i)
        if r["caveat"]:
            y = d.text("reported", y, words.caveat_line(r), key=i)
        if r["reported_text"]:
            y = d.text("reported", y, r["reported_text"], key=i)
        y += 3
        _stage(d, r, i, y, BAR, log)
        for v in decades:  # gridlines only beside the marks, never through the words
            for top, bottom in knockout(d.scale.px(v, width), y - 2, y + BAR + 2, d.clear):
                d.marks.append(Rule(v=v, y=top, y2=bottom, color="grid"))
        y += BAR + 14
    if decades:
        y = _axis(d, decades, y - 10) + 8
    return d.panel(y - 8)


def _zoom(stages: pd.DataFrame, width: float, zoom: float) -> Panel:
    """The stages after the first at stage 2's scale, under a wedge whose top spans
    0..stage 2 on the scale above and whose bottom spans the full width: the magnification."""
    second = float(stages["representative"].iloc[1])
    d = _Draft("zoom", width, Scale("linear", 0.0, second))
    d.marks.append(
        Area(y=0.0, rows=((0.0, 0.0, second / zoom), (WEDGE, 0.0, second)), fill="grid", opacity=0.35)
    )
    d.marks.append(Rule(v=second / zoom, v2=second, y=0.0, y2=WEDGE, color="muted", x2_offset=-1))
    y = d.text("zoom_head", WEDGE + 4, words.zoom_head(stages, zoom)) + 4
    for i, r in stages.iloc[1:].iterrows():
        y = d.text("zoom_label", y, words.figure_line(r), key=i) + 2
        _stage(d, r, i, y, ZBAR, False)
        y += ZBAR + 10
    return d.panel(y - 10)


def _context(context: pd.DataFrame, width: float) -> Panel:
    """Context figures, set apart: a rule, a heading, a short list."""
    d = _Draft("context", width)
    d.marks.append(Rule(x=1.5, x2=width - 1.5, y=0.0, y2=0.0, color="grid"))
    y = d.text("context_head", 8, _(words.NOT_IN_FUNNEL))
    indent = text_width("• ", size("context"), False) + 2
    for i, r in context.iterrows():
        d.marks.append(Text(x=0.0, y=y + 2, text="•", size=size("context"), key=i))
        y = d.text("context", y + 2, words.figure_line(r), x=indent, key=i)
    return d.panel(y)


def _footer(chart: Chart, width: float) -> Panel:
    d = _Draft("footer", width)
    y = 0.0
    for footer_line in chart.footer_lines:
        y = d.text("footer", y, footer_line) + 3
    return d.panel(max(y - 3, 1.0))


def scene(chart: Chart) -> Scene:
    """The funnel chart at ``chart.width``: every mark and line of text in pixels."""
    data = chart.data.reset_index(drop=True)
    stages, context = stages_and_context(data)
    scale, width = chart.options["scale"], chart.width - 2 * PAD
    panels = [_main(stages, width, scale == "log")]
    zoom = zoom_factor(data, scale)
    if zoom:
        panels.append(_zoom(stages, width, zoom))
    if len(context):
        panels.append(_context(context, width))
    panels.append(_footer(chart, width))
    return Scene(
        width=chart.width,
        plot_width=width,
        title=lines(chart.title, "title", width),
        subtitle=lines(chart.subtitle, "subtitle", width),
        title_line=line("title"),
        subtitle_line=line("subtitle"),
        panels=tuple(panels),
        description=chart.alt_text,
        tips=tuple(Tip(int(i), words.tip_table(r), words.tip_description(r)) for i, r in data.iterrows()),
        gap=GAP,
    )
