"""The scene and its renderers: any scene draws the same marks, at the same pixels, in the
theme's colours, as Vega-Lite and as a matplotlib figure."""

from __future__ import annotations

import io
import json

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from conftest import IRS
from taxfirewall import i18n, load_incident
from taxfirewall.charts import funnel_chart, timeline_chart
from taxfirewall.charts.render.mpl import to_figure
from taxfirewall.charts.render.vega import _Datasets, overhang, to_spec
from taxfirewall.charts.scene import Area, Bracket, Panel, Point, Rect, Rule, Scale, Scene, Text, Tip
from taxfirewall.theme import DARK, LIGHT
from vegalite_schema import valid


def scene(**kw) -> Scene:
    """Every mark kind once, on a linear panel, plus a text-only panel."""
    plot = Panel(
        "plot",
        60,
        (
            Area(y=0, rows=((0, 0.0, 10.0), (20, 0.0, 100.0)), fill="grid", opacity=0.35),
            Rule(v=50.0, y=0, y2=40, color="muted"),
            Rect(v=0.0, v2=80.0, y=10, y2=30, fill="ink", key=0, aria=True, gid="bar-a"),
            Rect(v=0.0, v2=40.0, y=35, y2=55, fill="ink", key=1, aria=True, gid="bar-b"),
            Rect(v=20.0, v2=60.0, y=35, y2=55, fill="range_fill", opacity=0.5, hatch="ink", key=1),
            Bracket(v=20.0, y=35, y2=55, serif=5, key=1, gid="end-b"),
            Point(v=90.0, y=45, size=110, fill="category:b", key=1, aria=True, gid="dot-b"),
            Text(x=0, y=0, text="Stage one", key=0),
        ),
        Scale("linear", 0.0, 100.0),
    )
    notes = Panel("notes", 20, (Text(x=0, y=0, text="Sources: none.", size=11, color="muted"),))
    tips = (
        Tip(0, (("Figure", "A"), ("Value", "80")), "A: 80"),
        Tip(1, (("Figure", "B"), ("Value", "40 to 60")), "B: 40 to 60"),
    )
    base = dict(
        width=300,
        plot_width=284,
        title=("A title",),
        subtitle=("A subtitle",),
        title_line=26.0,
        subtitle_line=18.2,
        panels=(plot, notes),
        description="Alt text.",
        tips=tips,
        categories=("a", "b"),
    )
    return Scene(**{**base, **kw})


def layers(spec):
    for panel in spec["vconcat"]:
        yield from panel["layer"]


def test_scale_places_values_linearly_or_by_decade_and_clamps():
    assert Scale("linear", 0, 100).px(25, 200) == 50
    assert Scale("log", 1, 1000).px(10, 300) == pytest.approx(100)
    assert Scale("linear", 0, 100).px(150, 200) == 200 and Scale("linear", 0, 100).px(-5, 200) == 0


def test_theme_turns_roles_into_colours():
    assert LIGHT.colour("ink") == LIGHT.ink and DARK.colour("muted") == DARK.muted
    assert LIGHT.colour("category:b", ("a", "b")) == LIGHT.palette[1]
    with pytest.raises(ValueError, match="unknown colour role"):
        LIGHT.colour("pink")


def test_marks_alike_share_a_layer_in_paint_order():
    spec = to_spec(scene(), LIGHT)
    kinds = [(layer["mark"]["type"], layer["mark"].get("color")) for layer in layers(spec)]
    assert kinds[:4] == [
        ("area", LIGHT.grid),
        ("rule", LIGHT.muted),
        ("rect", LIGHT.ink),
        ("rect", LIGHT.range_fill),
    ]
    bars = next(layer for layer in layers(spec) if layer["mark"] == {"type": "rect", "color": LIGHT.ink})
    assert bars["encoding"]["x"]["scale"]["domain"] == [0.0, 100.0]
    assert len(spec["vconcat"]) == 2 and spec["description"] == "Alt text."


def test_marks_that_stand_for_something_carry_their_tip_and_description():
    spec = to_spec(scene(), LIGHT)
    for layer in layers(spec):
        enc, mark = layer["encoding"], layer["mark"]
        if mark["type"] == "rect" and mark["color"] == LIGHT.ink:
            assert enc["tooltip"]["field"] == "tt" and enc["description"]["field"] == "tt_description"
            assert "aria" not in mark
        if mark["type"] == "area" or mark.get("color") == LIGHT.muted:
            assert "tooltip" not in enc and mark["aria"] is False
    svg = vlc.vegalite_to_svg(spec, vl_version="5.20")
    assert 'aria-label="A: 80"' in svg or "A: 80" in svg


def test_theme_colours_the_same_scene_two_ways():
    light, dark = to_spec(scene(), LIGHT), to_spec(scene(), DARK)
    assert (
        light["config"]["background"] == LIGHT.background and dark["config"]["background"] == DARK.background
    )
    colours = lambda spec: {layer["mark"].get("color") for layer in layers(spec)}  # noqa: E731
    assert DARK.ink in colours(dark) and LIGHT.ink not in colours(dark)


def test_vega_export_is_the_scene_width_even_with_a_bracket_at_zero():
    s = scene(panels=(Panel("p", 30, (Bracket(v=0.0, y=0, y2=20, serif=-5),), Scale("linear", 0.0, 1.0)),))
    assert overhang(s) == 7
    assert vlc.vegalite_to_scenegraph(to_spec(s, LIGHT), vl_version="5.20")["width"] == 300


def test_figure_is_the_scene_width_and_names_its_marks():
    fig = to_figure(scene(), LIGHT)
    assert fig.get_size_inches()[0] == pytest.approx(3.0) and fig.dpi == 100
    gids = [a.get_gid() for a in fig.findobj() if a.get_gid()]
    assert gids == ["bar-a", "bar-b", "end-b", "dot-b"]
    span = next(a for a in fig.findobj() if getattr(a, "get_hatch", lambda: None)())
    assert span.get_alpha() == 0.5


def test_figure_draws_text_as_text_and_dollars_as_dollars():
    s = scene(panels=(Panel("p", 20, (Text(x=0, y=0, text="$5 and $6"),)),))
    buf = io.BytesIO()
    to_figure(s, LIGHT).savefig(buf, format="svg")
    assert b"$5 and $6" in buf.getvalue()


def test_figure_places_marks_where_the_scene_says():
    fig = to_figure(scene(), LIGHT)
    bar = next(a for a in fig.findobj() if a.get_gid() == "bar-a")
    # the first panel starts under the title block: padding 8, title 26, gap 6, subtitle 18.2, offset 14
    assert bar.get_x() == pytest.approx(8) and bar.get_width() == pytest.approx(284 * 0.8)
    assert bar.get_y() == pytest.approx(8 + 26 + 6 + 18.2 + 14 + 10)


def test_rings_dashed_rules_and_dates_draw_in_both_renderers():
    day = 86_400_000
    marks = (
        Rule(v=5 * day, y=0, y2=40, color="muted", width=1.2, dash=(4, 3)),
        Point(v=2 * day, y=20, size=256, fill=None, stroke="accent", stroke_width=2, gid="ring"),
        Point(v=2 * day, y=20, size=100, shape="diamond", fill="category:a", key=0, aria=True, gid="dot"),
    )
    s = scene(panels=(Panel("time", 40, marks, Scale("utc", 0, 10 * day)),))
    spec = to_spec(s, LIGHT)
    rule, ring, dot = (layer["mark"] for layer in layers(spec))
    assert rule["strokeDash"] == [4, 3] and next(layers(spec))["encoding"]["x"]["type"] == "temporal"
    assert ring["filled"] is False and ring["stroke"] == LIGHT.accent and ring["size"] == 256
    assert dot["shape"] == "diamond" and dot["color"] == LIGHT.palette[0]
    fig = to_figure(s, LIGHT)
    by_gid = {a.get_gid(): a for a in fig.findobj() if a.get_gid()}
    assert by_gid["ring"].get_markerfacecolor() == "none" and by_gid["dot"].get_marker() == "D"
    assert by_gid["dot"].get_xdata()[0] == pytest.approx(8 + 284 * 0.2)


# --------------------------------------------------------------------------- the spec, written directly


def test_a_spec_keeps_to_the_vega_lite_schema_and_altair_reads_it_back_unchanged():
    spec = valid(to_spec(scene(), LIGHT))
    assert alt.VConcatChart.from_dict(spec).to_dict() == spec


@pytest.mark.parametrize(
    "rows",
    [
        [{"x": 1, "y": 2}, {"x": 3, "y": 4}],  # whole numbers stay whole
        [{"x": 1, "y": 2.5}, {"x": 3.0, "y": 4}],  # a float makes its column floats
        [{"x": 1, "y": 2}, {"y": 3}],  # a gap is null, and makes a number column floats
        [{"fig": 0, "tt": {"A": "1"}}, {"fig": "e1", "tt": {"B": "2"}}],  # mixed keys, nested tips
    ],
)
def test_a_dataset_holds_and_is_named_by_the_values_altair_would_give_it(rows):
    # the names are in every page: naming them as altair did keeps pages byte-identical
    ours = _Datasets()
    name = ours.ref(rows)["name"]
    theirs = alt.Chart(pd.DataFrame(rows)).mark_point().to_dict()["datasets"]
    assert ours.values == theirs and list(theirs) == [name]


def test_one_mark_in_one_panel_puts_its_data_where_altair_does_and_still_draws():
    s = scene(panels=(Panel("p", 20, (Rect(x=0, x2=50, y=0, y2=10),)),), tips=())
    spec = valid(to_spec(s, LIGHT))
    assert (
        "data" in spec and "data" not in spec["vconcat"][0] and "data" not in spec["vconcat"][0]["layer"][0]
    )
    marks = vlc.vegalite_to_scenegraph(spec, vl_version="5.20")
    assert '"marktype": "rect"' in json.dumps(marks).replace('":"', '": "')


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("width", [600, 320])
def test_every_chart_of_the_incident_writes_a_valid_spec(lang, width):
    data = load_incident(IRS, lang=lang)
    with i18n.use(lang):
        charts = [funnel_chart(data, scale=s, width=width) for s in ("zoom", "linear", "log")]
        charts.append(timeline_chart(data, width=width, theme="dark"))
    for chart in charts:
        valid(chart.vegalite())


def test_specs_name_the_vega_lite_of_the_installed_altair():
    # pages draw with the runtime vendored from the same Vega-Lite (vl-convert's, altair's)
    from taxfirewall.charts.render.vega import SCHEMA

    assert SCHEMA == alt.SCHEMA_URL


def test_changing_a_spec_changes_no_other_spec_or_layer():
    spec = to_spec(scene(), LIGHT)
    first, second = list(layers(spec))[:2]
    first["encoding"]["y"]["axis"] = {"title": "changed"}
    spec["config"]["padding"]["left"] = 99
    assert second["encoding"]["y"]["axis"] is None
    assert to_spec(scene(), LIGHT) == to_spec(scene(), LIGHT) != spec
