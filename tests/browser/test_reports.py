"""Every built report, the index and every chart page, as a reader opens them: offline."""

from __future__ import annotations

import pytest

from conftest import ROOT

from .conftest import site_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREENS = ROOT / "reports" / "_screens"


def _chart_sizes(page) -> list[float]:
    return page.evaluate(
        "() => [...document.querySelectorAll('svg.marks, canvas.marks')]"
        ".filter(e => e.querySelectorAll('path, rect, line, text').length > 0 || e.tagName === 'CANVAS')"
        ".map(e => { const r = e.getBoundingClientRect(); return r.width * r.height; })"
    )


def test_site_has_every_report_and_chart_page(site):
    names = {p.name for p in site.glob("*.html")}
    assert "index.html" in names and len(names) >= 7
    assert len(list(site.glob("charts/*/index.html"))) >= 2


@pytest.mark.parametrize("width", [1200, 375])
def test_every_page_renders_its_charts_with_the_network_off(site, open_page, width):
    SCREENS.mkdir(parents=True, exist_ok=True)
    for path in site_pages(site):
        page, log = open_page(path.as_uri(), width=width)
        expected = page.evaluate(
            "() => document.querySelectorAll('script[type=\"application/json\"]').length"
        )
        if expected:
            page.wait_for_function(
                "n => document.querySelectorAll('svg.marks').length >= n", arg=min(expected, 1), timeout=15000
            )
            sizes = _chart_sizes(page)
            assert sizes and all(s > 0 for s in sizes), path.name
        assert log.blocked == [], (path.name, log.blocked)
        assert log.errors == [], (path.name, log.errors)
        name = path.name if path.parent == site else f"chart-{path.parent.name}"
        page.screenshot(path=str(SCREENS / f"{name.removesuffix('.html')}-{width}.png"), full_page=True)


def test_every_report_chart_renders(site, open_page):
    """A report shows as many rendered charts as it carries specs."""
    for path in sorted(site.glob("*.html")):
        if path.name == "index.html":
            continue
        page, log = open_page(path.as_uri(), width=1000)
        specs = page.evaluate(
            "() => document.querySelectorAll('figure script[type=\"application/json\"]').length"
        )
        if specs:
            page.wait_for_function(
                "n => document.querySelectorAll('svg.marks').length >= n", arg=specs, timeout=20000
            )
        assert log.errors == [] and log.blocked == []


@pytest.mark.parametrize("width", [1200, 375])
def test_no_serious_accessibility_violations(site, open_page, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    for path in site_pages(site):
        page, _ = open_page(path.as_uri(), width=width)
        page.wait_for_timeout(300)
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        if bad:
            found[str(path.relative_to(site))] = [
                (v["id"], v["impact"], [n["html"][:120] for n in v["nodes"][:3]]) for v in bad
            ]
    assert found == {}


def test_dark_chart_pages_pass_accessibility_checks(site, open_page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for path in sorted(site.glob("charts/*/index.html")):
        page, _ = open_page(path.as_uri() + "?theme=dark", width=600)
        page.wait_for_selector("#chart svg")
        bad = [
            v["id"]
            for v in axe.run(page).response["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        assert bad == [], (path.parent.name, bad)


@pytest.mark.parametrize("slug", ["story-light", "story-dark"])
@pytest.mark.parametrize("width", [320, 1200])
def test_story_page_reads_as_the_desks_prose_with_its_charts_in_place(site, open_page, slug, width):
    """The story in paragraphs, the charts between them where story.md puts them, nothing
    wider than a phone, and axe clean at that width."""
    from axe_playwright_python.sync_playwright import Axe

    page, log = open_page((site / f"{slug}.html").as_uri(), width=width)
    page.wait_for_function("() => document.querySelectorAll('svg.marks').length >= 2", timeout=20000)
    order = page.evaluate(
        "() => [...document.querySelectorAll('.tf-prose, figure.chart')]"
        ".map(e => e.matches('figure') ? 'chart' : 'prose')"
    )
    assert order[0] == "prose" and order.count("chart") == 2
    assert order.index("chart") > 0 and order[-1] == "prose"  # charts sit between paragraphs
    words = page.evaluate(
        "() => [...document.querySelectorAll('.tf-prose p')].map(p => p.innerText).join(' ')"
    )
    assert 600 <= len(words.split()) <= 1200 and "47,289" in words
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    visible = page.evaluate(
        "() => [...document.querySelectorAll('.tf-prose p, .tf-prose h2')]"
        ".every(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right <= innerWidth + 1; })"
    )
    assert visible
    bad = [
        v["id"] for v in Axe().run(page).response["violations"] if v.get("impact") in ("serious", "critical")
    ]
    assert bad == [] and log.errors == [] and log.blocked == []
