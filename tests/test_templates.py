"""HTML and SVG are written only by templates (src/taxfirewall/templates/), all rendered by the
one Jinja environment of taxfirewall.templating; report pages use nbconvert's public API only."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

from conftest import SYNTHETIC
from taxfirewall import backmatter, load_incident, report, story, templating

SRC = Path(__file__).resolve().parents[1] / "src" / "taxfirewall"

# An opening or closing tag of an element the package's pages and fragments use.
TAG = re.compile(
    r"</?(?:a|br|caption|cite|desc|div|figure|h[1-6]|iframe|img|li|ol|p|rect|script|section|span"
    r"|style|svg|table|tbody|td|text|th|thead|title|tr|ul)(?=[\s/>])"
)

# Markup allowed outside templates, each with why. Keep this list short.
EXCEPTIONS = {
    # report.prepare() edits the markup pandas wrote into a notebook output (its notebook
    # styles and border attribute are not valid in a page body); it writes no HTML of its own
    ("report.py", r"<style scoped>.*?</style>\s*"),
    ("report.py", '<table border="1" class="dataframe">'),
    ("report.py", '<table class="dataframe">'),
    ("report.py", "<th></th>"),
    ("report.py", "<td></td>"),
}


def tags_in(source: str) -> list[str]:
    """Every string constant (f-string parts included, docstrings left out) holding a tag."""
    tree = ast.parse(source)
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and id(n) not in docstrings
        and TAG.search(n.value)
    ]


def _modules():
    return sorted(SRC.rglob("*.py"))


def test_the_scan_finds_markup_in_code():
    assert tags_in("x = f'<p class=\"a\">{y}</p>'") == ['<p class="a">', "</p>"]
    assert tags_in("x = '<svg ' + 'viewBox=\"0 0 1 1\">'") == ["<svg "]
    assert tags_in('def f():\n    """Puts a <figure> on the page."""\n') == []


def test_no_html_or_svg_is_written_outside_templates():
    found = [
        (path.name, text)
        for path in _modules()
        for text in tags_in(path.read_text(encoding="utf-8"))
        if (path.name, text) not in EXCEPTIONS
    ]
    assert found == [], "write markup in src/taxfirewall/templates/, not in Python"


def test_every_exception_is_still_needed():
    found = {(path.name, text) for path in _modules() for text in tags_in(path.read_text(encoding="utf-8"))}
    assert not EXCEPTIONS - found, f"no longer in the code, drop from EXCEPTIONS: {EXCEPTIONS - found}"


def test_jinja_is_set_up_in_one_module_only():
    users = [
        path.relative_to(SRC).as_posix()
        for path in _modules()
        if re.search(r"^\s*(import jinja2|from jinja2\b)", path.read_text(encoding="utf-8"), re.M)
    ]
    assert users == ["templating.py"]


def _private_names(package: str) -> set[str]:
    """Every _name an installed package defines or reads as an attribute."""
    names = set()
    for path in Path(importlib.util.find_spec(package).origin).parent.rglob("*.py"):
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(n, "attr", None) or getattr(n, "name", None)
            if isinstance(name, str) and name.startswith("_") and not name.startswith("__"):
                names.add(name)
    return names


@pytest.mark.parametrize("package", ["nbconvert", "nbclient", "papermill"])
def test_no_private_name_of_the_notebook_tools_is_used(package):
    private = _private_names(package)
    used = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = {
            n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)
        }
        own |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        used += [
            f"{path.name}:{n.lineno} {n.attr}"
            for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and n.attr in private and n.attr not in own
        ]
    assert used == []


def test_templates_escape_what_they_are_given():
    page = templating.render("embed.html.j2", alt="<b>'x'", title="", slug="s", base="", theme="", height=1)
    assert "<b>" not in page and 'alt="&lt;b&gt;&#39;x&#39;"' in page
    # the story's spelling (html.escape), which the reports embed
    assert templating.text("<a href='x'>\"&") == "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;"


def test_only_http_addresses_become_links():
    assert templating.link("javascript:alert(1)", "x") == {"url": "", "text": "x"}
    assert templating.link(float("nan"), "x") == {"url": "", "text": "x"}
    assert templating.link(" https://a.b/ ", "x") == {"url": "https://a.b/", "text": "x"}


def test_a_report_without_a_thumbnail_gets_a_card_with_its_title_escaped_and_shortened():
    card = report.card_svg("A <b>'long'</b> title that runs past the card's edge")
    assert card.startswith("<svg ") and card.endswith("</text></svg>")
    assert ">A &lt;b&gt;&#x27;long&#x27;&lt;/b&gt; title that r</text>" in card


def test_story_fragments_are_one_line_of_html_as_the_reports_embed_them():
    incident = load_incident(SYNTHETIC)
    fragments = [
        story.narrative_html(incident),
        story.figures_table_html(incident),
        story.events_table_html(incident),
        story.verification_html(incident),
        backmatter.corrections_html(incident),
        backmatter.sources_html(incident),
        backmatter.methodology_html(incident),
    ]
    assert all(f.startswith("<") and f.endswith(">") and "\n" not in f for f in fragments)
