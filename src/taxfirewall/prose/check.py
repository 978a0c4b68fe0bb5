"""Checking a story file against its dataset before any kernel starts: every problem and
warning located as ``story.md:line:column``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import i18n
from ..data import Incident, _display_path
from ..errors import Problem
from .numbers import typed_numbers
from .refs import RefError, placement, resolve
from .syntax import Document, line_starts, locate, parse

STORY_FILE = "story.md"  # the English story; each other edition has story.<lang>.md
MAX_BYTES = 1_000_000


def story_file(lang: str | None = None) -> str:
    """The story's file name in ``lang`` (default: the current language): 'story.md' for
    English, 'story.es.md' for Spanish. An edition never falls back to another's story."""
    lang = i18n.check(lang or i18n.current())
    return STORY_FILE if lang == "en" else f"story.{lang}.md"


def story_path(incident: Incident, lang: str | None = None) -> Path:
    return Path(incident.folder) / story_file(lang)


@dataclass
class StoryCheck:
    """A parsed story (None when unreadable) with its errors and warnings."""

    document: Document | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def read(path: Path) -> tuple[str | None, str]:
    """(text, '') or (None, why it cannot be read)."""
    if path.stat().st_size > MAX_BYTES:
        return None, f"the story is larger than {MAX_BYTES:,} bytes"
    try:
        return path.read_text(encoding="utf-8"), ""
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start}): save the story as UTF-8"


def check_story(incident: Incident, lang: str | None = None) -> StoryCheck | None:
    """None when the incident has no story in ``lang`` (default: the current language);
    else what is wrong with it. References are resolved in ``lang``, so pass an incident
    loaded in that language."""
    path = story_path(incident, lang)
    if not path.is_file():
        return None
    where = f"{_display_path(Path(incident.folder))}/{path.name}"
    with i18n.use(lang):
        return _check(incident, path, where)


def _check(incident: Incident, path: Path, where: str) -> StoryCheck:
    def problem(line: int, column: int, message: str) -> Problem:
        return Problem(where, line, str(column), message)

    text, why = read(path)
    if text is None:
        return StoryCheck(None, [problem(1, 1, why)])
    doc = parse(text)
    errors = [problem(*p) for p in doc.problems + _reference_problems(incident, doc)]
    return StoryCheck(doc, errors, [problem(*w) for w in typed_numbers(doc)])


def alone(doc: Document) -> set[int]:
    """ids of the reference tokens that make up a whole top-level paragraph (placements)."""
    out = set()
    for i, token in enumerate(doc.tokens[1:], start=1):
        opener = doc.tokens[i - 1]
        if token.type != "inline" or opener.type != "paragraph_open" or opener.level != 0:
            continue
        kids = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
        if len(kids) == 1 and kids[0].type == "tf_ref":
            out.add(id(kids[0]))
    return out


def _reference_problems(incident: Incident, doc: Document) -> list[tuple[int, int, str]]:
    found = []
    whole = alone(doc)
    for block in doc.tokens:
        for token in block.children or []:
            if token.type == "image":
                found.append((*_image_at(doc, block), _IMAGE))
            if token.type != "tf_ref":
                continue
            ref = token.meta["ref"]
            if not ref.closed:
                found.append(
                    (ref.line, ref.column, "a reference opened with '{{' is not closed by '}}' on its line")
                )
                continue
            try:
                place = placement(ref.content)
                if place and id(token) not in whole:
                    raise RefError(
                        f"{{{{ {ref.content} }}}} places a {place.kind}: put it in a paragraph of its own"
                    )
                if not place:  # kept for the render: a checked story is never resolved twice
                    token.meta["text"] = resolve(incident, ref.content)
            except RefError as exc:
                found.append((ref.line, ref.column, str(exc)))
    return found


_IMAGE = "images are not placed from the story (a report must work offline): place a chart with {{ chart: funnel }}"


def _image_at(doc: Document, block) -> tuple[int, int]:
    start = line_starts(doc.source)[block.map[0]] if block.map else 0
    at = doc.source.find("![", start)
    return locate(doc.source, at if at >= 0 else start)
