"""Spanish report pages, index, chart pages and embeds: the page says its language, links
to its other edition, and shows no English interface word; a notebook's markdown cells
are shown in Spanish; English pages keep their words and shape."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from taxfirewall import i18n, report, templating
from taxfirewall.i18n.catalog import merged
from taxfirewall.notebook import VEGALITE_MIME

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))
ENGLISH_WORDS = [
    "Skip to",
    "Contents",
    "Sources",
    "Source",
    "Data as of",
    "Chart",
    "Download",
    "Table",
    "Notebook",
    "Generated",
    "Back to",
    " the ",
    " of ",
]
SPEC = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "title": "Cronología", "mark": "bar"}
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
TABLE = '<table border="1" class="dataframe"><thead><tr><th></th><th>a</th></tr></thead><tbody><tr><th>0</th><td>1</td></tr></tbody></table>'


class _Reader(HTMLParser):
    """What a reader meets: text outside scripts and styles, named attributes, and (in an
    embed snippet) the comment that tells whoever pastes it what to do."""

    NAMED = ("alt", "aria-label", "title", "content")

    def __init__(self, comments: bool):
        super().__init__(convert_charrefs=True)
        self.comments, self.skip, self.parts = comments, 0, []

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")
        self.parts += [
            v for k, v in attrs if k in self.NAMED and v and not (tag == "meta" and k == "content")
        ]

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    def handle_comment(self, data):
        if self.comments:
            self.parts.append(data)


def reader_text(html: str, comments: bool = False) -> str:
    parser = _Reader(comments)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_words(text: str) -> list[str]:
    return [w for w in ENGLISH_WORDS if w in f" {text} "]


def _notebook():
    """One markdown cell of 03_timeline, a pandas table, a chart and a picture without alt text."""
    table = new_output("display_data", data={"text/html": TABLE, "text/plain": "a"})
    chart = new_output("display_data", data={VEGALITE_MIME: SPEC, "text/plain": "chart"})
    picture = new_output("display_data", data={"image/png": PNG})
    return new_notebook(
        cells=[
            new_markdown_cell("## The events\n"),
            new_code_cell("events", outputs=[table]),
            new_code_cell("chart", outputs=[chart, picture]),
        ]
    )


def _page(lang: str, alternates=None) -> str:
    with i18n.use(lang):
        return report.render(
            _notebook(),
            title="La cronología",
            dek="Los hechos, por fecha.",
            incident=None,
            theme="light",
            notebook="notebooks/03_timeline.ipynb",
            parameters={"lang": lang},
            runtime=report.Runtime(src="_static/vega.js"),
            alternates=alternates,
        )


def test_a_spanish_page_says_its_language_and_links_to_the_english_edition():
    html = _page("es", [{"lang": "en", "href": "timeline.html"}])
    assert html.startswith('<!DOCTYPE html>\n<html lang="es"')
    assert '<link rel="alternate" hreflang="en" href="timeline.html">' in html
    assert '<a href="timeline.html" hreflang="en" lang="en">Read in English</a>' in html


def test_an_english_page_links_to_the_spanish_edition_in_spanish():
    html = _page("en", [{"lang": "es", "href": "timeline-es.html"}])
    assert html.startswith('<!DOCTYPE html>\n<html lang="en"')
    assert '<link rel="alternate" hreflang="es" href="timeline-es.html">' in html
    assert '<a href="timeline-es.html" hreflang="es" lang="es">Leer en español</a>' in html


def test_an_edition_in_a_language_we_do_not_publish_is_refused():
    with pytest.raises(ValueError, match="not one we publish in"):
        _page("en", [{"lang": "fr", "href": "x.html"}])


def test_a_spanish_page_has_spanish_interface_words_and_no_english_ones():
    html = _page("es")
    assert '<a class="skip" href="#main">Ir al informe</a>' in html
    assert "<h2>Sobre esta página</h2>" in html
    assert 'aria-label="Tabla de datos 1"' in html
    assert ">Gráfico: Cronología</figcaption>" in html
    assert 'alt="Imagen de un gráfico (sin descripción)"' in html
    assert ">Los hechos<" in html  # the notebook's markdown heading, from notebooks.po
    text = reader_text(html)
    assert not english_words(text), text


def test_an_english_page_keeps_its_english_words_and_has_no_edition_links():
    html = _page("en")
    assert '<a class="skip" href="#main">Skip to the report</a>' in html
    assert "<h2>About this page</h2>" in html
    assert "<p>Built by taxfirewall" in html and 'aria-label="Data table 1"' in html
    assert ">The events<" in html and "hreflang" not in html


def test_the_byline_of_a_spanish_page_dates_the_data_in_spanish():
    from taxfirewall.data import load_incident

    with i18n.use("es"):
        incident = load_incident(ROOT / "data" / "irs-dhs")
        html = report.render(
            _notebook(),
            title="t",
            dek="d",
            incident=incident,
            theme="light",
            notebook="n.ipynb",
            parameters={},
            runtime=report.Runtime(src="_static/vega.js"),
        )
    byline = next(line for line in html.splitlines() if line.startswith('<p class="byline">'))
    assert "Datos actualizados a 8 de junio de 2026" in byline and "Por " in byline
    assert "<h2>Metodología</h2>" in html and "<h2>Fuentes</h2>" in html


# --------------------------------------------------------------------------- the index


def _entries():
    def entry(slug, lang, status):
        return {
            "slug": slug,
            "title": slug.title(),
            "dek": "—",
            "status": status,
            "href": f"{slug}.html",
            "thumb": None,
            "card": "",
            "lang": lang,
        }

    return [entry("funnel", "en", "current"), entry("embudo", "es", "stale")]


def test_a_spanish_index_lists_both_editions_each_marked_with_its_language():
    with i18n.use("es"):
        html = report.render_index(_entries(), title="taxfirewall reports", version="1")
    assert '<html lang="es"' in html and "<h1>Informes de taxfirewall</h1>" in html
    assert html.index('<h2 id="edition-es" lang="es">Español</h2>') < html.index(
        '<h2 id="edition-en" lang="en">English</h2>'
    )
    assert '<li class="card" id="report-funnel" lang="en">' in html
    assert '<h3><a href="funnel.html" hreflang="en">Funnel</a></h3>' in html
    assert '<h3><a href="embudo.html" hreflang="es">Embudo</a></h3>' in html
    assert '<span class="status status-current" lang="es">al día</span>' in html
    assert not english_words(reader_text(html).replace("English", "")), reader_text(html)


def test_an_index_links_to_its_other_edition_named_in_that_language():
    with i18n.use("en"):
        html = report.render_index(
            _entries(), version="1", alternates=[{"lang": "es", "href": "index-es.html"}]
        )
    assert '<link rel="alternate" hreflang="es" href="index-es.html">' in html
    assert '<a href="index-es.html" hreflang="es" lang="es">Leer en español</a>' in html
    assert "<h1>taxfirewall reports</h1>" in html


def test_an_english_index_of_english_reports_is_one_list_as_before():
    with i18n.use("en"):
        html = report.render_index(_entries()[:1], title="taxfirewall reports", version="1")
    assert '<html lang="en"' in html and "<section" not in html and "hreflang" not in html
    assert '<h2><a href="funnel.html">Funnel</a></h2>' in html
    assert "<p>Built by taxfirewall 1.</p>" in html


# --------------------------------------------------------------------------- chart pages and embeds


def test_a_spanish_chart_page_says_its_language_and_names_its_english_edition():
    context = {
        "slug": "funnel",
        "title": "El embudo",
        "alt": "Un gráfico de embudo",
        "default_theme": "light",
        "specs_json": "{}",
        "options_json": "{}",
        "breakpoints_json": "[]",
        "runtime": "../_static/vega.js",
        "backgrounds": {"light": "#fff", "dark": "#000"},
        "texts": {"light": "#000", "dark": "#fff"},
    }
    with i18n.use("es"):
        html = templating.render(
            "chart_page.html.j2", **context, alternates=[{"lang": "en", "href": "../funnel/index.html"}]
        )
    assert '<html lang="es">' in html
    assert '<link rel="alternate" hreflang="en" href="../funnel/index.html">' in html
    assert not english_words(reader_text(html))
    with i18n.use("en"):
        assert "hreflang" not in templating.render("chart_page.html.j2", **context)


def test_a_spanish_embed_snippet_says_its_language_and_tells_the_paster_in_spanish():
    with i18n.use("es"):
        html = templating.render(
            "embed.html.j2", alt="Un gráfico", title="El embudo", slug="s", base="b/", theme="light", height=3
        )
    assert 'lang="es"' in html and "péguelo donde deba aparecer el gráfico" in html
    assert not english_words(reader_text(html, comments=True)), reader_text(html, comments=True)


# --------------------------------------------------------------------------- the notebooks' markdown


def markdown_cells(nb) -> list[str]:
    out = []
    for cell in nb["cells"]:
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        if cell["cell_type"] == "markdown" and source.strip():
            out.append(source.strip())
    return out


def untranslated(notebooks: dict[str, dict], lang: str = "es") -> list[str]:
    catalog = merged(lang)
    return [
        f"{name}: {text[:60]!r}"
        for name, nb in notebooks.items()
        for text in markdown_cells(nb)
        if catalog.get(text) is None or not catalog.get(text).string
    ]


def _notebooks() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in NOTEBOOKS}


def test_every_markdown_cell_of_every_notebook_has_its_spanish():
    notebooks = _notebooks()
    assert sum(len(markdown_cells(nb)) for nb in notebooks.values()) >= 10
    assert not untranslated(notebooks), "add these cells to locales/es/notebooks.po"


def test_a_new_markdown_cell_without_spanish_is_caught():
    notebooks = copy.deepcopy(_notebooks())
    first = next(iter(notebooks.values()))
    first["cells"].append(nbformat.v4.new_markdown_cell("## A section nobody translated"))
    assert untranslated(notebooks) == [f"{NOTEBOOKS[0].name}: '## A section nobody translated'"]


def test_markdown_cells_are_shown_in_the_page_language_and_kept_when_untranslated():
    with i18n.use("es"):
        assert report.markdown_source("## Charts\n") == "## Gráficos"
        assert report.markdown_source("## Not in any catalog") == "## Not in any catalog"
    with i18n.use("en"):
        assert report.markdown_source("## Charts\n") == "## Charts\n"
