"""The story's tables in a notebook, styled as on a report page from the same CSS.

A report page styles its tables with its stylesheet, which includes
``templates/story/tables.css`` and ``tables-phone.css``. In JupyterLab the same tables would
get the notebook's table look (every cell right-aligned and centred, header cells bold,
striped rows), so each table a notebook shows carries those same rules in a ``<style>``
block, scoped to the tables' wrapper class and specific enough to win over JupyterLab's
(``.jp-RenderedHTMLCommon`` rules weigh at most two classes and two elements).

A ``<style>`` element is not valid in a page's body: the report build drops these blocks
(:func:`without_notebook_css`); the page's own stylesheet styles the tables.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .templating import call, render

SCOPE = "tf-styled"  # the wrapper class of every story table (templates/story/fragments.html.j2)
PREFIX = f".{SCOPE}" * 3  # the wrapper, weighing three classes
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_COMPOUND = re.compile(r"\.[\w-]+(?:\.[\w-]+)*")  # a selector that may name the wrapper itself


def _selector(selector: str, prefix: str) -> str:
    """``selector`` inside the wrapper, and on the wrapper itself when it could match it."""
    selector = " ".join(selector.split())
    inside = f"{prefix} {selector}"
    return f"{inside},{prefix}{selector}" if _COMPOUND.fullmatch(selector) else inside


def _block_end(css: str, start: int) -> int:
    """Index of the brace closing the block opened at ``start``."""
    depth = 0
    for i in range(start, len(css)):
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        if depth == 0:
            return i
    raise ValueError("unbalanced braces in CSS")


def scoped(css: str, prefix: str = PREFIX) -> str:
    """Every rule of ``css`` (inside at-rule blocks too) scoped to ``prefix``, on one line,
    comments dropped."""
    css = _COMMENT.sub("", css)
    out, i = [], 0
    while (j := css.find("{", i)) >= 0:
        head = css[i:j].strip()
        if head.startswith("@"):
            end = _block_end(css, j)
            out.append(f"{' '.join(head.split())}{{{scoped(css[j + 1 : end], prefix)}}}")
        else:
            end = css.index("}", j)
            selectors = ",".join(_selector(s, prefix) for s in head.split(","))
            out.append(f"{selectors}{{{css[j + 1 : end].strip()}}}")
        i = end + 1
    return "".join(out)


@lru_cache(maxsize=1)
def notebook_css() -> str:
    """The tables' CSS as a notebook carries it: the page's table rules and the notebook's
    additions (``templates/story/notebook.css``), scoped to the tables' wrapper."""
    from .theme import get_theme

    t = get_theme("light")
    colours = {"grid": t.grid, "muted": t.muted, "panel": t.grid + "55", "accent": t.accent}
    css = render("story/tables.css") + render("story/tables-phone.css")
    return scoped(css + render("story/notebook.css", colours=colours))


@lru_cache(maxsize=1)
def _notebook_style() -> re.Pattern:
    start, end = call("story/fragments.html.j2", "notebook_style", "\0").split("\0")
    return re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)


def without_notebook_css(html: str) -> str:
    """``html`` without the tables' notebook CSS (for a report page, which has its own)."""
    return _notebook_style().sub("", html)
