"""A range too narrow to see (the IRS data's stage 3: 2,000–2,364 of 1.28 million) still
reads as a range at phone and article width, on every funnel scale: its brackets are at
least a readable width apart, in order "[ ]", never crossed "][" or collapsed into an
"I", and where they are set wider than the range's true extent the chart says "not to
scale" beside them. Pinned on the scene, on the matplotlib figure and on what Vega draws."""

from __future__ import annotations

import pytest
import vl_convert as vlc
from hypothesis import example, given
from hypothesis import strategies as st
from matplotlib.lines import Line2D
from matplotlib.text import Text as MplText

from conftest import IRS
from taxfirewall import load_incident
from taxfirewall.charts.funnel import funnel_chart
from taxfirewall.charts.funnel.layout import MIN_SPAN
from taxfirewall.charts.packing import widen
from taxfirewall.charts.scene import Bracket, Rect, Text
from taxfirewall.charts.words.funnel import NOT_TO_SCALE

READABLE = 8  # px: the least distance between a range's brackets that reads as "[ ]"
WIDTHS = pytest.mark.parametrize("width", [320, 600])
SCALES = pytest.mark.parametrize("scale", ["zoom", "linear", "log"])


@pytest.fixture(scope="module")
def irs():
    return load_incident(IRS)


def narrowest(chart) -> tuple[int, int]:
    """(row key, stage) of the plotted range with the smallest extent."""
    f = chart.data[chart.data["panel"].eq("funnel") & chart.data["is_range"]]
    i = (f["high"] - f["low"]).astype(float).idxmin()
    return int(i), int(f.loc[i, "stage"])


def px(panel, m, width: float) -> float:
    return panel.scale.px(m.v, width) if m.on_scale else m.x


def check_brackets(left: tuple[float, float], right: tuple[float, float]) -> None:
    """Two brackets as (upright x, serif tip x): far enough apart, in order, serifs inward
    with their tips in order too (a "]" left of a "[" is a crossed range)."""
    (x0, tip0), (x1, tip1) = left, right
    assert x1 - x0 >= READABLE, f"brackets {x1 - x0:.2f} px apart: reads as an I"
    assert tip0 > x0 and tip1 < x1, "serifs point outwards: ]["
    assert tip0 < tip1, "serifs cross"


# --------------------------------------------------------------------------- the scene


@SCALES
@WIDTHS
def test_narrowest_range_reads_as_a_range_in_every_panel_of_the_scene(irs, scale, width):
    chart = funnel_chart(irs, scale=scale, width=width)
    key, _ = narrowest(chart)
    scene = chart.scene()
    w = scene.plot_width
    panels = [p for p in scene.panels if any(m.key == key and isinstance(m, Bracket) for m in p.marks)]
    assert panels
    for panel in panels:
        span = next(m for m in panel.marks if isinstance(m, Rect) and m.key == key)
        s0, s1 = panel.scale.px(span.v, w), panel.scale.px(span.v2, w)  # its true extent, to scale
        left, right = sorted(
            (m for m in panel.marks if isinstance(m, Bracket) and m.key == key), key=lambda m: m.serif < 0
        )
        check_brackets(
            (px(panel, left, w), px(panel, left, w) + left.serif),
            (px(panel, right, w), px(panel, right, w) + right.serif),
        )
        said = [m for m in panel.marks if isinstance(m, Text) and m.key == key and m.text in NOT_TO_SCALE]
        if s1 - s0 < MIN_SPAN:
            # widened: in pixels (no value claimed), around the true extent, and said so
            assert not left.on_scale and not right.on_scale
            assert left.x <= s0 + 1e-6 and right.x >= s1 - 1e-6
            assert len(said) == 1 and (said[0].x >= right.x or said[0].x + 1 <= left.x)
        else:
            assert (left.v, right.v) == (span.v, span.v2) and not said


def test_the_irs_stage_3_is_really_too_narrow_to_draw_to_scale(irs):
    """The case above is not vacuous: to scale, the range is under a pixel wide at 320 px
    in the main panel and a few px in the enlarged one."""
    chart = funnel_chart(irs, scale="zoom", width=320)
    key, stage = narrowest(chart)
    assert stage == 3
    scene = chart.scene()
    for panel in scene.panels[:2]:
        span = next(m for m in panel.marks if isinstance(m, Rect) and m.key == key)
        assert panel.scale.px(span.v2, scene.plot_width) - panel.scale.px(span.v, scene.plot_width) < 4


@given(st.floats(0, 300), st.floats(0, 40), st.floats(1, 30), st.floats(60, 1000))
@example(65.0, 1.2719428979514964, 1.2719428979514964, 67.0)  # rounding once lost x1
def test_widen_only_grows_a_span_keeps_it_in_order_and_inside_the_plot(x0, extent, minimum, plot_w):
    x0 = min(x0, plot_w)
    x1 = min(x0 + extent, plot_w)
    a, b = widen(x0, x1, minimum, plot_w)
    assert a <= x0 and b >= x1, "the widened span holds the true one"
    assert b - a >= minimum - 1e-9
    assert (a, b) == (x0, x1) or x1 - x0 < minimum, "a wide enough span is left alone"
    assert a >= 0 and b <= plot_w + 1e-9


# --------------------------------------------------------------------------- what is drawn


@SCALES
@WIDTHS
def test_matplotlib_draws_the_narrowest_range_as_brackets_in_order_with_its_label(irs, scale, width):
    chart = funnel_chart(irs, scale=scale, width=width)
    _, stage = narrowest(chart)
    fig = chart.figure()
    panels = ["main", "zoom"] if scale == "zoom" else ["main"]
    for panel in panels:
        lines = [a for a in fig.findobj(Line2D) if a.get_gid() == f"stage-{stage}-{panel}-bracket"]
        assert len(lines) == 2
        # each bracket is drawn as [tip, upright, upright, tip] along x
        ends = sorted((float(a.get_xdata()[1]), float(a.get_xdata()[0])) for a in lines)
        check_brackets(*ends)
        said = [t for t in fig.findobj(MplText) if t.get_gid() == f"not-to-scale-{stage}-{panel}"]
        assert len(said) == 1 and said[0].get_text() in NOT_TO_SCALE


def _vega_panels(graph) -> dict[str, list[dict]]:
    """Vega's scenegraph as {panel: [mark, ...]}: Vega-Lite names each panel's marks
    "concat_<n>_layer_<m>_marks"."""
    panels: dict[str, list[dict]] = {}

    def walk(node):
        if isinstance(node, dict):
            name = str(node.get("name") or "")
            if name.startswith("concat_") and "_layer_" in name:
                panels.setdefault(name.split("_layer_")[0], []).append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(graph)
    return panels


def _items(marks, marktype):
    return [it for mark in marks if mark.get("marktype") == marktype for it in mark.get("items", [])]


@SCALES
@WIDTHS
def test_vega_draws_the_narrowest_range_as_brackets_in_order_with_its_label(irs, scale, width):
    """What Vega itself draws (its scenegraph): beside each "not to scale" label, the
    bracket uprights on its row are a readable width apart, serifs inward, in order."""
    chart = funnel_chart(irs, scale=scale, width=width)
    graph = vlc.vegalite_to_scenegraph(chart.vegalite(), vl_version="5.20")
    found = 0
    for marks in _vega_panels(graph).values():
        for label in (t for t in _items(marks, "text") if t.get("text") in NOT_TO_SCALE):
            rules = _items(marks, "rule")
            mid = label["y"]
            uprights = sorted(
                r["x"] for r in rules if "y2" in r and r["strokeWidth"] == 2 and r["y"] <= mid <= r["y2"]
            )
            assert len(uprights) == 2, uprights
            tips = {r["x"]: r["x2"] for r in rules if "x2" in r and "y2" not in r and r["x"] in uprights}
            check_brackets((uprights[0], tips[uprights[0]]), (uprights[1], tips[uprights[1]]))
            assert label["x"] >= uprights[1] or label["x"] + 1 <= uprights[0]
            found += 1
    assert found == (2 if scale == "zoom" else 1)
