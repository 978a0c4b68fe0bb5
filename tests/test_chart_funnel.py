"""The funnel chart: its numbers are the dataset's, it draws ranges as ranges, never mixes
context into the funnel, and both renderings stay readable at article and phone width."""

from __future__ import annotations

import io
import itertools
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import altair as alt
import jsonschema
import pandas as pd
import pytest
import vl_convert as vlc
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from conftest import IRS, SYNTHETIC, edit_cell, layer_rows, read_rows, write_rows
from taxfirewall import load_incident
from taxfirewall.charts.funnel import funnel_chart
from taxfirewall.charts.words.funnel import NOT_TO_SCALE
from taxfirewall.formatting import format_number
from taxfirewall.quantity import Quantity
from vegalite_schema import valid

FOLDERS = pytest.mark.parametrize("folder", [IRS, SYNTHETIC], ids=["irs-dhs", "synthetic"])
VL_SCHEMA = Path(alt.__file__).parent / "vegalite" / "v5" / "schema" / "vega-lite-schema.json"


@pytest.fixture(scope="module")
def loaded():
    """Each incident loaded once (read-only): validation is the slow part."""
    return {IRS: load_incident(IRS), SYNTHETIC: load_incident(SYNTHETIC)}


# ----------------------------------------------------------------------------- helpers


def expected_labels(inc) -> list[str]:
    """What the chart must print for each stage, computed here from the loaded dataset."""
    out = []
    for _, r in inc.funnel.iterrows():
        out += [r["label"], Quantity.of(r).text]
        if r["stage"] > 1:
            out.append(f"{r['share'].text} of {r['share_label']}")
    return out


def svg_text(svg: str | bytes) -> str:
    """Every text run in an SVG, in document order, joined by spaces (wrapped lines rejoin)."""
    root = ET.fromstring(svg.encode() if isinstance(svg, str) else svg)
    runs = [
        el.text.strip()
        for el in root.iter()
        if el.tag.endswith(("text", "tspan")) and el.text and el.text.strip()
    ]
    return " ".join(runs)


def mpl_svg(chart) -> bytes:
    buf = io.BytesIO()
    chart.figure().savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def layers(spec: dict):
    """(mark dict, encoding, data rows) for every layer of the concatenated spec."""
    for panel in spec["vconcat"]:
        for layer in panel["layer"]:
            yield layer["mark"], layer["encoding"], layer_rows(spec, layer, panel)


def tip(row: dict, title: str):
    """One line of a mark's tooltip (the looked-up ``tt`` object), or None."""
    return (row.get("tt") or {}).get(title)


def spec_strings(spec: dict) -> str:
    def strings(v):
        if isinstance(v, str):
            yield v
        elif isinstance(v, dict):  # the tooltip object
            for x in v.values():
                yield from strings(x)

    return " ".join(
        s for _, _, rows in layers(spec) for row in rows for v in row.values() for s in strings(v)
    )


def text_problems(fig, tolerance: float = 0.5, margin: float = 6) -> list[str]:
    """Draw the figure, then report text in the side margins (``margin`` px, inside the
    chart's padding) or past the edge, or overlapping other text or a data mark: compares
    the rendered bounding boxes of every artist."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    boxes = [(t.get_text(), t.get_window_extent(renderer).expanded(1, 1)) for t in texts]
    boxes = [
        (s, b.from_extents(b.x0 + tolerance, b.y0 + tolerance, b.x1 - tolerance, b.y1 - tolerance))
        for s, b in boxes
    ]
    problems = []
    frame = Bbox.from_extents(fig.bbox.x0 + margin, fig.bbox.y0, fig.bbox.x1 - margin, fig.bbox.y1)
    for s, b in boxes:
        if b.x0 < frame.x0 or b.y0 < frame.y0 or b.x1 > frame.x1 or b.y1 > frame.y1:
            problems.append(f"clipped: {s!r}")
    for (s1, b1), (s2, b2) in itertools.combinations(boxes, 2):
        if b1.overlaps(b2):
            problems.append(f"overlap: {s1!r} / {s2!r}")
    marks = [a for a in fig.findobj() if (a.get_gid() or "").startswith("stage-")]
    for s, b in boxes:
        for m in marks:
            if b.overlaps(m.get_window_extent(renderer)):
                problems.append(f"text on mark: {s!r} / {m.get_gid()}")
    return problems


# ----------------------------------------------------------------------------- numbers


@FOLDERS
def test_chart_data_equals_the_datasets_preferred_values(folder, loaded):
    inc = loaded[folder]
    chart = funnel_chart(inc)
    rows = chart.data[chart.data["panel"] == "funnel"].reset_index(drop=True)
    f = inc.funnel
    assert list(rows["stage"]) == list(f["stage"])
    for col in (
        "figure_id",
        "label",
        "value",
        "low",
        "high",
        "is_range",
        "share_low",
        "share_high",
        "value_text",
    ):
        pd.testing.assert_series_equal(rows[col], f[col], check_names=False, check_dtype=False)
    for _, r in rows.iterrows():
        assert r["value_text"] == Quantity.of(r).text


@FOLDERS
def test_stage_labels_appear_in_spec_and_both_svgs(folder, loaded):
    inc = loaded[folder]
    want = expected_labels(inc)
    for width in (600, 320):
        chart = funnel_chart(inc, width=width)
        spec = chart.vegalite()
        raw = vlc.vegalite_to_svg(spec, vl_version="5.20")
        assert ET.fromstring(raw).get("width") == str(width)  # the export is exactly the width asked for
        vega_svg = svg_text(raw)
        matplotlib_svg = svg_text(mpl_svg(chart))
        in_spec = spec_strings(spec)
        for label in want:
            assert label in in_spec, label
            assert label in vega_svg, (width, label)
            assert label in matplotlib_svg, (width, label)
        for line in chart.footer_lines:  # the footer travels inside every export
            assert line in vega_svg and line in matplotlib_svg


def test_disagreeing_sources_are_shown_as_a_reported_span(loaded):
    inc = loaded[IRS]
    chart = funnel_chart(inc)
    for _, r in inc.funnel.iterrows():
        text = chart.data.set_index("figure_id").loc[r["figure_id"], "reported_text"]
        values = inc.quantities(r["figure_id"])
        if len({v.text for v in values}) > 1:
            # the spread names the lowest and the highest report in their own words
            lowest = min(v.extent[0] for v in values)
            highest = max(v.extent[1] for v in values)
            if text.startswith("reports range from "):
                assert any(v.text in text.split(" to ")[0] and v.extent[0] == lowest for v in values)
                assert any(text.endswith(v.cited) and v.extent[1] == highest for v in values)
            else:  # lowest and highest read alike: every wording is listed
                assert text.startswith("reports give ") and all(v.cited in text for v in values)
        else:
            assert text == ""
    stage1 = chart.data.set_index("figure_id").loc["F1", "reported_text"]
    # each end in its own words, with its caveat when weakly verified
    assert stage1 == "reports range from 1.2 million (not independently verified) to more than 1.27 million"


def test_a_one_sided_report_that_holds_the_others_lists_every_wording():
    from taxfirewall.quantity import spread_text

    values = [
        Quantity("more_than", None, 12000001, 12999999),
        Quantity("rounded", 12400000, 12350000, 12449999),
    ]
    assert spread_text(values) == "reports give more than 12 million and 12.4 million"


def test_editing_a_reported_value_changes_data_labels_and_alt_text(incident):
    defs = {r["figure_id"]: r for r in read_rows(incident / "figure_definitions.csv")}
    stage2 = next(r for r in defs.values() if r["role"] == "funnel" and r["stage"] == "2")
    before = funnel_chart(incident)
    for column in ("value", "low", "high"):
        edit_cell(incident, "figures.csv", "value_id", stage2["preferred_value_id"], column, "47100")
    after = funnel_chart(incident)
    inc = load_incident(incident)
    row = after.data.set_index("figure_id").loc[stage2["figure_id"]]
    assert row["value"] == 47100 == inc.funnel.loc[1, "value"]
    new, old = format_number(47100), before.data.set_index("figure_id").loc[stage2["figure_id"], "value_text"]
    assert row["value_text"] == new != old
    assert new in after.alt_text and old not in after.alt_text
    assert new in spec_strings(after.vegalite()) and new in svg_text(mpl_svg(after))
    # the next stage's share is now of the new number
    s3 = inc.funnel.loc[2]
    assert after.data.loc[2, "share_text"].startswith(s3["share"].text)
    assert s3["share_high"] == pytest.approx(s3["high"] / 47100)


# ----------------------------------------------------------------------------- encoding


@FOLDERS
def test_range_stage_is_a_span_never_a_solid_bar(folder, loaded):
    inc = loaded[folder]
    ranges = inc.funnel[inc.funnel["is_range"]]
    assert len(ranges), "fixture should have a range-only stage"
    chart = funnel_chart(inc)
    t = chart.theme
    spec = chart.vegalite()
    for _, r in ranges.iterrows():
        label = r["label"]
        solid = [
            rows for mark, _, rows in layers(spec) if mark["type"] == "rect" and mark.get("color") == t.ink
        ]
        assert not any(tip(row, "Figure") == label for rows in solid for row in rows)
        spans = [
            (mark, row)
            for mark, _, rows in layers(spec)
            if mark["type"] == "rect"
            for row in rows
            if tip(row, "Figure") == label
        ]
        assert spans and all(mark["color"] == t.range_fill and mark["opacity"] < 1 for mark, _ in spans)
        assert {(row["v"], row["v2"]) for _, row in spans} == {(float(r["low"]), float(r["high"]))}
        brackets = [
            row
            for mark, _, rows in layers(spec)
            if mark["type"] == "rule"
            for row in rows
            if tip(row, "Figure") == label
        ]
        # at the bounds; or, on a span too narrow to see, widened (in pixels: no value
        # claimed) and said to be not to scale beside it
        at_bounds = {row["v"] for row in brackets if "v" in row} >= {float(r["low"]), float(r["high"])}
        widened = [row for row in brackets if "x" in row]
        said = [
            row
            for mark, _, rows in layers(spec)
            if mark["type"] == "text"
            for row in rows
            if tip(row, "Figure") == label and row["text"] in NOT_TO_SCALE
        ]
        assert at_bounds or (len(widened) >= 2 and said)
    fig = chart.figure()
    for s in ranges["stage"]:
        span = [p for p in fig.findobj() if p.get_gid() == f"stage-{s}-main-span"]
        assert len(span) == 1 and span[0].get_hatch() and span[0].get_alpha() < 1
        assert not [p for p in fig.findobj() if p.get_gid() == f"stage-{s}-main-bar"]
        assert len([p for p in fig.findobj() if p.get_gid() == f"stage-{s}-main-bracket"]) == 2


@FOLDERS
def test_context_figures_are_listed_apart_and_never_stages(folder, loaded):
    inc = loaded[folder]
    chart = funnel_chart(inc)
    d = chart.data
    ctx = d[d["panel"] == "context"]
    funnel = d[d["panel"] == "funnel"]
    shown = inc.context[~inc.context["unit"].isin(["usd", "usd_per_person"])]
    assert list(ctx["figure_id"]) == list(shown["figure_id"])
    assert ctx["stage"].isna().all() and not set(ctx["figure_id"]) & set(funnel["figure_id"])
    # the funnel rows are exactly the stages, one each: nothing summed or merged in
    assert len(funnel) == len(inc.funnel)
    assert list(funnel["representative"]) == list(inc.funnel["representative"])
    stage_sums = {
        sum(c) for n in range(2, len(funnel) + 1) for c in itertools.combinations(funnel["representative"], n)
    }
    assert not stage_sums & set(d["representative"].dropna())
    # in the spec, context figures have no bar, span or dot
    spec = chart.vegalite()
    marked = {
        tip(row, "Figure")
        for mark, _, rows in layers(spec)
        if mark["type"] in ("rect", "point")
        for row in rows
    }
    assert not marked & set(ctx["label"])
    no_ctx = funnel_chart(inc, show_context=False)
    assert (no_ctx.data["panel"] == "funnel").all() and len(no_ctx.vegalite()["vconcat"]) < len(
        spec["vconcat"]
    ) + 1


def test_money_context_is_left_out(loaded):
    inc = loaded[IRS]
    money = inc.context[inc.context["unit"].isin(["usd", "usd_per_person"])]
    assert len(money)
    assert not set(money["figure_id"]) & set(funnel_chart(inc).data["figure_id"])


def test_zoom_panel_redraws_later_stages_with_its_factor(loaded):
    inc = loaded[IRS]
    chart = funnel_chart(inc)
    f = inc.funnel
    factor = format_number(round(f["representative"].max() / f["representative"].iloc[1]))
    assert chart.data.loc[chart.data["panel"] == "funnel", "zoomed"].tolist() == [False] + [True] * (
        len(f) - 1
    )
    spec = chart.vegalite()
    assert f"enlarged ×{factor}" in spec_strings(spec)
    assert f"enlarged ×{factor}" in svg_text(mpl_svg(chart))
    assert len(spec["vconcat"]) == len(funnel_chart(inc, scale="linear").vegalite()["vconcat"]) + 1


def test_log_scale_is_labelled_and_unknown_scales_refused(loaded):
    inc = loaded[IRS]
    chart = funnel_chart(inc, scale="log")
    assert "Logarithmic scale: each gridline is 10 times the last" in chart.subtitle
    assert "Scale: logarithmic" in chart.notes
    assert "logarithmic" in chart.alt_text
    assert "Logarithmic scale" in svg_text(mpl_svg(chart))
    assert chart.options == {"scale": "log", "show_context": True}
    with pytest.raises(ValueError, match="zoom, linear, log"):
        funnel_chart(inc, scale="sqrt")


@pytest.mark.parametrize("n_stages", [1, 2])
def test_any_number_of_stages_renders(synthetic, n_stages):
    """Turn the later stages of the made-up incident into context figures: still a chart."""
    rows = read_rows(synthetic / "figure_definitions.csv")
    for r in rows:
        if r["role"] == "funnel" and int(r["stage"]) > n_stages:
            r["role"], r["stage"], r["share_label"] = "context", "", ""
    write_rows(synthetic / "figure_definitions.csv", rows)
    chart = funnel_chart(synthetic)
    assert (chart.data["panel"] == "funnel").sum() == n_stages
    assert chart.alt_text.startswith(f"A funnel chart in {format_number(n_stages)} stage")
    valid(chart.vegalite())
    assert not text_problems(chart.figure())


# ----------------------------------------------------------------------------- the Chart


def test_chart_carries_title_sources_and_options(loaded):
    inc = loaded[IRS]
    chart = funnel_chart(inc, credit="Desk", theme="dark", width=480)
    assert (chart.slug, chart.title, chart.credit, chart.width) == (
        "funnel",
        inc.meta["funnel_title"],
        "Desk",
        480,
    )
    assert chart.theme.name == "dark" and chart.options == {"scale": "zoom", "show_context": True}
    expected_ids = []
    for ids in list(inc.funnel["source_ids"]) + list(
        inc.context[~inc.context["unit"].isin(["usd", "usd_per_person"])]["source_ids"]
    ):
        expected_ids += [s for s in ids if s not in expected_ids]
    assert chart.source_ids == tuple(expected_ids)
    assert chart.sources.startswith("Sources: ") and inc.outlet(expected_ids[0]) in chart.sources
    assert funnel_chart(inc).credit == inc.meta["credit"]
    assert funnel_chart(str(IRS)).data.equals(funnel_chart(inc).data)  # a folder path works too


@FOLDERS
def test_alt_text_names_the_stage_count_and_every_value(folder, loaded):
    inc = loaded[folder]
    chart = funnel_chart(inc)
    n = len(inc.funnel)
    assert chart.alt_text.startswith(f"A funnel chart in {format_number(n)} stages")
    for _, r in inc.funnel.iterrows():
        assert Quantity.of(r).text in chart.alt_text
    for _, r in chart.data[chart.data["panel"] == "context"].iterrows():
        assert r["value_text"] in chart.alt_text.split("not part of the funnel:")[1]
    assert chart.vegalite()["description"] == chart.alt_text


def test_spec_validates_against_the_shipped_vega_lite_schema(loaded):
    schema = json.loads(VL_SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(
        schema
    )  # the schema's own refs fail a metaschema format check
    for folder, scale in ((IRS, "zoom"), (SYNTHETIC, "log")):
        spec = valid(funnel_chart(loaded[folder], scale=scale).vegalite())
        validator.validate(spec)
        assert "config" in spec and spec["config"]["background"] == "#ffffff"  # self-contained house style


def test_every_data_mark_has_a_tooltip(loaded):
    spec = funnel_chart(loaded[IRS]).vegalite()
    titles = ["Figure", "Value", "Share", "Reported values", "Verification", "Sources"]
    for mark, enc, rows in layers(spec):
        if rows and "tt" in rows[0]:
            assert enc["tooltip"]["field"] == "tt", mark
            assert all(list(row["tt"]) == titles for row in rows), mark
    reported = [tip(row, "Reported values") for _, _, rows in layers(spec) for row in rows if "tt" in row]
    assert any("(preferred)" in r and ";" in r for r in reported)


def test_vega_export_is_exactly_the_requested_width_on_a_log_scale(loaded):
    spec = funnel_chart(loaded[IRS], width=320, scale="log").vegalite()
    assert vlc.vegalite_to_scenegraph(spec, vl_version="5.20")["width"] == 320


# ----------------------------------------------------------------------------- readability


def test_overlap_check_catches_overlap_and_clipping():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1), dpi=100)
    fig.text(0.1, 0.5, "one line of text")
    fig.text(0.15, 0.5, "another line")
    fig.text(0.9, 0.1, "runs off the edge")
    problems = text_problems(fig)
    assert any(p.startswith("overlap") for p in problems) and any(p.startswith("clipped") for p in problems)


@pytest.mark.parametrize("scale", ["zoom", "linear", "log"])
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", [800, 600, 400, 320])  # every width the exports lay out
def test_matplotlib_text_never_overlaps_or_clips(loaded, width, theme, scale):
    chart = funnel_chart(loaded[IRS], width=width, theme=theme, scale=scale)
    fig = chart.figure()
    assert fig.get_size_inches()[0] == pytest.approx(width / 100) and fig.dpi == 100
    assert text_problems(fig) == []


@pytest.mark.parametrize("scale", ["zoom", "linear", "log"])
def test_four_stage_incident_stays_readable_on_a_phone(loaded, scale):
    assert text_problems(funnel_chart(loaded[SYNTHETIC], width=320, scale=scale).figure()) == []


def test_builds_are_deterministic(loaded):
    a, b = funnel_chart(loaded[IRS]), funnel_chart(loaded[IRS])
    assert a.vegalite() == b.vegalite()
    assert json.dumps(a.vegalite(), sort_keys=True) == json.dumps(b.vegalite(), sort_keys=True)
    assert mpl_svg(a) == mpl_svg(b)
    assert b"<text" in mpl_svg(a)  # text stays text, whatever rc settings are active when saving


@pytest.mark.parametrize("scale", ["zoom", "log"])
def test_both_renderings_draw_the_scenes_words_and_nothing_else(loaded, scale):
    chart = funnel_chart(loaded[SYNTHETIC], width=400, scale=scale)
    scene = chart.scene()
    words = sorted(m.text for p in scene.panels for m in p.marks if hasattr(m, "text"))
    drawn = sorted(t.get_text() for t in chart.figure().findobj(Text) if t.get_text())
    assert drawn == sorted(words + list(scene.title) + list(scene.subtitle))
    spec = chart.vegalite()
    in_spec = sorted(row["text"] for mark, _, rows in layers(spec) if mark["type"] == "text" for row in rows)
    assert in_spec == words and spec["title"]["text"] == list(scene.title)
