"""Reading a story file: its front matter, its Markdown (by markdown-it-py) and every
``{{ reference }}`` in it, each located at the ``line:column`` a desk editor's text editor
shows.

A reference is one inline token (``tf_ref``) that markdown-it parses like any other, so a
reference inside a code span stays literal text, and raw HTML is never passed through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

OPEN, CLOSE = "{{", "}}"
FRONT_MATTER_KEYS = ("allow",)


@dataclass(frozen=True)
class Ref:
    """One ``{{ ... }}`` as written: its inside (stripped), the raw text and where it is."""

    content: str
    raw: str
    line: int
    column: int
    closed: bool = True


@dataclass
class Document:
    """A parsed story: markdown-it's tokens, its references in order, the front matter's
    allowed numbers, and what could not be read (``(line, column, message)``)."""

    source: str
    tokens: list[Token]
    refs: list[Ref] = field(default_factory=list)
    allow: tuple[str, ...] = ()
    problems: list[tuple[int, int, str]] = field(default_factory=list)


def _ref_rule(state, silent: bool) -> bool:
    """``{{ ... }}`` on one line is a reference; an unclosed ``{{`` swallows the rest of its
    line so that it is reported, never printed."""
    src, pos = state.src, state.pos
    if not src.startswith(OPEN, pos):
        return False
    end = src.find(CLOSE, pos + 2)
    newline = src.find("\n", pos)
    closed = end >= 0 and not 0 <= newline < end
    stop = end + 2 if closed else (newline if newline >= 0 else state.posMax)
    if not silent:
        token = state.push("tf_ref", "", 0)
        raw = src[pos:stop]
        token.content = raw[2:-2].strip() if closed else raw[2:].strip()
        token.meta = {"raw": raw, "closed": closed}
    state.pos = stop
    return True


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """CommonMark with tables, strikethrough and typographic quotes; raw HTML off (shown as
    text); references as ``tf_ref`` tokens."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["table", "strikethrough", "smartquotes"])
    md.inline.ruler.after("text", "tf_ref", _ref_rule)
    md.add_render_rule("tf_ref", _render_ref)
    return md


def _render_ref(self, tokens, idx, options, env) -> str:
    """A reference prints the text :mod:`taxfirewall.prose.render` resolved, escaped."""
    return escape(tokens[idx].meta.get("text", ""))


# --------------------------------------------------------------------------- front matter

_FENCE = re.compile(r"^---[ \t]*$")


def split_front_matter(source: str) -> tuple[str, str, int]:
    """(front matter text, body with the front matter's lines blanked, fence line) so every
    line keeps its number; ('', source, 0) when the file opens with no ``---`` fence."""
    lines = source.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return "", source, 0
    for i in range(1, len(lines)):
        if _FENCE.match(lines[i]):
            body = "\n" * (i + 1) + "\n".join(lines[i + 1 :])
            return "\n".join(lines[1:i]), body, 1
    return "", source, 1  # unclosed: read as Markdown, reported by parse()


def _allowed(front: str, problems: list) -> tuple[str, ...]:
    import yaml

    try:
        meta = yaml.safe_load(front) if front.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problems.append((line, 1, f"the front matter is not valid YAML ({getattr(exc, 'problem', exc)})"))
        return ()
    if not isinstance(meta, dict):
        problems.append(
            (2, 1, "the front matter should be 'key: value' lines (expected e.g. allow: [\"Title 26\"])")
        )
        return ()
    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            problems.append((2, 1, f"unknown front-matter key {key!r} (expected one of: allow)"))
    allow = meta.get("allow") or []
    if not isinstance(allow, list) or not all(isinstance(a, str | int) for a in allow):
        problems.append((2, 1, "'allow' should be a list of phrases, e.g. allow: [\"Title 26\"]"))
        return ()
    return tuple(str(a) for a in allow)


# --------------------------------------------------------------------------- parsing


def masked(source: str) -> str:
    """The source with every reference blanked (same length): where typed text is searched."""
    return re.sub(r"\{\{[^\n]*?(\}\}|$)", lambda m: " " * len(m.group(0)), source, flags=re.M)


def line_starts(source: str) -> list[int]:
    """The offset where each line begins, and one past the end (a block's last line ends
    one before the next entry)."""
    return [0, *(i + 1 for i, ch in enumerate(source) if ch == "\n"), len(source) + 1]


def locate(source: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line = source.count("\n", 0, offset)
    start = source.rfind("\n", 0, offset) + 1
    return line + 1, offset - start + 1


def _refs(source: str, tokens: list[Token]) -> list[Ref]:
    """Every reference in document order, located by finding its raw text in the source
    from where the previous one ended (a reference never spans lines)."""
    starts = line_starts(source)
    cursor, out = 0, []
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        cursor = max(cursor, starts[block.map[0]] if block.map else 0)
        for token in block.children:
            if token.type != "tf_ref":
                continue
            at = source.find(token.meta["raw"], cursor)
            at = at if at >= 0 else cursor
            line, column = locate(source, at)
            out.append(Ref(token.content, token.meta["raw"], line, column, token.meta["closed"]))
            token.meta["ref"] = out[-1]
            cursor = at + len(token.meta["raw"])
    return out


def parse(source: str) -> Document:
    """Parse a story file; never raises for what a desk wrote (problems are returned)."""
    problems: list[tuple[int, int, str]] = []
    front, body, fence = split_front_matter(source)
    if fence and body is source:
        problems.append((1, 1, "the front matter opened with '---' is never closed by a '---' line"))
    allow = _allowed(front, problems) if front else ()
    tokens = markdown().parse(body)
    return Document(body, tokens, _refs(body, tokens), allow, problems)
