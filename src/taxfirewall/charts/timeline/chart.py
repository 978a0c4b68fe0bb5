"""The timeline chart: its rows, its words, and the scene it draws at its width."""

from __future__ import annotations

from pathlib import Path

from ...data import Incident, load_incident
from ...i18n import _
from ...theme import SIZES, get_theme
from ..base import Chart, source_line
from ..scene import Panel, Scene, Tip
from ..text import wrap
from ..words import timeline as words
from .below import below_marks
from .layout import Plan, lay_out
from .marks import AXIS_H, plot_marks
from .rows import Axis, iso, select

TITLE_LINE, SUBTITLE_LINE = 25, 19  # px
GAP = 12  # between the axis labels and the block under them


def _tips(chart: Chart) -> tuple[Tip, ...]:
    """Each event's tooltip table and what a screen reader announces for its mark."""
    return tuple(
        Tip(r["event_id"], tuple((_(name), str(r[c])) for c, name in words.TOOLTIP), words.aria(r))
        for _i, r in chart.data.iterrows()
    )


def scene(chart: Chart, plan: Plan, categories: list[str]) -> Scene:
    """The timeline as a scene: the plot (with its axis) and the block under it."""
    t = chart.theme
    below, below_h = below_marks(chart.data, plan, chart.footer_lines, t, categories)
    return Scene(
        width=chart.width,
        plot_width=plan.plot_w,
        title=tuple(wrap(chart.title, plan.plot_w, SIZES["title"], True)),
        subtitle=tuple(wrap(chart.subtitle, plan.plot_w, SIZES["subtitle"])),
        title_line=TITLE_LINE,
        subtitle_line=SUBTITLE_LINE,
        panels=(
            Panel("plot", plan.plot_h + AXIS_H, plot_marks(plan, t, categories)),
            Panel("below", below_h, below),
        ),
        description=chart.alt_text,
        tips=_tips(chart),
        categories=tuple(categories),
        gap=GAP,
    )


def _drawn(data, axis: Axis, plan: Plan, enum, annotate: bool, chosen) -> words.Drawn:
    return words.Drawn(
        dated=[dict(r) for _i, r in data[data["mark"] != "list"].iterrows()],
        undated=[dict(r) for _i, r in data[data["mark"] == "list"].iterrows()],
        categories=enum,
        compact=plan.compact,
        annotate=annotate,
        asof_text=axis.asof_text,
        asof_why=axis.asof_why,
        asof_drawn=plan.asof_px is not None,
        cut_off=plan.cut_off,
        window=words.window_text(*axis.window),
        chosen=chosen,
    )


def _options(axis: Axis, enum, chosen, annotate: bool) -> dict:
    ws, we = axis.window
    return {
        "start": iso(ws) if ws is not None else None,
        "end": iso(we) if we is not None else None,
        "categories": [c for c in enum if c in chosen] if chosen is not None else None,
        "annotate": bool(annotate),
        "as_of": iso(axis.asof[0], axis.asof[2]) if axis.asof else None,
    }


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
    """The incident's timeline as a :class:`Chart` (see the package docstring for the design).

    ``incident``: an Incident or a folder; ``start``/``end``: a date window (ISO
    ``YYYY[-MM[-DD]]`` or dates) the axis spans, showing events whose date window overlaps
    it; ``categories``: the category names to show; ``annotate``: draw labels (tooltips
    always); ``as_of``: the "As of" date (default: the latest source publication).
    """
    inc = incident if isinstance(incident, Incident) else load_incident(Path(incident))
    inc = inc.with_as_of(as_of)  # one as-of date: the chart's override reaches every word of it
    args = dict(theme=theme, start=start, end=end, categories=categories, annotate=annotate, credit=credit)
    enum = [str(c) for c in inc.timeline["category"].cat.categories]
    chosen = (
        None
        if categories is None
        else ([categories] if isinstance(categories, str) else list(map(str, categories)))
    )
    data, axis, source_ids = select(inc, start, end, categories)
    plan = lay_out(data, axis, width, annotate)
    drawn = _drawn(data, axis, plan, enum, annotate, chosen)
    return Chart(
        slug="timeline",
        title=str(inc.meta.get("timeline_title") or inc.title),
        subtitle=words.subtitle(drawn),
        data=data,
        alt_text=words.alt_text(drawn),
        source_ids=source_ids,
        sources=source_line(inc, source_ids),
        notes=words.notes(drawn),
        credit=str(credit if credit is not None else inc.meta.get("credit", "")),
        theme=get_theme(theme),
        width=int(width),
        options=_options(axis, enum, chosen, annotate),
        layout=lambda chart: scene(chart, plan, enum),
        relayout=lambda w: timeline_chart(inc, **args, width=w),
    )
