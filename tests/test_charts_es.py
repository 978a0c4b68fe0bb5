"""The charts in Spanish: every word the funnel and the timeline show (drawn text, title
block, tooltips, alt text, footer) is Spanish in both renderings, Vega formats in the
Spanish locale, and the longer Spanish words still fit at phone and article widths.
Source wording (outlets, what a source published) stays as published and is left out of
the check."""

from __future__ import annotations

import json
import re
from functools import cache

import jsonschema
import pytest

from conftest import IRS
from taxfirewall import i18n, load_incident
from taxfirewall.charts import funnel_chart, timeline_chart
from taxfirewall.charts.scene import Text
from taxfirewall.charts.text import text_width
from test_chart_funnel import VL_SCHEMA, text_problems
from timeline_views import drawn, label_boxes, overlapping, visible_texts
from vegalite_schema import valid

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# English interface words that must not survive in a Spanish chart (whole words for months)
ENGLISH = [
    " the ",
    " of ",
    "stage",
    "Stage",
    "Source",
    "Sources",
    "Chart:",
    "Data as of",
    "As of",
    "reported",
    "preferred",
    "scale",
    "not to scale",
    "court record",
    "official report",
    "named source",
    "anonymous",
    "unconfirmed",
    "upcoming",
    "scheduled",
    "Scheduled",
    "Key moment",
    "Date not found",
    "Verification",
]
MONTH_WORDS = re.compile(r"\b(" + "|".join(MONTHS + [m[:3] for m in MONTHS]) + r")\b")
# names kept in their own language inside Spanish sentences (a party to a lawsuit)
PROPER_NAMES = ("Community Economic Development Center of SE Mass.",)
SCALES = ("zoom", "linear", "log")
WIDTHS = (320, 600)


@cache
def incident():
    """The IRS incident with its own words in Spanish."""
    with i18n.use("es"):
        return load_incident(IRS, lang="es")


@cache
def chart(kind: str, scale: str, width: int | None):
    """A chart drawn in Spanish (``width`` None: the default width)."""
    size = {} if width is None else {"width": width}
    with i18n.use("es"):
        if kind == "funnel":
            return funnel_chart(incident(), scale=scale, **size)
        return timeline_chart(incident(), **size)


CHARTS = [("funnel", s, w) for s in SCALES for w in (*WIDTHS, None)] + [
    ("timeline", "", w) for w in (*WIDTHS, 800, None)
]


def made(kind, scale, width):
    return chart(kind, scale or "zoom", width)


def as_published() -> list[str]:
    """Words that stay as the sources published them: outlets and reported wordings,
    longest first (so a long name goes before a shorter one inside it)."""
    inc = incident()
    words = set(inc.sources["outlet"].dropna().astype(str)) | set(
        inc.figures["as_reported"].dropna().astype(str)
    )
    return sorted(words | set(PROPER_NAMES), key=len, reverse=True)


def english_left(text: str, sources_line: str = "") -> list[str]:
    """The English interface words in ``text`` once source wording is taken out."""
    if sources_line:
        text = text.replace(sources_line, " ")
    for words in as_published():
        text = text.replace(words, " ")
    text = f" {text} "
    return [w for w in ENGLISH if w in text] + MONTH_WORDS.findall(text)


def scene_words(c) -> str:
    s = c.scene()
    texts = [*s.title, *s.subtitle] + [m.text for _, m in s.marks(Text)]
    return " ".join(texts)


def tip_words(c) -> str:
    s = c.scene()
    return (
        " ".join(f"{k} {v}" for t in s.tips for k, v in t.table)
        + " "
        + " ".join(t.description for t in s.tips)
    )


def spec_words(spec: dict) -> str:
    """Every reader-facing string of a Vega-Lite spec: title block, description, text
    marks' rows and the looked-up tooltips."""
    out = [*spec["title"]["text"], *spec["title"]["subtitle"], spec["description"]]

    def walk(v):
        if isinstance(v, dict):
            if "values" in v and isinstance(v["values"], list):
                for row in v["values"]:
                    for key in ("text", "tt", "tt_description"):
                        if key in row:
                            out.append(json.dumps(row[key], ensure_ascii=False) if key == "tt" else row[key])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(spec)
    return " ".join(out)


# ----------------------------------------------------------------------------- words


@pytest.mark.parametrize("kind,scale,width", CHARTS)
def test_every_word_of_the_scene_is_spanish(kind, scale, width):
    c = made(kind, scale, width)
    assert c.lang == "es"
    assert english_left(scene_words(c), c.sources) == []
    assert english_left(tip_words(c)) == []
    assert english_left(" ".join([c.subtitle, c.alt_text, c.notes])) == []


@pytest.mark.parametrize(
    "kind,scale,width", [("funnel", s, 600) for s in SCALES] + [("timeline", "", 320), ("timeline", "", 600)]
)
def test_the_vega_spec_says_everything_in_spanish_with_the_spanish_locale(kind, scale, width):
    c = made(kind, scale, width)
    spec = valid(c.vegalite())
    assert english_left(spec_words(spec), c.sources) == []
    assert spec["description"] == c.alt_text
    locale = spec["config"]["locale"]
    assert locale["number"]["decimal"] == "," and locale["number"]["thousands"] == "."
    assert locale["time"]["months"][3] == "abril" and locale["time"]["shortMonths"][0] == "ene"
    assert locale["time"]["days"][0] == "domingo"  # d3 weeks start on Sunday
    validator = jsonschema.validators.validator_for(schema := json.loads(VL_SCHEMA.read_text()))(schema)
    validator.validate(spec)


@pytest.mark.parametrize(
    "kind,scale,width", [("funnel", s, 320) for s in SCALES] + [("timeline", "", 320), ("timeline", "", 600)]
)
def test_the_matplotlib_figure_says_everything_in_spanish(kind, scale, width):
    c = made(kind, scale, width)
    fig = c.figure()
    words = " ".join(t.get_text() for t in visible_texts(fig))
    assert english_left(words, c.sources) == []


def test_footer_and_tooltip_headings_are_spanish():
    f, t = made("funnel", "zoom", 600), made("timeline", "", 600)
    assert f.sources.startswith("Fuentes: ") and t.sources.startswith("Fuentes: ")
    assert [k for k, _ in f.scene().tips[0].table] == [
        "Cifra",
        "Valor",
        "Proporción",
        "Valores publicados",
        "Verificación",
        "Fuentes",
    ]
    assert [k for k, _ in t.scene().tips[0].table][:3] == ["Hecho", "Fecha", "Categoría"]
    assert any(line.startswith("Gráfico: ") for line in f.footer_lines)


def test_a_chart_keeps_its_language_when_drawn_in_another():
    c = made("funnel", "log", 600)
    with i18n.use("en"):
        spec = c.vegalite()
        texts = [m.text for _, m in c.scene().marks(Text)]
    assert "locale" in spec["config"] and "Escala logarítmica" in texts


def test_english_specs_carry_no_locale():
    with i18n.use("en"):
        spec = funnel_chart(load_incident(IRS, lang="en"), width=320).vegalite()
    assert "locale" not in spec["config"]


# ----------------------------------------------------------------------------- fit


@pytest.mark.parametrize("kind,scale,width", CHARTS)
def test_every_spanish_line_fits_inside_the_plot(kind, scale, width):
    s = made(kind, scale, width).scene()
    for panel, m in s.marks(Text):
        w = text_width(m.text, m.size, m.bold)
        x0 = {"left": m.x, "center": m.x - w / 2, "right": m.x - w}[m.align]
        assert x0 >= -1 and x0 + w <= s.plot_width + 1, (panel.name, m.text)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("width", WIDTHS)
def test_funnel_text_never_overlaps_or_clips_in_spanish(scale, width):
    assert text_problems(made("funnel", scale, width).figure()) == []


@pytest.mark.parametrize("width", [*WIDTHS, 800])
def test_timeline_labels_never_collide_or_leave_the_figure_in_spanish(width):
    c = made("timeline", "", width)
    assert overlapping(label_boxes(c), tol=0) == []
    fig = c.figure()
    renderer = drawn(fig)
    W, H = fig.bbox.width, fig.bbox.height
    boxes = [
        (t.get_text(), *(lambda b: (b.x0, b.x1, b.y0, b.y1))(t.get_window_extent(renderer)))
        for t in visible_texts(fig)
    ]
    assert overlapping(boxes) == []
    for text, x0, x1, y0, y1 in boxes:
        assert x0 >= -0.5 and x1 <= W + 0.5 and y0 >= -0.5 and y1 <= H + 0.5, text
