"""The timeline chart: every event at its date and precision, a layout with no overlapping
text at article and phone widths, in both renderings, for any incident."""

from __future__ import annotations

import html
import io
import itertools
import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import altair as alt
import jsonschema
import pandas as pd
import pytest
import vl_convert as vlc
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle as MplRectangle
from matplotlib.text import Text

from conftest import IRS, SYNTHETIC, edit_cell, layer_rows, read_rows
from taxfirewall import load_incident
from taxfirewall.charts import scene as sc
from taxfirewall.charts.base import source_line
from taxfirewall.charts.scene import Point, Rect
from taxfirewall.charts.timeline import BAR, RING, STRIP, timeline_chart
from taxfirewall.charts.timeline.layout import lay_out, text_width
from taxfirewall.charts.timeline.rows import select
from taxfirewall.dates import window
from taxfirewall.formatting import format_date

FOLDERS = pytest.mark.parametrize("folder", [IRS, SYNTHETIC], ids=["irs-dhs", "synthetic"])


@cache
def loaded(folder: Path):
    """Each committed incident validated once per run (the charts take an Incident or a path)."""
    return load_incident(folder)


# ----------------------------------------------------------------------------- helpers


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


@pytest.fixture(scope="module")
def irs_chart():
    return timeline_chart(loaded(IRS))


@pytest.fixture(scope="module")
def irs_spec(irs_chart):
    return irs_chart.altair().to_dict(validate=True)


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

    spec = chart.altair().to_dict()

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


def test_dates_are_drawn_on_their_utc_day(irs_spec, irs_chart):
    """A 2025-04-07 event sits at the pixel the layout computed for Apr 7 (no timezone shift)."""
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


def test_undated_events_are_off_the_axis_and_listed_below(irs_spec):
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


def test_chart_fields_are_generated_from_the_data(irs_chart):
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


def test_legend_names_categories_humanised_in_enum_colours(irs_spec, irs_chart):
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
    spec = chart.altair().to_dict()
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
    spec = moved.altair().to_dict()
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


# ----------------------------------------------------------------------------- styling


def test_key_moments_are_bigger_and_bolder_in_both_renderings(irs_spec, irs_chart):
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


def test_spec_validates_against_the_shipped_schema_and_renders_every_label(irs_spec, irs_chart):
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
    phone = timeline_chart(loaded(IRS), width=320, theme="dark").altair().to_dict(validate=True)
    phone_svg = vlc.vegalite_to_svg(phone, vl_version="5.20")
    for title in irs_chart.data["title"]:
        assert all(html.escape(w, quote=False) in phone_svg for w in title.split())


def test_tooltips_carry_the_event_detail(irs_spec):
    points = next(
        layer
        for layer in plot_layers(irs_spec)
        if mark_type(layer) == "point" and "description" in layer["encoding"]
    )
    assert points["encoding"]["tooltip"]["field"] == "tt"
    row = values(irs_spec, points)[0]
    assert list(row["tt"]) == ["Event", "Date", "Category", "What happened", "Who", "Sources", "Verification"]
    assert row["tt"]["Sources"] and row["tt"]["Verification"] and row["tt"]["Date"]


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
    assert json.dumps(a.altair().to_dict(), sort_keys=True) == json.dumps(
        b.altair().to_dict(), sort_keys=True
    )
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
    root = ET.fromstring(vlc.vegalite_to_svg(chart.altair().to_dict(), vl_version="5.20"))
    fills = {}
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        fills.setdefault(el.get("fill"), []).append("".join(el.itertext()))
    assert set(fills) <= {t.text, t.muted, t.accent}, set(fills)
    titled = [title for title in chart.data["title"] if title in fills.get(t.text, [])]
    assert titled, "no event title drawn in the theme's text colour"
