"""The Spanish story: ``story.es.md`` beside ``story.md``, its references printed in Spanish,
its interface words (headings, tables, the generated summary) Spanish, checked at
``story.es.md:line:column``, never replaced by the English story, and as safe as the English
one. The Spanish data summary has no English interface word either."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from conftest import IRS
from taxfirewall import i18n, load_incident, prose
from taxfirewall.prose import DeskNote, Html, check_story, resolve
from taxfirewall.summary import summary_markdown

CHARTS = {"funnel": Html("<funnel chart>"), "timeline": Html("<timeline chart>")}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip
ENGLISH = [
    " the ",
    " of ",
    "Sources",
    "Corrections",
    "Confirmed",
    "Why:",
    "reported",
    "preferred",
    "unconfirmed",
]
SOURCE_COLUMNS = ("Publicado como", "Fuente")  # a source's words and names stay as published


def _spanish(folder):
    return load_incident(folder, lang="es")


class _Reader(HTMLParser):
    """The words a reader sees, leaving out the cells that quote a source as published."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words, self._depth, self._skip = [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script") or (tag == "td" and dict(attrs).get("data-label") in SOURCE_COLUMNS):
            self._skip += 1
        if tag in ("p", "li", "td", "th", "h2", "caption"):
            self.words.append("\n")

    def handle_endtag(self, tag):
        if self._skip and tag in ("style", "script", "td"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.words.append(data)


def _read(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    text = "".join(reader.words)
    return re.sub(r"«[^»]*»", "«»", text)  # a source's quoted words stay as published


def _english_words(text: str) -> list[str]:
    return [w for w in ENGLISH + MONTHS if w in text]


def _parts(folder) -> list:
    with i18n.use("es"):
        return prose.parts(_spanish(folder), CHARTS)


def test_the_spanish_story_reads_in_spanish_with_its_references_in_spanish():
    parts = _parts(IRS)
    assert not [p for p in parts if isinstance(p, DeskNote)]
    html = "".join(p.html for p in parts)
    text = _read(html)
    assert "Por qué importa" in text and "Qué está confirmado y qué se discute" in text
    assert "Servicio de Impuestos Internos (IRS)" in text and "Why it matters" not in text
    assert "las direcciones de 47.289 personas" in text and "del 3,7\u00a0% de las personas" in text
    assert "firmado el 7 de abril de 2025" in text
    assert _english_words(text) == []


def test_the_spanish_story_uses_the_english_storys_references():
    refs = [
        re.findall(r"\{\{[^}]*\}\}", (IRS / name).read_text(encoding="utf-8"))
        for name in ("story.md", "story.es.md")
    ]
    assert sorted(refs[0]) == sorted(refs[1])


def test_each_language_checks_its_own_story_file():
    data = _spanish(IRS)
    assert check_story(data, "es").problems == [] and check_story(data, "es").warnings == []
    assert prose.story_path(data, "es").name == "story.es.md"
    assert prose.story_path(data, "en").name == "story.md"
    with i18n.use("es"):
        assert prose.story_path(data).name == "story.es.md"


def test_a_spanish_story_with_a_bad_reference_fails_at_its_line_and_column(incident):
    (incident / "story.es.md").write_text("Hola.\n\nUna línea con {{ F99 }} dentro.\n", encoding="utf-8")
    check = check_story(_spanish(incident), "es")
    assert [str(p).split(": ", 1)[0].rsplit("/", 1)[-1] for p in check.problems] == ["story.es.md:3:15"]
    assert "F99" in check.problems[0].message
    assert check_story(load_incident(incident), "en").problems == []  # the English story is untouched


def test_validate_lang_es_checks_the_spanish_story_and_validate_alone_the_english(incident, capsys):
    from taxfirewall.cli import main

    (incident / "story.es.md").write_text("Hola.\n\nUna línea con {{ F99 }} dentro.\n", encoding="utf-8")
    assert main(["validate", "--lang", "es", str(incident)]) == 2
    assert "story.es.md:3:15: unknown id 'F99'" in capsys.readouterr().err
    assert main(["validate", str(incident)]) == 0


def test_spanish_number_forms_are_typed_numbers_and_spanish_case_numbers_are_not(incident):
    (incident / "story.es.md").write_text(
        "En 2025, según el artículo 6103 y la sección 6103, en el caso n.º 25-5181, el No. 26-5006 y el "
        "núm. 1:25-cv-00457.\n\nContó 47.289 personas, el 3,7 % de ellas, y 1,28 millones.\n",
        encoding="utf-8",
    )
    check = check_story(_spanish(incident), "es")
    warned = [(w.row, w.column, re.search(r"the number '([^']+)'", w.message)[1]) for w in check.warnings]
    assert warned == [(3, "7", "47.289"), (3, "27", "3,7 %"), (3, "45", "1,28")]


def test_sin_confirmar_acknowledges_an_unconfirmed_item_like_unconfirmed():
    with i18n.use("es"):
        data = _spanish(IRS)
        assert resolve(data, "S1.title | sin confirmar") == resolve(data, "S1.title | unconfirmed")


def test_a_spanish_page_without_story_es_shows_the_spanish_summary_never_the_english_story(incident):
    (incident / "story.es.md").unlink()
    parts = _parts(incident)
    notes = [p.text for p in parts if isinstance(p, DeskNote)]
    assert len(notes) == 1 and "story.es.md" in notes[0]
    html = "".join(p.html for p in parts if isinstance(p, Html))
    assert "tf-prose" not in html and "Why it matters" not in html
    text = _read(html)
    assert "Qué está confirmado y qué no" in text and "El embudo tiene 3 etapas" in text
    assert _english_words(text) == []


def test_the_spanish_back_matter_has_no_english_interface_words():
    from taxfirewall import backmatter

    with i18n.use("es"):
        data = _spanish(IRS)
        html = backmatter.corrections_html(data) + backmatter.methodology_html(data)
    text = _read(html)
    assert "Correcciones" in text and "Licencia de los datos:" in text
    assert _english_words(text) == []


def test_the_spanish_data_summary_has_no_english_interface_words():
    with i18n.use("es"):
        text = summary_markdown(_spanish(IRS))
    assert text.startswith("# Resumen de los datos: ")
    assert "datos actualizados a " in text and "etapas del embudo" in text
    assert _english_words(text) == []


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_a_hostile_spanish_story_is_escaped_and_runs_nothing(incident):
    (incident / "story.es.md").write_text(
        "<script>alert(1)</script> <img src=x onerror=alert(2)> {{ E3.date }}\n\n<div onclick=alert(5)>\n",
        encoding="utf-8",
    )
    html = "".join(p.html for p in _parts(incident) if isinstance(p, Html))
    parser = _Elements()
    parser.feed(html)
    assert {tag for tag, _attrs in parser.tags} <= {"div", "p"}
    assert not [a for _tag, attrs in parser.tags for a in attrs if a.startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "7 de abril de 2025" in unescape(html)
