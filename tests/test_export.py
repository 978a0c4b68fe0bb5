"""`taxfirewall export`: every file per chart, self-contained, accessible, deterministic."""

from __future__ import annotations

import hashlib
import json
import re
import struct
from pathlib import Path

import pytest

from conftest import IRS, edit_cell, read_rows
from taxfirewall import load_incident
from taxfirewall.charts import CHARTS
from taxfirewall.cli import main
from taxfirewall.export import ARTICLE_WIDTH, STATIC_DIR, export_all, page_spec_at
from taxfirewall.formatting import format_number
from taxfirewall.vendor import bundle_name

pytestmark = pytest.mark.slow

EXPECTED = ["index.html", "embed.html", "alt.txt", "data.csv"] + [
    f"{{slug}}{suffix}{ext}"
    for suffix in ("", "-dark")
    for ext in (".vl.json", ".svg", ".pdf", ".png", "@2x.png")
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("charts")
    assert main(["export", "--data", str(IRS), "--out", str(out)]) == 0
    return out


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


@pytest.mark.parametrize("slug", list(CHARTS))
def test_every_format_is_written_per_chart(exported, slug):
    for name in EXPECTED:
        path = exported / slug / name.format(slug=slug)
        assert path.is_file() and path.stat().st_size > 0, path
    assert (exported / STATIC_DIR / bundle_name()).is_file()


@pytest.mark.parametrize("slug", list(CHARTS))
def test_chart_page_needs_no_network(exported, slug):
    page = (exported / slug / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "no CDN or remote asset"
    srcs = re.findall(r'<script src="([^"]+)"', page)
    assert srcs and all((exported / slug / s).resolve().is_file() for s in srcs)


@pytest.mark.parametrize("slug", list(CHARTS))
def test_alt_text_is_in_every_export(exported, slug):
    alt = (exported / slug / "alt.txt").read_text(encoding="utf-8").strip()
    assert len(alt) > 80
    spec = json.loads((exported / slug / f"{slug}.vl.json").read_text(encoding="utf-8"))
    assert spec["description"] == alt
    svg = (exported / slug / f"{slug}.svg").read_text(encoding="utf-8")
    import html

    assert f'<desc id="chart-desc">{html.escape(alt)}</desc>' in svg and '<title id="chart-title">' in svg
    from markupsafe import escape

    page = (exported / slug / "index.html").read_text(encoding="utf-8")
    assert str(escape(alt)) in page
    embed = (exported / slug / "embed.html").read_text(encoding="utf-8")
    assert (
        str(escape(alt)) in embed
        and "<noscript>" in embed
        and "postMessage" not in embed.split("<script>")[0]
    )


@pytest.mark.parametrize("slug", list(CHARTS))
def test_retina_png_is_twice_the_size(exported, slug):
    w1, h1 = _png_size(exported / slug / f"{slug}.png")
    w2, h2 = _png_size(exported / slug / f"{slug}@2x.png")
    assert (w1, w2) == (ARTICLE_WIDTH, 2 * ARTICLE_WIDTH)
    assert abs(h2 - 2 * h1) <= 2


@pytest.mark.parametrize("slug", list(CHARTS))
def test_exported_specs_validate_against_the_vega_lite_schema(exported, slug):
    import altair as alt
    import jsonschema

    schema = json.loads(
        (Path(alt.__file__).parent / "vegalite" / "v5" / "schema" / "vega-lite-schema.json").read_text()
    )
    # altair validates with the draft-7 validator and no format checks; do the same
    validator = jsonschema.validators.validator_for(schema)(schema)
    for suffix in ("", "-dark"):
        spec = json.loads((exported / slug / f"{slug}{suffix}.vl.json").read_text(encoding="utf-8"))
        validator.validate(spec)
    page = (exported / slug / "index.html").read_text(encoding="utf-8")
    carried = json.loads(
        re.search(r'<script id="specs" type="application/json">(.*?)</script>', page, re.S).group(1)
    )
    assert set(carried["layouts"]) == {"light", "dark"}
    for theme, by_width in carried["layouts"].items():
        for width in by_width:
            spec = page_spec_at(carried, theme, int(width))  # as the page's script rebuilds it
            validator.validate(spec)
            expected = CHARTS[slug](load_incident(IRS), theme=theme, width=int(width)).vegalite()
            assert spec == expected, (theme, width)


def test_csv_is_exactly_the_data_plotted(exported):
    import pandas as pd

    for slug, factory in CHARTS.items():
        chart = factory(load_incident(IRS), width=ARTICLE_WIDTH)
        written = (exported / slug / "data.csv").read_text(encoding="utf-8")
        assert written == chart.data.to_csv(index=False, lineterminator="\n")
        assert len(pd.read_csv(exported / slug / "data.csv")) == len(chart.data)


def test_exports_are_byte_identical_across_runs(exported, tmp_path):
    export_all(IRS, tmp_path)
    assert _digest(tmp_path) == _digest(exported)


def test_a_changed_reported_value_changes_every_export(exported, incident, tmp_path):
    defs = read_rows(incident / "figure_definitions.csv")
    stage2 = next(d for d in defs if d["role"] == "funnel" and d["stage"] == "2")
    old = load_incident(incident).funnel.iloc[1]
    new_value = int(old["value"]) - 189
    for column in ("value", "low", "high"):
        edit_cell(incident, "figures.csv", "value_id", stage2["preferred_value_id"], column, str(new_value))
    export_all(incident, tmp_path, charts=["funnel"])
    new_label = format_number(new_value)
    old_label = old["value_text"]
    for name in ("alt.txt", "data.csv", "funnel.svg", "funnel.vl.json"):
        text = (tmp_path / "funnel" / name).read_text(encoding="utf-8")
        assert new_label in text or str(new_value) in text, name
        assert (exported / "funnel" / name).read_bytes() != (tmp_path / "funnel" / name).read_bytes()
    assert old_label not in (tmp_path / "funnel" / "alt.txt").read_text(encoding="utf-8")


def test_unknown_chart_is_a_clear_error(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path), "--chart", "pie"]) == 2
    assert "unknown chart(s) pie" in capsys.readouterr().err
