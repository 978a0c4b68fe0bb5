"""The one Jinja environment every page and HTML fragment of the package is rendered with.

Templates live in ``templates/`` (named by path, e.g. ``story/fragments.html.j2``); ``.j2``,
``.html`` and ``.svg`` templates are autoescaped. Two escapings are in use, both safe:
``{{ value }}`` (Jinja's: ``&#39;``, ``&#34;``) on the chart and index pages, and
``{{ value | text }}`` (:func:`html.escape`: ``&#x27;``, ``&quot;``) in the story fragments
and SVG, which the reports have always embedded in that spelling. The report page itself is
nbconvert's template (:mod:`taxfirewall.report`), which these fragments are passed into.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

import jinja2
from markupsafe import Markup

from .missing import present
from .paths import TEMPLATES_DIR


def text(value) -> Markup:
    """``value`` shown as text: escaped by :func:`html.escape` unless it is already markup."""
    if isinstance(value, Markup):
        return value
    return Markup(escape(str(value)))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The package's Jinja environment (built once; templates are compiled once each)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html", "j2", "svg"]),
        keep_trailing_newline=True,
    )
    env.filters["text"] = text
    return env


def render(name: str, **context) -> str:
    """The template ``name`` rendered with ``context``."""
    return environment().get_template(name).render(**context)


def call(name: str, macro: str, *args, **kwargs) -> str:
    """The macro ``macro`` of template ``name`` called with these arguments."""
    return str(getattr(environment().get_template(name).module, macro)(*args, **kwargs))


def link(url, words: str) -> dict:
    """A link for a template: ``url`` kept only when it is an http(s) address (never
    ``javascript:`` or ``data:``), else "" and the words are shown unlinked."""
    url = str(url).strip() if present(url) else ""
    return {"url": url if url.lower().startswith(("http://", "https://")) else "", "text": words}
