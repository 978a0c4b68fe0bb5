"""Reader-facing chart words shared by every chart, in one place (ready for a second
language): counts with their nouns, category names, lists, verbs that agree with a count.

Each chart's own sentences live beside this file (``words/<chart>.py``). Verification
words come from :mod:`taxfirewall.verification`, amounts and shares from
:mod:`taxfirewall.quantity`, dates from :mod:`taxfirewall.formatting` and
:mod:`taxfirewall.asof`.
"""

from __future__ import annotations

from collections.abc import Sized


def humanise(name: str) -> str:
    """'data_transfer' -> 'Data transfer': a dataset's enum value as a reader's name."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 event', '3 events' ('many' for an irregular plural)."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def agree(items: Sized, one: str, many: str) -> str:
    """The wording that agrees with how many ``items`` there are: 'is' / 'are'."""
    return one if len(items) == 1 else many


def listed(items, sep: str = ", ") -> str:
    """Names in a run: 'Agreement, Court ruling, Appeal'."""
    return sep.join(items)


__all__ = ["agree", "humanise", "listed", "plural"]
