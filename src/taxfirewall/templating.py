"""The one Jinja environment every page and HTML fragment of the package is rendered with:
report pages, the index, chart pages, embeds, the story's fragments and SVG pieces.

Templates live in ``templates/`` (named by path, e.g. ``story/fragments.html.j2``); ``.j2``,
``.html`` and ``.svg`` templates are autoescaped. Two escapings are in use, both safe:
``{{ value }}`` (Jinja's: ``&#39;``, ``&#34;``) on the pages, and ``{{ value | text }}``
(:func:`html.escape`: ``&#x27;``, ``&quot;``) in the story fragments and SVG, which the
reports have always embedded in that spelling. A notebook's markdown and terminal text
become HTML by nbconvert's public filters.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

import jinja2
from markupsafe import Markup

from . import i18n
from .missing import present
from .paths import TEMPLATES_DIR


def text(value) -> Markup:
    """``value`` shown as text: escaped by :func:`html.escape` unless it is already markup."""
    if isinstance(value, Markup):
        return value
    return Markup(escape(str(value)))


# Notebook text as HTML, by nbconvert's public filters (imported when a report page needs them)


def markdown_html(source: str, attachments: dict | None = None) -> Markup:
    """Markdown as a report page shows it: headings with anchor links ("¶"), math left for
    the page, attachments as the cell has them."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    renderer = IPythonRenderer(escape=False, attachments=attachments or {})
    return Markup(MarkdownWithMath(renderer=renderer).render(source))


def ansi_html(text: str) -> Markup:
    """Terminal text escaped, its colour codes as styled spans."""
    from nbconvert.filters import ansi2html

    return Markup(ansi2html(text))


def strip_files_prefix(html: str) -> Markup:
    """Markup with the notebook server's ``files/`` prefix dropped from its addresses."""
    from nbconvert.filters import strip_files_prefix

    return Markup(strip_files_prefix(str(html)))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The package's Jinja environment (built once; templates are compiled once each)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html", "j2", "svg"]),
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # templates say {{ _("…") }} or {% trans %}: looked up in the current language when rendered
    env.install_gettext_callables(
        gettext=lambda m: i18n.translations(i18n.current()).gettext(m),
        ngettext=lambda one, many, n: i18n.translations(i18n.current()).ngettext(one, many, n),
        pgettext=lambda c, m: i18n.translations(i18n.current()).pgettext(c, m),
        newstyle=True,
    )
    env.globals["lang"] = i18n.current
    env.filters.update(
        text=text, markdown_html=markdown_html, ansi_html=ansi_html, strip_files_prefix=strip_files_prefix
    )
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
