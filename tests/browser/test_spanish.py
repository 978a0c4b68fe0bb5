"""The Spanish edition as a reader gets it: every page, export and the data summary in
Spanish (no English interface word left, source wording aside), CLDR's Spanish numbers
and dates, each page linked to its English edition, and all of it fitting a 320 px phone."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from taxfirewall import i18n, load_incident, manifest
from taxfirewall.paths import DEFAULT_INCIDENT, MANIFEST

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from spanish_scan import leftovers, page_text, source_wording  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _editions() -> dict[str, str]:
    """Spanish slug: the English slug of the same report."""
    reports = manifest.load_manifest(MANIFEST).reports
    es = [r for r in reports if r.parameters.get("lang") == "es"]
    assert len(es) >= 3, "reports.toml lists the Spanish story, funnel and timeline"
    return {r.slug: r.slug.removesuffix("-es") for r in es}


@pytest.fixture(scope="module")
def es_exports(site):
    from taxfirewall.export import export_all

    out = site / "charts"
    export_all(DEFAULT_INCIDENT, out, lang="es")
    return sorted((out / "es").rglob("index.html")) + sorted((out / "es").rglob("*.svg"))


def test_spanish_pages_declare_their_language_and_link_the_english_edition(site):
    for es, en in _editions().items():
        es_html = (site / f"{es}.html").read_text(encoding="utf-8")
        en_html = (site / f"{en}.html").read_text(encoding="utf-8")
        assert re.search(r'<html[^>]* lang="es"', es_html), es
        assert re.search(r'<html[^>]* lang="en"', en_html), en
        assert re.search(
            rf'hreflang="en"[^>]*href="{en}\.html"|href="{en}\.html"[^>]*hreflang="en"', es_html
        ), es
        assert re.search(
            rf'hreflang="es"[^>]*href="{es}\.html"|href="{es}\.html"[^>]*hreflang="es"', en_html
        ), en


def test_no_english_interface_word_is_left_in_any_spanish_output(site, es_exports):
    allowed = source_wording(DEFAULT_INCIDENT)
    outputs = [site / f"{slug}.html" for slug in _editions()] + es_exports
    found = {}
    for path in outputs:
        left = leftovers(page_text(path.read_text(encoding="utf-8")), allowed)
        if left:
            found[str(path.relative_to(site))] = left[:8]
    assert found == {}


def test_spanish_numbers_and_dates_follow_cldr(site):
    with i18n.use("es"):
        data = load_incident(DEFAULT_INCIDENT, lang="es")
        stages = data.funnel
        values = [str(v) for v in stages["value_text"]]
    funnel = page_text((site / "funnel-zoom-es.html").read_text(encoding="utf-8"))
    for text in values:
        assert text in funnel
    assert "47.289" in funnel and "1,28 millones" in funnel and "\u00a0%" in funnel
    ours = " ".join(funnel.split())
    for phrase in source_wording(DEFAULT_INCIDENT):  # "47,289" as a source published it stays
        ours = ours.replace(" ".join(phrase.split()), " ")
    assert "47,289" not in ours and "million" not in ours
    timeline = page_text((site / "timeline-full-es.html").read_text(encoding="utf-8"))
    assert re.search(
        r"\b\d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre) de 20\d\d\b",
        timeline,
    )
    assert not re.search(
        r"\b(January|February|March|April|June|July|August|September|October|November|December)\b", timeline
    )


@pytest.mark.parametrize("width", [320, 1200])
def test_spanish_pages_fit_a_phone_render_offline_and_pass_axe(site, open_page, width):
    from axe_playwright_python.sync_playwright import Axe

    for slug in _editions():
        page, log = open_page((site / f"{slug}.html").as_uri(), width=width)
        page.wait_for_function("() => document.querySelectorAll('svg.marks').length >= 1", timeout=20000)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, slug
        # every word drawn in a chart lies inside its chart
        outside = page.evaluate(
            """() => [...document.querySelectorAll('svg.marks')].flatMap(svg => {
                const box = svg.getBoundingClientRect();
                return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).filter(t => {
                    const r = t.getBoundingClientRect();
                    return r.left < box.left - 1 || r.right > box.right + 1;
                }).map(t => t.textContent);
            })"""
        )
        assert outside == [], (slug, outside)
        bad = [
            v["id"]
            for v in Axe().run(page).response["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        assert bad == [] and log.errors == [] and log.blocked == [], (slug, bad, log.errors, log.blocked)


def test_spanish_chart_pages_render_offline_at_phone_width(site, es_exports, open_page):
    for path in [p for p in es_exports if p.name == "index.html"]:
        page, log = open_page(path.as_uri(), width=320)
        page.wait_for_selector("#chart svg", timeout=15000)
        assert page.evaluate("() => document.documentElement.lang") == "es"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320, path
        assert log.errors == [] and log.blocked == [], (path, log.errors)
