"""The reader's language: which edition a page, chart, export or story is written in.

There is one current language. ``use(lang)`` sets it for a block (a build's page, an
export) and is safe across threads; ``set_language(lang)`` sets the process default (a
notebook's ``setup(lang=...)``). Interface words are looked up with gettext in the PO
catalogs under ``locales/<lang>/`` (English is the source language, so English needs
none); numbers and dates are written by Babel from CLDR in :mod:`taxfirewall.formatting`.

Marking words for translation, in Python::

    _("Data as of {date}.", date=text)            # one message, str.format placeholders
    n_("{n} event", "{n} events", count)          # plural forms ({n} is the count)
    p_("money", "${n}")                           # same English, different meaning
    N_("Not part of the funnel")                  # marked here, translated where used

and in templates ``{{ _("Skip to the report") }}`` or ``{% trans %}…{% endtrans %}``.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from babel import Locale
from babel.numbers import format_decimal

from .catalog import translations

LANGS = ("en", "es")
DEFAULT = "en"
# each edition's own name for its language (the link between editions)
NAMES = {"en": "English", "es": "Español"}

_default = DEFAULT
_override: ContextVar[str | None] = ContextVar("taxfirewall_lang", default=None)


def check(lang) -> str:
    """``lang`` when it is a language we publish in, else ValueError saying which are."""
    if lang not in LANGS:
        raise ValueError(f"language '{lang}' is not one we publish in (expected one of: {', '.join(LANGS)})")
    return lang


def current() -> str:
    """The language being written now."""
    return _override.get() or _default


def set_language(lang: str) -> None:
    """Make ``lang`` the process's language (a notebook kernel's, from its parameter)."""
    global _default
    _default = check(lang)


@contextmanager
def use(lang: str | None):
    """Write in ``lang`` inside the block (None: leave the current language)."""
    token = _override.set(check(lang) if lang is not None else current())
    try:
        yield
    finally:
        _override.reset(token)


def locale() -> Locale:
    """The CLDR locale of the current language, for Babel."""
    return Locale.parse(current())


def _(msgid: str, **fields) -> str:
    """``msgid`` in the current language, its ``{placeholders}`` filled from ``fields``."""
    text = translations(current()).gettext(msgid)
    return text.format(**fields) if fields else text


def n_(one: str, many: str, n: int, **fields) -> str:
    """The plural form that agrees with ``n`` in the current language; ``{n}`` is the count,
    grouped as the language groups digits ('1,280' / '1280')."""
    text = translations(current()).ngettext(one, many, n)
    return text.format(n=format_decimal(n, locale=locale()), **fields)


def p_(context: str, msgid: str, **fields) -> str:
    """``msgid`` in the sense ``context`` names (the same English, another meaning)."""
    text = translations(current()).pgettext(context, msgid)
    return text.format(**fields) if fields else text


def N_(msgid: str) -> str:
    """Marks ``msgid`` for translation where it is defined; ``_`` translates it where used."""
    return msgid


__all__ = [
    "DEFAULT",
    "LANGS",
    "NAMES",
    "N_",
    "_",
    "check",
    "current",
    "locale",
    "n_",
    "p_",
    "set_language",
    "translations",
    "use",
]
