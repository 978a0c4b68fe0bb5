"""The funnel chart: how many people were asked for, how many were handed over, how many in error.

Encoding, and why
-----------------
The stages span three orders of magnitude, so one honest scale cannot show them all.
``scale="zoom"`` (default) draws every stage as a horizontal bar on ONE shared linear
scale, so the reader sees the true proportion (the later stages are slivers), then
redraws the stages after the first in a panel below at their own scale (anchored to
stage 2, "enlarged ×N", N computed), joined to the bars above by a wedge that spans
the same range. ``scale="linear"`` is the first part alone. ``scale="log"`` uses dots
on a logarithmic axis instead of bars (a bar's length means nothing on a log scale) and
says so in the subtitle and on the axis.

A stage known only as a range is never a solid bar: it is a faded span from its low to
its high bound with bracket ends (hatched in the static rendering; Vega-Lite has no
hatching). Context figures are other quantities (violations, addresses): they are listed
under "Not part of the funnel", never drawn or summed as stages. Money figures are left out.

:mod:`.rows` builds the plotted table, :mod:`..words.funnel` its words, :mod:`.layout`
the scene both renderers draw.
"""

from __future__ import annotations

from pathlib import Path

from ... import asof
from ...data import Incident, load_incident
from ...theme import Theme, get_theme
from ..base import Chart, source_line
from ..words import funnel as words
from . import layout
from .rows import rows, stages_and_context, zoom_factor

__all__ = ["SCALES", "funnel_chart"]

SCALES = ("zoom", "linear", "log")


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
    data = rows(inc, scale, show_context)

    def relayout(w: int) -> Chart:
        return funnel_chart(inc, theme=theme, scale=scale, width=w, show_context=show_context, credit=credit)

    stages, context = stages_and_context(data)
    source_ids = tuple(dict.fromkeys(s for ids in data["source_ids"] for s in ids.split("; ") if s))
    as_of = asof.text(inc)
    return Chart(
        slug="funnel",
        title=str(inc.meta.get("funnel_title") or inc.title),
        subtitle=words.subtitle(stages, scale),
        data=data,
        alt_text=words.alt_text(stages, context, scale, zoom_factor(data, scale), as_of),
        source_ids=source_ids,
        sources=source_line(inc, source_ids),
        notes=words.notes(stages, context, scale, as_of),
        credit=inc.meta.get("credit", "") if credit is None else credit,
        theme=get_theme(theme),
        width=int(width),
        options={"scale": scale, "show_context": bool(show_context)},
        layout=layout.scene,
        relayout=relayout,
    )
