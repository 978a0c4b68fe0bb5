"""What a Spanish reader sees in a page, an SVG or a Markdown file, and the English
interface words left in it (the scan every Spanish output is checked with).

Source wording stays as published (a quote, an outlet's name, a document's title), so the
incident's own source strings are taken out before scanning, and so are a few proper
names that are English by nature (a case's name)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd

from taxfirewall.translations import described_outlet

# whole words, any case: English words no Spanish sentence uses
WORDS = [
    "the",
    "of",
    "and",
    "from",
    "to",
    "with",
    "for",
    "by",
    "was",
    "were",
    "is",
    "are",
    "has",
    "have",
    "not",
    "than",
    "least",
    "about",
    "which",
    "this",
    "that",
    "stage",
    "stages",
    "source",
    "sources",
    "chart",
    "charts",
    "data",
    "reported",
    "preferred",
    "scale",
    "table",
    "tables",
    "skip",
    "report",
    "reports",
    "read",
    "contents",
    "confirmed",
    "unconfirmed",
    "verified",
    "court",
    "record",
    "official",
    "named",
    "anonymous",
    "estimate",
    "estimates",
    "upcoming",
    "appeal",
    "ruling",
    "rulings",
    "figure",
    "figures",
    "event",
    "events",
    "story",
    "timeline",
    "funnel",
    "notes",
    "note",
    "download",
    "embed",
    "back",
    "previous",
    "next",
    "share",
    "spread",
    "range",
    "people",
    "taxpayers",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
# capitalised month abbreviations (Spanish ones are lower-case: 'abr', 'may')
CASED = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec")
_WORD = re.compile(r"\b(" + "|".join(WORDS) + r")\b", re.IGNORECASE)
_CASED = re.compile(r"\b(" + "|".join(CASED) + r")\b")
_ATTRS = ("alt", "aria-label", "title", "placeholder", "aria-description")
_META = ("description", "og:title", "og:description", "twitter:title", "twitter:description")


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Reader(HTMLParser):
    """Collects reader text, leaving out what an element declares English (``lang="en"``:
    the link to the English edition is rightly in English)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0
        self._json = False
        self._langs: list[tuple[str, str]] = []

    def _english(self) -> bool:
        return bool(self._langs) and self._langs[-1][1].startswith("en")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang") or (self._langs[-1][1] if self._langs else "")
        if tag not in _VOID:
            self._langs.append((tag, lang))
        if not lang.startswith("en"):
            self.texts += [v for k, v in attrs.items() if k in _ATTRS and v]
            if tag == "meta" and (attrs.get("name") or attrs.get("property")) in _META:
                self.texts.append(attrs.get("content") or "")
        if tag in ("script", "style"):
            self._skip += 1
            self._json = tag == "script" and "json" in (attrs.get("type") or "")

    def handle_endtag(self, tag):
        while self._langs and self._langs.pop()[0] != tag:
            pass
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
            self._json = False

    def handle_data(self, data):
        if not self._skip and not self._english():
            self.texts.append(data)
        elif self._json and data.strip():
            self.texts += json_strings(json.loads(data))


def json_strings(value) -> list[str]:
    """Every string with a space in a JSON value (a chart spec's words; identifiers, colours
    and encoded images have none)."""
    if isinstance(value, str):
        return [value] if " " in value.strip() else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


def page_text(html: str) -> str:
    """A page's or an SVG's reader text: visible text, described attributes, chart specs."""
    reader = _Reader()
    reader.feed(html)
    return "\n".join(t for t in reader.texts if t.strip())


def source_wording(folder) -> list[str]:
    """The incident's words that stay as published, longest first."""
    cols = {
        "sources.csv": ("outlet", "title", "authors", "url"),
        "figures.csv": ("as_reported", "attributed_to"),
        "events.csv": ("seed_wording", "actors"),
    }
    out = set()
    for name, fields in cols.items():
        frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        for f in fields:
            # an outlet the desk describes ("MS NOW (column quoting ...)") is translated
            values = [v for v in frame.get(f, []) if not (f == "outlet" and described_outlet(v))]
            out.update(v.strip() for v in values if v.strip())
            out.update(p.strip() for v in values for p in v.split(";") if p.strip())
    return sorted(out, key=len, reverse=True)


def leftovers(text: str, allowed: list[str]) -> list[str]:
    """English words in ``text`` once the ``allowed`` wording is taken out, each with context."""
    text = " ".join(text.split())  # a label wrapped over lines reads as one line
    for phrase in allowed:
        text = text.replace(" ".join(phrase.split()), " ")
    found = []
    for pattern in (_WORD, _CASED):
        for m in pattern.finditer(text):
            found.append(f"{m.group(0)!r} in …{text[max(0, m.start() - 40) : m.end() + 40]!r}…")
    return found
