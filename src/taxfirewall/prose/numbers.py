"""Numbers typed into a story's prose: each one will not change when the data does, so
each is a warning unless it is a year, a case number, a statute section, or a phrase the
story's front matter allows."""

from __future__ import annotations

import re

from .syntax import Document, line_starts, locate, masked

# What a desk may type, in either edition: a year; a case or docket number ("No. 25-5181",
# Spanish "n.º 25-5181", "núm. 25-5181"); a statute section ("section 6103", "§ 6103",
# Spanish "artículo 6103", "sección 6103")
_CASE = r"(?:\bNos?\.|\b[Nn]\.?\s?[º°]|\b[Nn]ros?\.|\b[Nn]úms?\.)"
ALLOWED = (
    re.compile(r"(?<![\w.,/-])(1[89]|20)\d\d(?![\w%]|[.,]\d)"),
    re.compile(_CASE + r"\s?\d+(?::\d+)?(?:-[A-Za-z]{2,})?(?:-\d+)*"),
    re.compile(r"\b\d+:\d\d-[a-z]{2,}-\d+\b"),
    re.compile(r"§§?\s?\d[\w().-]*"),
    re.compile(r"\b(?:[Ss]ections?|[Ss]ecci(?:ón|ones)|[Aa]rtículos?)\s\d[\w().-]*"),
)
# a number in English or Spanish form: "47,289", "1.28", "3.7%" or "47.289", "1,28", "3,7 %"
_NUMBER = re.compile(r"\d[\d,.]*(?:[ \u00a0\u202f]?%)?")


def _typed_text(doc: Document) -> list[tuple[int, int]]:
    """(start, end) offsets of prose a reader sees as typed: every line of every inline
    block, headings and table cells included (code spans and references are left out)."""
    spans = []
    starts = line_starts(doc.source)
    for token in doc.tokens:
        if token.type == "inline" and token.map:
            spans.append((starts[token.map[0]], starts[token.map[1]] - 1))
    return spans


def _blank(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _prose_only(doc: Document) -> str:
    """The source with references, code spans, link targets and allowed phrases blanked."""
    text = masked(doc.source)
    text = _blank(text, re.compile(r"^[ \t>]*\d{1,9}[.)](?=[ \t]|$)", re.M))  # "1." of a numbered list
    text = _blank(text, re.compile(r"(`+)[^`]*?\1"))
    text = _blank(text, re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"))
    for phrase in sorted(doc.allow, key=len, reverse=True):
        text = text.replace(phrase, " " * len(phrase))
    for pattern in ALLOWED:
        text = _blank(text, pattern)
    return text


def typed_numbers(doc: Document) -> list[tuple[int, int, str]]:
    """(line, column, message) for each number typed where a reference belongs."""
    text = _prose_only(doc)
    found = []
    for start, end in _typed_text(doc):
        for m in _NUMBER.finditer(text, start, max(start, end)):
            number = m.group(0).rstrip(".,")
            line, column = locate(doc.source, m.start())
            found.append(
                (
                    line,
                    column,
                    f"the number {number!r} is typed: it will not follow the data. Use a reference "
                    "(such as {{ F2 }} or {{ E3.date }}), or list it under 'allow' in the front matter",
                )
            )
    return found
