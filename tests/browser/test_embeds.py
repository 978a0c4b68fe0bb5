"""The chart pages and embed snippets, in headless Chromium, the way an article hosts them."""

from __future__ import annotations

import pytest

from conftest import IRS, ROOT
from taxfirewall.charts import CHARTS
from taxfirewall.export import export_all
from taxfirewall.theme import DARK, LIGHT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREENS = ROOT / "reports" / "_screens"


@pytest.fixture(scope="module")
def charts_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("charts")
    export_all(IRS, out)
    return out


def _host_page(folder, slug) -> str:
    snippet = (folder / slug / "embed.html").read_text(encoding="utf-8")
    host = folder / slug / "host.html"
    host.write_text(
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'><title>Host</title>"
        "<style>body{margin:0;font-family:sans-serif}article{max-width:680px;margin:0 auto;padding:0 12px}</style>"
        f"</head><body><main><article><h1>Article</h1><p>Before.</p>{snippet}<p id=after>After.</p></article></main></body></html>",
        encoding="utf-8",
    )
    return host.as_uri()


def _rendered(frame) -> dict:
    frame.wait_for_selector("#chart svg", timeout=15000)
    return frame.evaluate(
        """() => {
        const svg = document.querySelector('#chart svg');
        const r = svg.getBoundingClientRect();
        return {w: r.width, h: r.height, marks: svg.querySelectorAll('path, rect, line, text').length,
                scrollW: document.documentElement.scrollWidth, clientW: document.documentElement.clientWidth,
                scrollH: document.documentElement.scrollHeight,
                bg: getComputedStyle(document.body).backgroundColor, cls: document.body.className};
    }"""
    )


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i : i + 2], 16) for i in (0, 2, 4)))


@pytest.mark.parametrize("slug", list(CHARTS))
def test_chart_page_renders_offline_without_errors(charts_dir, open_page, slug):
    page, log = open_page((charts_dir / slug / "index.html").as_uri(), width=700)
    info = _rendered(page.main_frame)
    assert info["w"] > 0 and info["h"] > 0 and info["marks"] > 10
    assert log.blocked == [] and log.errors == []


@pytest.mark.parametrize("width", [1200, 600, 320])
@pytest.mark.parametrize("slug", list(CHARTS))
def test_embed_fills_width_and_resizes_to_the_chart(charts_dir, open_page, slug, width):
    page, log = open_page(_host_page(charts_dir, slug), width=width)
    frame = page.frame_locator("iframe[data-taxfirewall]")
    inner = page.frames[1]
    info = _rendered(inner)
    # the host's resize script sets the iframe to the chart page's height
    page.wait_for_function(
        "h => Math.abs(document.querySelector('iframe[data-taxfirewall]').getBoundingClientRect().height - h) <= 2",
        arg=info["scrollH"],
        timeout=10000,
    )
    box = page.locator("iframe[data-taxfirewall]").bounding_box()
    container = page.locator("article").bounding_box()
    assert abs(box["width"] - (container["width"] - 24)) <= 2, "the iframe fills its container"
    assert info["scrollW"] <= info["clientW"] + 1, "nothing clipped sideways"
    assert info["w"] <= info["clientW"] + 1
    assert frame.locator("#chart").is_visible()
    assert log.blocked == [] and log.errors == []
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"embed-{slug}-{width}.png"), full_page=True)


@pytest.mark.parametrize("slug", list(CHARTS))
def test_dark_mode_flag_switches_the_theme(charts_dir, open_page, slug):
    page, log = open_page((charts_dir / slug / "index.html").as_uri() + "?theme=dark", width=600)
    info = _rendered(page.main_frame)
    assert info["cls"] == "dark" and info["bg"] == _rgb(DARK.background)
    page.evaluate("window.postMessage({type: 'taxfirewall:theme', theme: 'light'}, '*')")
    page.wait_for_function("document.body.className === 'light'")
    assert _rendered(page.main_frame)["bg"] == _rgb(LIGHT.background)
    page, _ = open_page(
        (charts_dir / slug / "index.html").as_uri() + "?theme=auto", width=600, color_scheme="dark"
    )
    assert _rendered(page.main_frame)["cls"] == "dark"
    assert log.errors == []
    # an unknown or hostile theme name falls back to the default theme
    for name in ("__proto__", "constructor", "sepia"):
        page, log = open_page((charts_dir / slug / "index.html").as_uri() + f"?theme={name}", width=600)
        assert _rendered(page.main_frame)["cls"] == "light" and log.errors == [], name


@pytest.mark.parametrize("slug", list(CHARTS))
def test_static_fallback_shows_without_scripts(charts_dir, open_page, slug):
    page, log = open_page(_host_page(charts_dir, slug), width=600, scripts=False)
    inner = page.frames[1]
    inner.wait_for_load_state("load")
    ok = inner.evaluate(
        "() => { const i = document.querySelector('img.fallback'); return !!i && i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().height > 0 && i.alt.length > 50; }"
    )
    assert ok
    assert log.blocked == []
