"""The desk's explorer (taxfirewall.explore): every table listed, linked and collapsible, each in
a bounded scroll frame, every value in full and escaped, the same bytes every time."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nbformat
import pandas as pd
import pytest
from markupsafe import escape

from conftest import IRS, SYNTHETIC
from taxfirewall import explore, load_incident, report
from taxfirewall.paths import TEMPLATES_DIR


class _Tree(HTMLParser):
    """The elements of a fragment, each with its attributes and the tags it sits in."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "col"}

    def __init__(self):
        super().__init__()
        self.stack, self.elements = [], []

    def handle_starttag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "in": list(self.stack)})
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass


def _tree(html: str) -> list[dict]:
    parser = _Tree()
    parser.feed(html)
    return parser.elements


@pytest.fixture(scope="module", params=[IRS, SYNTHETIC], ids=["irs-dhs", "synthetic"])
def incident(request):
    return load_incident(request.param)


@pytest.fixture(scope="module")
def html(incident):
    return explore.tables_html(incident)


def test_the_contents_list_every_table_with_its_row_count_linked_to_its_block(incident, html):
    toc = re.search(r'<nav class="tf-explore-toc".*?</nav>', html, re.S).group(0)
    items = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a>(.*?)</li>', toc)
    assert [name for _, name, _ in items] == list(incident.tables)
    ids = {e["attrs"]["id"]: e for e in _tree(html) if e["tag"] == "details"}
    for (target, name, rest), table in zip(items, incident.tables.values()):
        rows = len(table)
        assert f"{rows:,} {'row' if rows == 1 else 'rows'}," in rest
        assert target in ids, f"the contents link #{target} leads nowhere"
        summary = re.search(rf'<details[^>]* id="{target}"[^>]*>\s*<summary>(.*?)</summary>', html, re.S)
        assert f"<strong>{name}</strong>" in summary.group(1) and f"{rows:,} " in summary.group(1)


def test_each_table_names_what_it_holds_from_the_datapackage(incident, html):
    for table in (t for t in incident.schema.tables if t.name in incident.tables):  # not translations
        summary = re.search(rf"<summary><strong>{table.name}</strong>(.*?)</summary>", html).group(1)
        assert str(escape(table.title)) in summary
        assert str(escape(table.description)) in html


def test_every_table_sits_in_a_focusable_bounded_scroll_frame_inside_its_collapsible_block(incident, html):
    tables = [e for e in _tree(html) if e["tag"] == "table"]
    assert len(tables) == len(incident.tables)
    for t in tables:
        tags = [tag for tag, _ in t["in"]]
        frame = t["in"][-1][1]
        assert tags[0] == "div" and "tex2jax_ignore" in t["in"][0][1]["class"].split()
        assert "details" in tags
        assert frame["class"] == "tf-explore-frame" and frame["tabindex"] == "0" and frame["role"] == "region"
    labels = [e["attrs"]["aria-label"] for e in _tree(html) if e["attrs"].get("role") == "region"]
    assert len(labels) == len(set(labels)), "each scroll region needs its own name"
    # the frame's bounds: in JupyterLab (the view's own styles) and on the report page
    for css in (TEMPLATES_DIR / "explore" / "notebook.css", TEMPLATES_DIR / "report" / "report.css"):
        rule = re.search(r"\.tf-explore-frame\{([^}]*)\}", css.read_text()).group(1)
        assert "max-height:" in rule and "max-width:100%" in rule and "overflow:auto" in rule, css.name


def test_long_text_is_shown_in_full_and_wraps(incident, html):
    values = [v for t in incident.tables.values() for v in t.astype("string").stack().dropna()]
    for value in values:
        assert str(escape(value)) in html, value[:60]
    # no "…" but the data's own: nothing is cut short
    words = values + [w for t in incident.schema.tables for w in (t.title, t.description)]
    assert html.count("…") == sum(w.count("…") for w in words)
    # the class the stylesheets let wrap at a wide measure, on the longest text
    assert ('class="tf-explore-longer"' in html) == (max(map(len, values)) > explore.LONGER)


def test_text_in_a_cell_is_escaped_never_markup():
    frame = pd.DataFrame({"note": ["<script>alert(1)</script>", "a & b \"c\" 'd'"], "n": [1, 2]})
    html = explore.view_html({"<b>odd</b> name": frame})
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;odd&lt;/b&gt; name" in html and "<b>" not in html
    assert [e["tag"] for e in _tree(html) if e["tag"] in ("script", "b")] == []


def test_the_same_tables_give_the_same_bytes_and_anchors_come_from_names(incident):
    assert explore.tables_html(incident) == explore.tables_html(load_incident(incident.folder))
    assert explore.anchor("figure_definitions") == "tf-explore-figure-definitions"
    assert explore.anchor("Funnel view") == "tf-explore-funnel-view"


def test_values_show_in_full_missing_ones_empty():
    assert explore.cell_text(pd.NA) == explore.cell_text(None) == explore.cell_text(float("nan")) == ""
    assert explore.cell_text(0.1 + 0.2) == "0.30000000000000004"
    assert explore.cell_text(pd.Timestamp("2025-04-07")) == "2025-04-07"
    assert explore.cell_text(pd.Timestamp("2025-04-07 13:05")) == "2025-04-07 13:05:00"
    assert explore.cell_text(("a", "b")) == "a; b"
    assert explore.cell_text(1280000) == "1280000"


def test_an_empty_table_shows_its_columns_and_says_it_has_no_rows():
    html = explore.view_html({"corrections": pd.DataFrame({"date": [], "why": []})})
    assert "0 rows, 2 columns" in html and "No rows." in html and ">why</th>" in html
    assert "<nav" not in html  # one table: nothing to jump between


def test_the_report_build_strips_the_notebook_only_styles(incident, html):
    assert html.startswith('<div class="tf-explore tex2jax_ignore mathjax_ignore"><style scoped>')
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("display_data", {"text/html": html})])
    ]
    page_html = report.prepare(nb).cells[0].outputs[0]["data"]["text/html"]
    assert "<style" not in page_html and "tf-explore-frame" in page_html


def test_the_explorer_notebook_shows_its_tables_through_the_explorer():
    nb = nbformat.read(IRS.parents[1] / "notebooks" / "01_explore.ipynb", as_version=4)
    code = {c.id: c.source for c in nb.cells}
    assert "explore.tables_html(data)" in code["tables"]
    assert "explore.view_html(" in code["funnel-view"] and "explore.view_html(" in code["timeline-view"]
