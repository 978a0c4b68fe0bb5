"""What the timeline tests read from a chart: its spec's layers, its figure's texts and
ids, its scene's named marks, and the layout plan it was drawn from."""

from __future__ import annotations

import io
import itertools
from functools import cache
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from conftest import IRS, SYNTHETIC, layer_rows
from taxfirewall import load_incident
from taxfirewall.charts import scene as sc
from taxfirewall.charts.scene import Point, Rect
from taxfirewall.charts.timeline import timeline_chart
from taxfirewall.charts.timeline.layout import lay_out, text_width
from taxfirewall.charts.timeline.rows import select
from vegalite_schema import valid

FOLDERS = pytest.mark.parametrize("folder", [IRS, SYNTHETIC], ids=["irs-dhs", "synthetic"])


@cache
def loaded(folder: Path):
    """Each committed incident validated once per run (the charts take an Incident or a path)."""
    return load_incident(folder)


@cache
def irs():
    """The IRS timeline at the article width, built once per run."""
    return timeline_chart(loaded(IRS))


@cache
def irs_vl() -> dict:
    """Its Vega-Lite spec, validated against the schema altair ships."""
    return valid(irs().vegalite())


def plot_layers(spec: dict) -> list[dict]:
    return spec["vconcat"][0]["layer"]


def below_layers(spec: dict) -> list[dict]:
    return spec["vconcat"][1]["layer"]


def values(spec: dict, layer: dict) -> list[dict]:
    """A layer's data rows, with the tooltip words it looks up."""
    return layer_rows(spec, layer)


def mark_type(layer: dict) -> str:
    return layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]


def drawn(fig):
    """The figure drawn on an Agg canvas, with its renderer (for text extents)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def visible_texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def figure_gids(fig) -> set[str]:
    """The ids of every artist drawn on the figure (its marks' SVG ids)."""
    return {a.get_gid() for a in fig.findobj(lambda a: bool(getattr(a, "get_gid", lambda: None)()))}


def svg_bytes(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def planned(folder, width: int = 600, annotate: bool = True, start=None, end=None, categories=None):
    """The rows, time axis and pixel plan the chart draws from."""
    data, axis, _ = select(loaded(folder), start, end, categories)
    return data, axis, lay_out(data, axis, width, annotate)


def by_gid(chart) -> dict:
    """The scene's named marks (points, bars, rings, label lines) by their SVG id."""
    out: dict = {}
    for _, m in chart.scene().marks():
        if m.gid:
            out.setdefault(m.gid, []).append(m)
    return out


def plot_texts(chart) -> list:
    return [m for m in chart.scene().panels[0].marks if isinstance(m, sc.Text)]


def label_text(chart, event_id: str) -> str:
    """The label drawn beside an event's mark, its lines joined by newlines ('' for none)."""
    return "\n".join(m.text for m in by_gid(chart).get(f"label-{event_id}", []))


def _box(m) -> tuple[float, float, float, float]:
    if isinstance(m, Point):
        r = m.size**0.5 / 2
        return m.x - r, m.x + r, m.y - r, m.y + r
    if isinstance(m, Rect):
        return m.x, m.x2, m.y, m.y2
    w = text_width(m.text, m.size, m.bold)
    x0 = m.x - w if m.align == "right" else m.x
    return x0, x0 + w, m.y - 8, m.y + 8


def _union(boxes):
    return (
        min(b[0] for b in boxes),
        max(b[1] for b in boxes),
        min(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def label_boxes(chart) -> list[tuple[str, float, float, float, float]]:
    """Every event's mark (with its ring) and label (all its lines) as drawn in the scene:
    (what, x0, x1, y0, y1) in px from the plot's top left."""
    marks, labels = {}, {}
    for m in chart.scene().panels[0].marks:
        if isinstance(m, (Point, Rect)) and m.key is not None:
            marks.setdefault(m.key, []).append(_box(m))
        elif isinstance(m, sc.Text) and (m.gid or "").startswith(("label-", "date-")):
            labels.setdefault(m.gid.split("-", 1)[1], []).append(_box(m))
    return [(f"mark {k}", *_union(b)) for k, b in marks.items()] + [
        (f"label {k}", *_union(b)) for k, b in labels.items()
    ]


def overlapping(boxes, tol: float = 0.5):
    return [
        (a[0], b[0])
        for a, b in itertools.combinations(boxes, 2)
        if min(a[2], b[2]) - max(a[1], b[1]) > tol and min(a[4], b[4]) - max(a[3], b[3]) > tol
    ]
