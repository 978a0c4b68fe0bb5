"""The translation catalogs: every ``*.po`` file under ``locales/<lang>/``, merged.

PO is the format translators' tools read and write (Poedit, Weblate, Lokalise). One file
per part of the package (charts, pages, story ...) keeps each translator's work apart.
Messages are compiled in memory, so no ``.mo`` file is built or committed.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def po_files(lang: str) -> list[Path]:
    """The catalogs of ``lang``, in a fixed order."""
    return sorted((LOCALES_DIR / lang).glob("*.po"))


def merged(lang: str) -> Catalog:
    """Every message of ``lang``'s catalogs in one catalog (a message in two files: the
    first file's translation, by name order)."""
    out = Catalog(locale=lang, fuzzy=False)
    for path in po_files(lang):
        with path.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if message.id and message.id not in out and message.string:
                    out[message.id] = message
    return out


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled messages of ``lang``; English, the source language, has none."""
    if lang == "en" or not po_files(lang):
        return gettext.NullTranslations()
    buf = BytesIO()
    write_mo(buf, merged(lang))
    buf.seek(0)
    return Translations(buf)
