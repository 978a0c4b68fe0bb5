"""Hostile text in the dataset stays text: nothing in a source, figure or event runs as code.

A copy of the IRS–DHS dataset gets script, event-handler and ``javascript:`` payloads in
every text field a reader sees (event titles and descriptions, figure labels and reasons,
reported wordings, source outlets, titles and addresses), stays a valid dataset, and is
built into the story and explore reports and the chart exports. Each page is then opened
in Chromium (network cut) and must show the payloads as text: no dialog, no script run,
no ``javascript:`` link, no ``<img src=x>`` fetched, no blocked request.
"""

from __future__ import annotations

import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import IRS, read_rows, write_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = "\"'><svg onload=alert(1)>"
JS = "javascript:alert(1)"
PAYLOADS = (SCRIPT, IMG, SVG, JS)
ALL = " ".join(PAYLOADS)
BREAKOUT_URL = '"><script>alert(2)</script>'
MARKERS = ("alert(", "onerror", "onload", "<script")
HOST = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Host</title></head>'
    "<body><main>{snippet}</main></body></html>\n"
)


def _edit(folder: Path, file: str, changes: dict[str, dict[str, str]]) -> None:
    path = folder / file
    rows = read_rows(path)
    key = next(iter(rows[0]))
    missing = set(changes) - {r[key] for r in rows}
    assert not missing, f"{file}: no rows {missing}"
    for row in rows:
        row.update(changes.get(row[key], {}))
    write_rows(path, rows, list(rows[0].keys()))


def hostile_copy(dest: Path) -> Path:
    """The IRS–DHS dataset with payloads in every rendered text field (within field limits:
    event titles <= 40 characters, figure labels <= 60)."""
    shutil.copytree(IRS, dest)
    _edit(
        dest,
        "events.csv",
        {
            "E3": {"title": SCRIPT, "description": "The agreement was signed. " + ALL},  # highlighted
            "E6": {"title": SVG},  # highlighted
            "E13": {"title": IMG, "description": ALL},  # highlighted
            "S1": {"title": JS},  # not found: named in the story
        },
    )
    _edit(
        dest,
        "figure_definitions.csv",
        {
            "F1": {"label": IMG, "preferred_reason": "The court's figure. " + ALL},
            "F2": {"label": SVG},
            "F3": {"label": SCRIPT, "preferred_reason": ALL},
            "F4": {"label": JS},
        },
    )
    _edit(
        dest,
        "figures.csv",
        {
            "F1-seed-000": {"as_reported": f"{SCRIPT} {IMG}"},
            "F2-seed-000": {"as_reported": f"{SVG} {JS}"},
        },
    )
    _edit(
        dest,
        "sources.csv",
        {
            "ap-2025-04-08": {"url": JS, "outlet": IMG, "title": SCRIPT},
            "fedscoop-2025-10": {"url": BREAKOUT_URL, "outlet": SVG, "title": JS},
            "deseret-2025-04-09": {"url": " JaVaScRiPt:alert(3)", "outlet": SCRIPT},
        },
    )
    story = (dest / "story.md").read_text(encoding="utf-8")  # the desk's own text, hostile too
    (dest / "story.md").write_text(
        f"{ALL} [a link]({JS}) <a href='{JS}'>b</a>\n\n{{{{ E3.title }}}} {{{{ S1.title | unconfirmed }}}}\n\n"
        + story,
        encoding="utf-8",
    )
    return dest


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from taxfirewall import load_incident
    from taxfirewall.build import build
    from taxfirewall.export import export_all
    from test_build import report, write_manifest

    tmp = tmp_path_factory.mktemp("xss")
    folder = hostile_copy(tmp / "hostile")
    incident = load_incident(folder)  # still a valid dataset
    assert SCRIPT in set(incident.events["title"])
    manifest = write_manifest(
        tmp / "reports.toml",
        [
            report("story", "04_story", incident=str(folder)),
            report("explore", "01_explore", incident=str(folder)),
        ],
    )
    out = tmp / "site"
    log = io.StringIO()
    assert build(manifest, out, force=True, stdout=log, stderr=log) == 0, log.getvalue()
    export_all(incident, out / "charts")
    for embed in sorted(out.glob("charts/*/embed.html")):  # the snippet as an article carries it
        (embed.parent / "host.html").write_text(
            HOST.format(snippet=embed.read_text(encoding="utf-8")), encoding="utf-8"
        )
    return out


class _Markup(HTMLParser):
    """Elements the payloads would have created, had they been parsed as markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append((tag, name, value))
            if name in ("href", "src", "xlink:href", "action", "formaction") and re.match(
                r"\s*javascript:", value or "", re.I
            ):
                self.found.append((tag, name, value))
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append((tag, attrs))
        self._script = dict(attrs) if tag == "script" else None

    def handle_data(self, data):
        if self._script is not None and self._script.get("type") != "application/json" and "alert(" in data:
            self.found.append(("script", data[:80]))

    def handle_endtag(self, tag):
        self._script = None


def pages(site: Path) -> list[Path]:
    return (
        sorted(site.glob("*.html"))
        + sorted(site.glob("charts/*/index.html"))
        + sorted(site.glob("charts/*/host.html"))
    )


def test_the_payloads_are_escaped_in_every_page_source(hostile_site):
    for path in pages(hostile_site):
        html = path.read_text(encoding="utf-8")
        parser = _Markup()
        parser.feed(html)
        assert parser.found == [], (path.name, parser.found)
        assert not re.search(r"<a\b[^>]*href\s*=\s*[\"']?\s*javascript:", html, re.I), path.name
    for name in ("story.html", "explore.html"):
        html = (hostile_site / name).read_text(encoding="utf-8")
        for escaped in (
            "&lt;script&gt;alert(",
            "&lt;img src=x onerror=alert(1)&gt;",
            "&lt;svg onload=alert(1)&gt;",
        ):
            assert escaped in html, (name, escaped)


def _open(open_page, url: str):
    """open_page, with every request and console message of the page recorded from the start."""
    page, log = open_page("about:blank")
    requests, console = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: console.append(m.text))
    page.goto(url, wait_until="load")
    return page, log, requests, console


DOM_PROBLEMS = """() => {
  const found = [];
  const all = [...document.querySelectorAll('*')];
  for (const frame of document.querySelectorAll('iframe')) {
    try { all.push(...frame.contentDocument.querySelectorAll('*')); } catch (e) {}
  }
  for (const el of all) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) found.push(el.tagName + ' ' + a.name);
      if (/^(href|src|xlink:href|action|formaction)$/.test(a.name) && /^\\s*javascript:/i.test(a.value)) found.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
    if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') found.push('img src=x');
    if (el.tagName === 'SCRIPT' && el.type !== 'application/json' && el.textContent.includes('alert(')) found.push('script alert');
  }
  return found;
}"""


def _check(path: Path, page, log, requests, console) -> None:
    assert log.dialogs == [], (path.name, log.dialogs)
    assert log.blocked == [], (path.name, log.blocked)
    assert log.errors == [], (path.name, log.errors)
    assert [m for m in console if any(k in m for k in MARKERS)] == [], (path.name, console)
    assert [u for u in requests if re.search(r"/x$", u) or u.lower().startswith("javascript:")] == [], (
        path.name,
        requests,
    )
    assert page.evaluate(DOM_PROBLEMS) == [], path.name


def test_every_page_loads_without_running_a_payload(hostile_site, open_page):
    for path in pages(hostile_site):
        page, log, requests, console = _open(open_page, path.as_uri())
        charts = page.evaluate("() => document.querySelectorAll('[data-vega-spec], #chart').length")
        if path.name == "host.html":
            page.frames[1].wait_for_selector("svg.marks", timeout=15000)
        elif charts:
            page.wait_for_function(
                "n => document.querySelectorAll('svg.marks').length >= n", arg=charts, timeout=20000
            )
        page.wait_for_timeout(200)  # let any late handler (onerror, onload) fire
        _check(path, page, log, requests, console)
        if path.name in ("story.html", "explore.html"):
            text = page.inner_text("body")
            for payload in PAYLOADS:
                assert payload in text, (path.name, payload)  # shown to the reader as text
            # a source with a javascript: or broken-out address is listed, not linked
            assert (
                page.evaluate(
                    "() => [...document.querySelectorAll('a')].filter(a => a.textContent.includes('alert')).length"
                )
                == 0
            )


def test_chart_tooltips_show_the_payloads_as_text(hostile_site, open_page):
    for path in sorted(hostile_site.glob("charts/*/index.html")):
        page, log, requests, console = _open(open_page, path.as_uri())
        page.wait_for_selector("#chart svg.marks", timeout=15000)
        # hover marks until one shows its tooltip (vega-embed's tooltip handler)
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('#chart svg.marks g.role-mark path, #chart svg.marks g.role-mark rect')]
                .map(e => e.getBoundingClientRect()).filter(r => r.width > 2 && r.height > 2)
                .map(r => [r.x + r.width / 2, r.y + r.height / 2])"""
        )
        assert boxes, path.parent.name
        shown = False
        for x, y in boxes[:40]:
            page.mouse.move(x, y)
            page.wait_for_timeout(60)
            shown = page.evaluate(
                "() => { const t = document.getElementById('vg-tooltip-element'); "
                "return !!t && t.classList.contains('visible') && t.textContent.includes('alert('); }"
            )
            if shown:
                break
        assert shown, f"{path.parent.name}: no mark's tooltip showed a payload"
        tooltip = page.evaluate("() => document.getElementById('vg-tooltip-element').innerHTML")
        assert "<img" not in tooltip and "<svg" not in tooltip and "<script" not in tooltip, tooltip
        page.wait_for_timeout(200)
        _check(path, page, log, requests, console)
