"""Every message the package marks for translation has its Spanish, with the same
placeholders, so a Spanish page never falls back to an English interface word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from taxfirewall import i18n
from taxfirewall.i18n.catalog import merged, po_files

PACKAGE = Path(i18n.__file__).resolve().parent.parent
PY_KEYWORDS = {"_": None, "N_": None, "n_": (1, 2), "p_": ((1, "c"), 2)}
JINJA_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
FIELDS = re.compile(r"\{(\w*)\}|%\((\w+)\)s")


def _marked() -> list[tuple[str, int, str | None, tuple[str, ...]]]:
    """(file, line, context, message ids) of every marked message in the package."""
    out = []
    sources = [("python", p, PY_KEYWORDS) for p in PACKAGE.rglob("*.py")]
    sources += [
        ("jinja2.ext:babel_extract", p, JINJA_KEYWORDS) for p in (PACKAGE / "templates").rglob("*.j2")
    ]
    for method, path, keywords in sources:
        for line, ids, _comments, context in extract_from_file(method, str(path), keywords=keywords):
            ids = ids if isinstance(ids, tuple) else (ids,)
            if ids and ids[0]:
                out.append((str(path.relative_to(PACKAGE)), line, context, ids))
    return out


def _fields(text: str) -> set[str]:
    return {a or b for a, b in FIELDS.findall(text)}


def test_extraction_finds_the_core_messages():
    ids = {m[3][0] for m in _marked()}
    assert {"not known", "about {n}", "reports range from {low} to {high}"} <= ids


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGS if lang != "en"])
def test_every_marked_message_has_a_translation_with_the_same_placeholders(lang):
    catalog = merged(lang)
    problems = []
    for path, line, context, ids in _marked():
        message = catalog.get(ids[0], context=context)
        where = f"{path}:{line}: {ids[0]!r}" + (f" (context {context!r})" if context else "")
        if (
            message is None
            or not message.string
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        ):
            problems.append(f"{where}: no {lang} translation")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if _fields(text) - set().union(*(_fields(i) for i in ids)) or _fields(ids[0]) - _fields(text) - {
                "n"
            }:
                problems.append(f"{where}: placeholders differ in {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", [p for lang in i18n.LANGS if lang != "en" for p in po_files(lang)], ids=str)
def test_catalogs_are_valid_po_without_fuzzy_entries(path):
    with path.open("rb") as fh:
        catalog = read_po(fh)
    assert not [m.id for m in catalog if m.id and m.fuzzy], (
        "fuzzy entries are not used: review and clear them"
    )


def test_english_is_the_source_language_and_needs_no_catalog():
    with i18n.use("en"):
        assert i18n._("about {n}", n="3") == "about 3"
    with i18n.use("es"):
        assert i18n._("about {n}", n="3") == "unos 3"
    assert i18n.current() == "en"
