"""The timeline chart: every event at its date and precision, its words and options
generated from the data, in both renderings, for any incident."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pandas as pd
import pytest
import vl_convert as vlc
from matplotlib.patches import Rectangle as MplRectangle

from conftest import IRS, SYNTHETIC, edit_cell, read_rows
from taxfirewall import load_incident
from taxfirewall.charts.base import source_line
from taxfirewall.charts.scene import Point, Rect
from taxfirewall.charts.timeline import BAR, timeline_chart
from taxfirewall.charts.timeline.layout import lay_out
from taxfirewall.charts.timeline.rows import select
from taxfirewall.dates import window
from taxfirewall.formatting import format_date
from timeline_views import (
    FOLDERS,
    below_layers,
    by_gid,
    drawn,
    figure_gids,
    irs,
    irs_vl,
    label_text,
    loaded,
    mark_type,
    planned,
    plot_layers,
    plot_texts,
    svg_bytes,
    values,
    visible_texts,
)

# ----------------------------------------------------------------------------- content


@FOLDERS
def test_every_dated_event_is_plotted_at_the_loaded_dates(folder):
    tl = load_incident(folder).timeline
    chart = timeline_chart(folder)
    data = chart.data.set_index("event_id")
    assert list(chart.data["event_id"]) == list(tl["event_id"])
    for _, ev in tl.iterrows():
        row = data.loc[ev["event_id"]]
        assert row["start"] == ev["start"] and row["end"] == ev["end"]
        assert row["title"] == ev["title"] and row["highlight"] == bool(ev["key"])
        assert row["date_text"] == format_date(ev["start"], ev["end"], str(ev["date_precision"]))
    _, axis, plan = planned(folder)
    events = {e["event_id"]: e for e in plan.events}
    assert set(events) == set(tl.loc[~tl["undated"], "event_id"])
    for e in events.values():
        assert 0 <= e["px0"] <= e["px1"] <= plan.plot_w and e["lane"] >= 0
        assert e["px0"] == pytest.approx(plan.px(max(e["start"], axis.d0)))


@FOLDERS
def test_month_and_year_events_are_spans_and_day_events_points(folder):
    chart = timeline_chart(loaded(folder))
    d = chart.data
    spans = d[d["precision"].isin(["month", "year"])]
    days = d[d["precision"] == "day"]
    assert len(spans) and len(days)
    assert (spans["mark"] == "span").all() and (spans["end"] > spans["start"]).all()
    assert (days["mark"] == "point").all()
    named = by_gid(chart)
    for e in spans["event_id"]:
        (bar,) = named[f"span-{e}"]
        assert isinstance(bar, Rect) and bar.x2 > bar.x and bar.y2 - bar.y == BAR
    for e in days["event_id"]:
        assert isinstance(named[f"point-{e}"][0], Point)

    fig = chart.figure()
    bars = {p.get_gid() for p in fig.findobj(MplRectangle) if (p.get_gid() or "").startswith("span-")}
    points = {g for g in figure_gids(fig) if g.startswith("point-")}
    assert bars == {f"span-{e}" for e in spans["event_id"]}
    assert points == {f"point-{e}" for e in days["event_id"]}

    spec = chart.vegalite()

    def events_in(kind: str) -> set:
        return {
            v["fig"]
            for layer in plot_layers(spec)
            if mark_type(layer) == kind and "description" in layer["encoding"]
            for v in values(spec, layer)
        }

    assert events_in("rect") == set(spans["event_id"])  # each bar announced once (its fill)
    assert events_in("point") == set(days["event_id"])
    assert all(
        {"x", "x2"} <= set(layer["encoding"]) for layer in plot_layers(spec) if mark_type(layer) == "rect"
    )


def test_dates_are_drawn_on_their_utc_day():
    """A 2025-04-07 event sits at the pixel the layout computed for Apr 7 (no timezone shift)."""
    irs_spec, irs_chart = irs_vl(), irs()
    scene = vlc.vegalite_to_scenegraph(irs_spec, vl_version="5.20")

    def marks(node):
        if isinstance(node, dict):
            if node.get("marktype"):
                yield node
            for child in node.get("items", []) if isinstance(node.get("items"), list) else []:
                yield from marks(child)
            if "root" in node:
                yield from marks(node["root"])

    symbols = [
        m
        for m in marks(scene.get("scenegraph", scene))
        if m["marktype"] == "symbol" and "concat_0" in (m.get("name") or "")
    ]
    xs = [i["x"] for m in symbols for i in m["items"]]
    _, axis, plan = planned(IRS)
    points = irs_chart.data[irs_chart.data["mark"] == "point"]
    assert len(points)
    for day in points["start"]:  # the pixel of that day's midnight UTC on the layout's axis
        x = (day - axis.d0) / (axis.d1 - axis.d0) * plan.plot_w
        assert min(abs(x - v) for v in xs) < 0.3, day


def test_undated_events_are_off_the_axis_and_listed_below():
    irs_spec = irs_vl()
    chart = timeline_chart(loaded(IRS))
    d = chart.data
    undated = d[d["undated"]]
    assert len(undated)
    assert (undated["mark"] == "list").all()
    assert not {e["event_id"] for e in planned(IRS)[2].events} & set(undated["event_id"])
    for layer in plot_layers(irs_spec):
        rows = values(irs_spec, layer)
        assert not {r.get("fig") for r in rows} & set(undated["event_id"])
        assert not {r.get("text") for r in rows} & set(undated["title"])
    below = [r.get("text") for layer in below_layers(irs_spec) for r in values(irs_spec, layer)]
    assert "Date not found" in below
    for _, r in undated.iterrows():
        assert r["title"] in below and r["sublabel_text"] in below  # with its window years
        assert r["sublabel_text"].startswith(r["date_text"])

    fig = chart.figure()
    renderer = drawn(fig)
    ticks = [t for t in visible_texts(fig) if (t.get_gid() or "").startswith("tick-")]
    axis_bottom = min(t.get_window_extent(renderer).y0 for t in ticks)
    texts = {t.get_text(): t for t in visible_texts(fig)}
    for title in ["Date not found", *undated["title"]]:
        assert texts[title].get_window_extent(renderer).y1 < axis_bottom  # below the axis (y up)


def test_chart_fields_are_generated_from_the_data():
    irs_chart = irs()
    inc = loaded(IRS)
    tl = inc.timeline
    c = irs_chart
    assert c.slug == "timeline" and c.width == 600 and c.theme.name == "light"
    assert c.title == inc.meta["timeline_title"]
    assert c.credit == inc.meta["credit"]
    assert c.source_ids == tuple(dict.fromkeys(s for lst in tl["source_list"] for s in lst))
    assert c.sources == source_line(inc, c.source_ids)
    dated = tl[~tl["undated"]]
    assert c.subtitle.startswith(f"{len(dated)} events from {c.data['date_text'].iloc[0]}")
    assert f"{len(dated)} dated events" in c.alt_text
    for _, ev in tl[tl["key"]].iterrows():
        assert (
            f"{ev['title']} ({format_date(ev['start'], ev['end'], str(ev['date_precision']))}" in c.alt_text
        )
    assert json.loads(json.dumps(c.options)) == c.options
    assert set(c.options) == {"start", "end", "categories", "annotate", "as_of"}
    assert timeline_chart(inc, credit="Someone").credit == "Someone"


def test_legend_names_categories_humanised_in_enum_colours():
    irs_spec, irs_chart = irs_vl(), irs()
    enum = list(loaded(IRS).timeline["category"].cat.categories)
    colors = irs_chart.theme.category_colors(enum)
    below = {r.get("text"): r for layer in below_layers(irs_spec) for r in values(irs_spec, layer)}
    assert "Data transfer" in below and "Key moment" in below
    shapes = irs_chart.theme.category_shapes(enum)
    category = irs_chart.data.set_index("event_id")["category"]
    events = [
        layer
        for layer in plot_layers(irs_spec)
        if mark_type(layer) == "point" and "description" in layer["encoding"]
    ]
    assert events
    for layer in events:
        for cat in {category[r["fig"]] for r in values(irs_spec, layer)}:
            assert layer["mark"]["shape"] == shapes[cat]
            assert colors[cat] in (layer["mark"].get("color"), layer["mark"].get("stroke"))


# ----------------------------------------------------------------------------- options


def test_a_2025_window_shows_only_events_overlapping_2025():
    tl = loaded(IRS).timeline
    chart = timeline_chart(loaded(IRS), start="2025-01-01", end="2025-12-31")
    first, last = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")
    expected = tl[(tl["start"] <= last) & (tl["end"] >= first)]
    assert list(chart.data["event_id"]) == list(expected["event_id"])
    assert len(expected) < len(tl)
    axis = planned(IRS, start="2025-01-01", end="2025-12-31")[1]
    assert (axis.d0, axis.d1) == (first, last + pd.Timedelta(days=1))
    assert chart.options["start"] == "2025-01-01" and chart.options["end"] == "2025-12-31"
    assert "January 1, 2025 to December 31, 2025" in chart.notes


def test_categories_filter_and_unknown_category():
    chart = timeline_chart(loaded(IRS), categories=["court_ruling", "appeal"])
    assert set(chart.data["category"]) == {"court_ruling", "appeal"}
    assert chart.options["categories"] == ["court_ruling", "appeal"]
    with pytest.raises(ValueError) as err:
        timeline_chart(loaded(IRS), categories=["court_ruling", "hearing"])
    assert "hearing" in str(err.value)
    for allowed in loaded(IRS).timeline["category"].cat.categories:
        assert allowed in str(err.value)


def test_annotate_false_draws_no_event_labels_but_keeps_tooltips():
    chart = timeline_chart(loaded(IRS), annotate=False)
    assert not [gid for gid in by_gid(chart) if gid.startswith(("label-", "date-"))]
    fig = chart.figure()
    assert not [t for t in visible_texts(fig) if (t.get_gid() or "").startswith(("label-", "date-"))]
    spec = chart.vegalite()
    texts = {r.get("text") for layer in plot_layers(spec) for r in values(spec, layer)}
    assert not texts & set(chart.data["title"])
    events = [layer for layer in plot_layers(spec) if "description" in layer["encoding"]]
    dated = set(chart.data.loc[chart.data["mark"] != "list", "event_id"])
    assert {r["fig"] for layer in events for r in values(spec, layer)} == dated
    assert all("tooltip" in layer["encoding"] for layer in events)


def test_as_of_marker_comes_from_the_latest_source_date(incident):
    sources = read_rows(incident / "sources.csv")
    dated = [s for s in sources if s["published_precision"] in ("day", "month", "year")]
    latest = max(dated, key=lambda s: window(s["published"], s["published_precision"])[1])
    chart = timeline_chart(incident)
    assert chart.options["as_of"] == latest["published"]

    later = (window(latest["published"], latest["published_precision"])[1] + timedelta(days=40)).isoformat()
    edit_cell(incident, "sources.csv", "source_id", latest["source_id"], "published", later)
    edit_cell(incident, "sources.csv", "source_id", latest["source_id"], "published_precision", "day")
    moved = timeline_chart(incident)
    assert moved.options["as_of"] == later

    def plan_of(folder):
        data, axis, _ = select(load_incident(folder), None, None, None)
        return axis, lay_out(data, axis, 600, True)

    axis, plan = plan_of(incident)
    assert axis.asof_at == pd.Timestamp(later) + pd.Timedelta(days=1)  # the end of that day
    assert plan.asof_px == pytest.approx(plan.px(axis.asof_at))
    assert {m.x for gid, ms in by_gid(moved).items() if gid.startswith("as-of") for m in ms} == {plan.asof_px}
    label = f"As of {format_date(later, later, 'day')}"
    fig = moved.figure()
    assert label in [t.get_text() for t in visible_texts(fig)]
    assert "as-of" in figure_gids(fig)
    spec = moved.vegalite()
    rules = [
        layer for layer in plot_layers(spec) if mark_type(layer) == "rule" and layer["mark"].get("strokeDash")
    ]
    assert {r["x"] for r in values(spec, rules[0])} == {plan.asof_px}
    assert label in {r.get("text") for layer in plot_layers(spec) for r in values(spec, layer)}


def test_events_never_set_the_as_of_date(synthetic):
    # with no dated source and no desk as_of, nothing says what the data is current to:
    # the latest event (which may be a scheduled one) must not stand in for it
    for row in read_rows(synthetic / "sources.csv"):
        edit_cell(synthetic, "sources.csv", "source_id", row["source_id"], "published", "")
        edit_cell(synthetic, "sources.csv", "source_id", row["source_id"], "published_precision", "unknown")
    chart = timeline_chart(synthetic)
    assert "as-of" not in by_gid(chart)
    assert not [m for m in plot_texts(chart) if m.text.startswith("As of")]
    assert "as of" not in chart.notes.lower()
    assert not chart.data["upcoming"].any()


def test_as_of_argument_overrides_the_data():
    chart = timeline_chart(loaded(SYNTHETIC), as_of=date(2024, 4, 1))
    assert chart.options["as_of"] == "2024-04-01"
    assert [m.text for m in plot_texts(chart) if m.text.startswith("As of")] == ["As of April 1, 2024"]


# ----------------------------------------------------------------------------- edits and determinism


def test_editing_an_event_changes_data_labels_and_alt_text(incident):
    ev = next(r for r in read_rows(incident / "events.csv") if r["date_precision"] == "day")
    new_day = (date.fromisoformat(ev["date"]) + timedelta(days=3)).isoformat()
    edit_cell(incident, "events.csv", "event_id", ev["event_id"], "date", new_day)
    edit_cell(incident, "events.csv", "event_id", ev["event_id"], "title", "Renamed test event")
    chart = timeline_chart(incident)
    row = chart.data.set_index("event_id").loc[ev["event_id"]]
    assert row["start"] == pd.Timestamp(new_day) and row["title"] == "Renamed test event"
    assert label_text(chart, ev["event_id"]).replace("\n", " ") == "Renamed test event"
    assert f"Renamed test event ({format_date(new_day, new_day, 'day')})" in chart.alt_text
    assert ev["title"] not in chart.alt_text
    texts = [t.get_text() for t in visible_texts(chart.figure())]
    assert "Renamed test event" in texts and ev["title"] not in texts


def test_renderings_are_deterministic():
    a, b = timeline_chart(SYNTHETIC), timeline_chart(loaded(SYNTHETIC))  # separately loaded
    assert json.dumps(a.vegalite(), sort_keys=True) == json.dumps(b.vegalite(), sort_keys=True)
    svg = svg_bytes(a.figure())  # saved outside any style context, as the exporter does
    assert svg == svg_bytes(b.figure())
    assert b"<text" in svg and html.escape(a.title, quote=False).encode() in svg  # text stays text


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", [600, 320])
def test_vega_draws_every_text_in_the_themes_text_colours_and_titles_in_the_main_one(theme, width):
    """Rows name colours by role; the rendered SVG must show the theme's own colours (a
    scale merged with the category palette once painted labels blue and orange)."""
    chart = timeline_chart(IRS, theme=theme, width=width)
    t = chart.theme
    root = ET.fromstring(vlc.vegalite_to_svg(chart.vegalite(), vl_version="5.20"))
    fills = {}
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        fills.setdefault(el.get("fill"), []).append("".join(el.itertext()))
    assert set(fills) <= {t.text, t.muted, t.accent}, set(fills)
    titled = [title for title in chart.data["title"] if title in fills.get(t.text, [])]
    assert titled, "no event title drawn in the theme's text colour"
