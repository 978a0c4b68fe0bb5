"""The timeline's drawing: a layout with no overlapping text at article and phone widths,
key moments styled apart, and a valid, self-contained Vega-Lite spec."""

from __future__ import annotations

import html
import json
from pathlib import Path

import altair as alt
import jsonschema
import pytest
import vl_convert as vlc

from conftest import IRS, SYNTHETIC
from taxfirewall.charts.timeline import RING, STRIP, timeline_chart
from timeline_views import (
    by_gid,
    drawn,
    figure_gids,
    irs,
    irs_vl,
    label_boxes,
    label_text,
    loaded,
    mark_type,
    overlapping,
    planned,
    plot_layers,
    plot_texts,
    values,
    visible_texts,
)
from vegalite_schema import valid

# ----------------------------------------------------------------------------- layout


@pytest.mark.parametrize("width", [600, 320])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_text_overlaps_in_matplotlib(width, theme):
    chart = timeline_chart(loaded(IRS), theme=theme, width=width)
    fig = chart.figure()
    assert fig.get_figwidth() * 100 == pytest.approx(width)
    renderer = drawn(fig)
    W, H = fig.bbox.width, fig.bbox.height
    boxes = [
        (t.get_text(), *(lambda b: (b.x0, b.x1, b.y0, b.y1))(t.get_window_extent(renderer)))
        for t in visible_texts(fig)
    ]
    assert len(boxes) > 30
    assert overlapping(boxes) == []
    for text, x0, x1, y0, y1 in boxes:
        assert x0 >= -0.5 and x1 <= W + 0.5 and y0 >= -0.5 and y1 <= H + 0.5, text


@pytest.mark.parametrize(
    "folder,width", [(IRS, 600), (IRS, 320), (IRS, 800), (SYNTHETIC, 600), (SYNTHETIC, 320)]
)
def test_python_lane_layout_never_collides(folder, width):
    chart = timeline_chart(loaded(folder), width=width)
    plan = planned(folder, width)[2]
    boxes = label_boxes(chart)
    assert len(boxes) > len(plan.events)
    assert overlapping(boxes, tol=0) == []
    for what, x0, x1, y0, y1 in boxes:
        assert x0 >= -RING and x1 <= plan.plot_w + RING, what
        assert y0 >= STRIP and y1 <= plan.plot_h, what


def test_phone_width_numbers_the_marks_and_keys_every_title():
    phone = timeline_chart(loaded(IRS), width=320)
    dated = phone.data[phone.data["mark"] != "list"]
    assert not planned(IRS, 600)[2].compact and planned(IRS, 320)[2].compact
    assert [label_text(phone, e) for e in dated["event_id"]] == [str(n) for n in range(1, len(dated) + 1)]
    assert list(dated["number"]) == list(range(1, len(dated) + 1))
    texts = [t.get_text() for t in visible_texts(phone.figure())]
    key = " ".join(texts)
    for _, r in dated.iterrows():
        assert r["title"] in key or all(w in key for w in r["title"].split())
        assert r["sublabel_text"] in texts


def test_height_grows_with_lanes():
    few = timeline_chart(loaded(IRS), categories=["agreement"])
    many = timeline_chart(loaded(IRS))
    lanes = lambda **kw: max(e["lane"] for e in planned(IRS, **kw)[2].events)  # noqa: E731
    assert lanes() > lanes(categories=["agreement"])
    assert many.figure().get_figheight() > few.figure().get_figheight()


# ----------------------------------------------------------------------------- styling


def test_key_moments_are_bigger_and_bolder_in_both_renderings():
    irs_spec, irs_chart = irs_vl(), irs()
    d = irs_chart.data[irs_chart.data["mark"] != "list"]
    keys, others = d[d["highlight"]], d[~d["highlight"]]
    assert len(keys) and len(others)
    fig = irs_chart.figure()
    weight = {
        t.get_gid(): t.get_fontweight()
        for t in visible_texts(fig)
        if (t.get_gid() or "").startswith("label-")
    }
    for e in keys["event_id"]:
        assert weight[f"label-{e}"] in ("bold", 700)
    for e in others["event_id"]:
        assert weight[f"label-{e}"] in ("normal", 400)
    gids = figure_gids(fig)
    assert {f"ring-{e}" for e in keys["event_id"]} <= gids and not {
        f"ring-{e}" for e in others["event_id"]
    } & gids
    assert {f"point-{e}" for e in d.loc[d["mark"] == "point", "event_id"]} <= gids
    size = {gid: marks[0].size for gid, marks in by_gid(irs_chart).items() if gid.startswith("point-")}
    key_points, other_points = keys[keys["mark"] == "point"], others[others["mark"] == "point"]
    assert min(size[f"point-{e}"] for e in key_points["event_id"]) > max(
        size[f"point-{e}"] for e in other_points["event_id"]
    )

    key_lines = {m.text for e in keys["event_id"] for m in by_gid(irs_chart)[f"label-{e}"]}
    bold = {
        r["text"]
        for layer in plot_layers(irs_spec)
        if mark_type(layer) == "text" and layer["mark"]["fontWeight"] == "bold"
        for r in values(irs_spec, layer)
    }
    assert bold == key_lines
    rings = [
        layer
        for layer in plot_layers(irs_spec)
        if isinstance(layer["mark"], dict) and layer["mark"].get("stroke") == irs_chart.theme.accent
    ]
    assert {r["fig"] for layer in rings for r in values(irs_spec, layer)} == set(keys["event_id"])


# ----------------------------------------------------------------------------- altair


def test_spec_validates_against_the_shipped_schema_and_renders_every_label():
    irs_spec, irs_chart = irs_vl(), irs()
    schema_file = Path(alt.__file__).parent / "vegalite" / "v5" / "schema" / "vega-lite-schema.json"
    # the validator class directly: jsonschema.validate() first checks the schema itself with a
    # format checker, which rejects altair's own '#/definitions/RowCol<boolean>' refs as URIs
    jsonschema.Draft7Validator(json.loads(schema_file.read_text())).validate(irs_spec)
    assert irs_spec["description"] == irs_chart.alt_text
    assert irs_spec["config"]["background"] == irs_chart.theme.background
    svg = vlc.vegalite_to_svg(irs_spec, vl_version="5.20")
    lines = [m.text for m in plot_texts(irs_chart) if (m.gid or "").startswith("label-")]
    assert len(lines) >= len(irs_chart.data[irs_chart.data["mark"] != "list"])
    for line in lines:
        assert html.escape(line, quote=False) in svg
    for line in irs_chart.footer_lines:
        assert html.escape(line.split()[-1], quote=False) in svg
    phone = valid(timeline_chart(loaded(IRS), width=320, theme="dark").vegalite())
    phone_svg = vlc.vegalite_to_svg(phone, vl_version="5.20")
    for title in irs_chart.data["title"]:
        assert all(html.escape(w, quote=False) in phone_svg for w in title.split())


def test_tooltips_carry_the_event_detail():
    irs_spec = irs_vl()
    points = next(
        layer
        for layer in plot_layers(irs_spec)
        if mark_type(layer) == "point" and "description" in layer["encoding"]
    )
    assert points["encoding"]["tooltip"]["field"] == "tt"
    row = values(irs_spec, points)[0]
    assert list(row["tt"]) == ["Event", "Date", "Category", "What happened", "Who", "Sources", "Verification"]
    assert row["tt"]["Sources"] and row["tt"]["Verification"] and row["tt"]["Date"]
