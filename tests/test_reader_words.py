"""Every word a reader sees, in every built output, is free of the desk's internal terms:
no "seed", no placeholder outlet, no stored-text file name, no status code or id, no
doubled brackets. Reader surfaces are every report but the desk's explorer, the chart
pages and exports (HTML, embed, Vega-Lite, SVG, alt text) and the README findings."""

from __future__ import annotations

import contextlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from conftest import IRS, ROOT
from taxfirewall import verification
from taxfirewall.cli import main

pytestmark = pytest.mark.slow

EDGE = ROOT / "tests" / "fixtures" / "edge-incident"
INTERNAL = [
    (re.compile(r"\bseeds?\b", re.I), "the word 'seed'"),
    (re.compile(r"unnamed outlet|unknown outlet|placeholder", re.I), "a placeholder outlet"),
    (re.compile(r"\b[\w-]+\.txt\b"), "a stored-text file name"),
    (re.compile(r"\b(" + "|".join(verification.LABELS) + r")\b"), "a status code"),
    (re.compile(r"\(\(|\)\)|\(not found \("), "doubled brackets"),
    (re.compile(r"\b[EFS]\d{1,2}\b"), "an event or figure id"),
]
READER_KEYS = {"text", "title", "subtitle", "description", "aria", "tt", "tt_description", "alt"}
SKIP_TAGS = {"script", "style"}
READER_ATTRS = {"alt", "title", "aria-label", "aria-description", "data-label", "content"}


class _Words(HTMLParser):
    """Visible text and reader-facing attributes; JSON in script elements is walked apart."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words, self.scripts, self._skip = [], [], []

    def handle_starttag(self, tag, attrs):
        self.words += [v for k, v in attrs if k in READER_ATTRS and v]
        if tag in SKIP_TAGS:
            self._skip.append(dict(attrs).get("type", ""))

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self._skip:
            self._skip.pop()

    def handle_data(self, data):
        if not self._skip:
            self.words.append(data)
        elif "json" in self._skip[-1]:
            self.scripts.append(data)


def _json_words(node, key: str | None = None) -> list[str]:
    """Strings under reader-facing keys of a Vega-Lite spec (titles, texts, tooltips)."""
    if isinstance(node, dict):
        return [w for k, v in node.items() for w in _json_words(v, k if key not in READER_KEYS else key)]
    if isinstance(node, list):
        return [w for v in node for w in _json_words(v, key)]
    return [node] if isinstance(node, str) and key in READER_KEYS else []


def reader_words(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        parser = _Words()
        parser.feed(text)
        words = parser.words
        for blob in parser.scripts:
            with contextlib.suppress(json.JSONDecodeError):
                words += _json_words(json.loads(blob))
        return "\n".join(words)
    if path.suffix == ".svg":
        return "\n".join(el.text for el in ET.fromstring(text).iter() if el.text)
    if path.suffix == ".json":
        return "\n".join(_json_words(json.loads(text)))
    return text


def _problems(path: Path) -> list[str]:
    words = reader_words(path)
    return [
        f"{path.name}: {why}: {m.group(0)!r}" for pattern, why in INTERNAL for m in pattern.finditer(words)
    ]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> list[Path]:
    """Every report of reports.toml, the edge incident's story, and both incidents' exports."""
    tmp = tmp_path_factory.mktemp("reader-words")
    assert main(["build", "--manifest", str(ROOT / "reports.toml"), "--out", str(tmp / "reports")]) == 0
    edge = tmp / "edge.toml"
    edge.write_text(
        f'[[report]]\nslug = "edge-story"\nnotebook = "{ROOT / "notebooks" / "04_story.ipynb"}"\n'
        f'title = "Edge story"\ndek = "A made-up incident"\n[report.parameters]\nincident = "{EDGE}"\n'
    )
    assert main(["build", "--manifest", str(edge), "--out", str(tmp / "edge")]) == 0
    for name, data in (("irs", IRS), ("edge", EDGE)):
        assert main(["export", "--data", str(data), "--out", str(tmp / f"charts-{name}")]) == 0
    files = [p for p in tmp.rglob("*") if p.suffix in (".html", ".svg", ".json", ".txt")]
    return [
        p
        for p in files
        if p.name != "explore.html" and "_executed" not in p.parts and "_failed" not in p.parts
    ]


def test_no_internal_term_reaches_a_reader(outputs):
    assert len(outputs) > 20
    problems = [p for path in outputs for p in _problems(path)]
    assert not problems, "\n".join(problems[:40])


def test_readme_findings_hold_no_internal_term():
    from taxfirewall import generated

    block = generated.block((ROOT / "README.md").read_text(encoding="utf-8"), "findings")
    for pattern, why in INTERNAL:
        assert not pattern.search(block), why


def test_the_checker_catches_each_internal_term(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<p>Seed claim: x ((y)) 000_ab.txt court_record E13</p><img alt="Unnamed outlet">'
        '<script type="application/json">{"title": "seed text", "values": [{"event_id": "E1"}]}</script>'
    )
    found = {line.split(": ")[1] for line in _problems(page)}
    assert found == {why for _, why in INTERNAL}
