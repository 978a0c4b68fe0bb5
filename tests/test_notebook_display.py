"""What a notebook shows of ours reads as the reports do: no dollar amount typeset as maths,
the story's tables carrying their own (scoped) CSS which a report page drops, and charts
naming the Vega-Lite JupyterLab draws them with. The browser side is
tests/browser/test_jupyterlab.py."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from conftest import IRS, ROOT
from taxfirewall import backmatter, load_incident, prose, report, story, tablestyle, templating
from taxfirewall.charts.render.vega import JUPYTERLAB_VEGALITE, notebook_renderer
from taxfirewall.notebook import VEGALITE_MIME
from taxfirewall.paths import TEMPLATES_DIR

NO_MATHS = "mathjax_ignore"  # MathJax 3's ignore class, which JupyterLab 4 keeps (see below)
LAB_STATIC = ROOT / ".venv" / "share" / "jupyter" / "lab" / "static"


@pytest.fixture(scope="module")
def irs():
    return load_incident(IRS)


def _roots(html: str) -> list[str]:
    """The opening tag of every top-level element of a fragment (style blocks left out)."""
    html = tablestyle.without_notebook_css(html)
    tags, depth = [], 0
    for m in re.finditer(r"<(/?)([a-z0-9]+)[^>]*>", html):
        if m.group(2) in ("br",):
            continue
        if m.group(1):
            depth -= 1
        else:
            if depth == 0:
                tags.append(m.group(0))
            depth += 1
    return tags


def _fragments(incident) -> dict[str, str]:
    parts = [
        p.html for p in prose.parts(incident, {"funnel": None, "timeline": None}) if isinstance(p, prose.Html)
    ]
    return {
        "heading": story.heading_html("A $5 heading"),
        "narrative": story.narrative_html(incident),
        "figures": story.figures_table_html(incident),
        "events": story.events_table_html(incident),
        "verification": story.verification_html(incident),
        "corrections": backmatter.corrections_html(incident),
        "paragraphs": templating.call("story/fragments.html.j2", "paragraphs", ["$1", "$2"]),
        **{f"story part {i}": html for i, html in enumerate(parts)},
    }


def test_every_fragment_a_notebook_shows_is_inside_the_class_mathjax_ignores(irs):
    for name, html in _fragments(irs).items():
        roots = _roots(html)
        assert roots and all(NO_MATHS in root for root in roots), (name, roots)


def test_jupyterlab_mathjax_ignores_the_class_our_fragments_carry():
    """JupyterLab 4 builds its MathJax document with MathJax 3's defaults, whose ignore class
    is ``mathjax_ignore``; were it configured otherwise the fragments' class would not hold."""
    if not LAB_STATIC.is_dir():
        pytest.skip("JupyterLab is not installed in .venv")
    bundles = [p.read_text(encoding="utf-8", errors="replace") for p in LAB_STATIC.glob("*.js")]
    defaults = [b for b in bundles if "ignoreHtmlClass:" in b]
    assert any(f'ignoreHtmlClass:"{NO_MATHS}"' in b for b in defaults)
    assert not any(re.search(r"ignoreHtmlClass:\s*\"(?!mathjax_ignore\")", b) for b in defaults)


def test_the_notebooks_markdown_cells_hold_no_dollar_signs_for_mathjax():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                assert not re.search(r"(?<!\\)\$", source), (path.name, source)


def test_story_tables_carry_their_css_scoped_to_their_wrapper(irs, synthetic):
    (synthetic / "corrections.csv").write_text(
        "date,table,record_id,what_changed,why\n2024-06-01,figures,read-a,value,audit\n", encoding="utf-8"
    )
    css = tablestyle.notebook_css()
    for html in (
        story.figures_table_html(irs),
        story.events_table_html(irs),
        backmatter.corrections_html(load_incident(synthetic)),
    ):
        assert css in html and f'class="table-wrap {tablestyle.SCOPE} ' in html
    rules = re.findall(r"([^{}]+)\{[^{}]*\}", re.sub(r"@media[^{]*\{", "", css))
    assert rules and all(
        s.startswith(tablestyle.PREFIX) for selectors in rules for s in selectors.split(",")
    ), rules
    # the notebook's rules are the page's: each of the tables' declarations is in both
    page_css = templating.render("report/report.css")
    for decls in re.findall(r"\{([^{}]*)\}", templating.render("story/tables.css")):
        assert "{" + decls + "}" in page_css and "{" + decls + "}" in css


def test_scoping_reaches_the_wrapper_and_inside_media_blocks():
    css = tablestyle.scoped("/* x */.a,td{x:1}@media (max-width:1px){.a b{y:2}}", ".s")
    assert css == ".s .a,.s.a,.s td{x:1}@media (max-width:1px){.s .a b{y:2}}"


def _page_of(outputs, incident) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=outputs)])
    return report.render(
        nb,
        title="t",
        dek="",
        incident=incident,
        theme="light",
        notebook="n.ipynb",
        parameters={},
        runtime=report.Runtime(src="_static/x.js"),
    )


def test_a_report_page_has_no_style_element_in_its_body(irs):
    outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": html})
        for html in (story.figures_table_html(irs), story.events_table_html(irs))
    ]
    page = _page_of(outputs, irs)
    body = page.split("<body", 1)[1]
    assert "<style" not in body
    assert 'class="table-wrap tf-styled mathjax_ignore tex2jax_ignore"' in body
    # the back matter's corrections log too, when the body has none
    assert body.count('data-tf-section="corrections"') == 1


def test_notebook_charts_name_jupyterlabs_vega_lite_and_pages_the_runtimes(irs):
    import altair as alt

    from taxfirewall.charts import funnel_chart

    spec = funnel_chart(irs).vegalite()
    bundle, meta = notebook_renderer(spec)
    shown = bundle[VEGALITE_MIME]
    assert shown["$schema"].endswith(f"/v{JUPYTERLAB_VEGALITE}.json")
    assert {k: v for k, v in shown.items() if k != "$schema"} == {
        k: v for k, v in spec.items() if k != "$schema"
    }
    assert meta[VEGALITE_MIME]["embed_options"] == {"renderer": "svg", "actions": False}
    page = _page_of([nbformat.v4.new_output("display_data", data=bundle, metadata=meta)], irs)
    assert alt.SCHEMA_URL in page and f"v{JUPYTERLAB_VEGALITE}.json" not in page


def test_jupyterlab_ships_the_vega_lite_the_notebook_charts_name():
    if not LAB_STATIC.is_dir():
        pytest.skip("JupyterLab is not installed in .venv")
    shared = "".join(p.read_text(encoding="utf-8", errors="replace") for p in LAB_STATIC.glob("main.*.js"))
    assert f'{{name:"vega-lite",version:"{JUPYTERLAB_VEGALITE}"' in shared


def test_report_css_includes_the_tables_rules_once():
    css = (TEMPLATES_DIR / "report" / "report.css").read_text(encoding="utf-8")
    assert css.count('{% include "story/tables.css" %}') == 1
    assert css.count('{% include "story/tables-phone.css" %}') == 1
