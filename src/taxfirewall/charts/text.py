"""Text metrics shared by the chart layouts, measured once in Python for both renderers.

Widths are of DejaVu Sans: the widest face in the house font stack and the one matplotlib
uses, so text laid out to it fits in the browser too.
"""

from __future__ import annotations

from functools import lru_cache

from ..theme import MPL_FONT

# matplotlib's hinted glyphs at 11-14 px run up to about 3% wider than their outlines
SPARE = 1.03


@lru_cache(maxsize=1)
def _text_to_path():
    from matplotlib.textpath import TextToPath

    return TextToPath()


@lru_cache(maxsize=16384)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in px of ``text`` at ``size`` px."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family=MPL_FONT, size=size, weight="bold" if bold else "normal")
    return _text_to_path().get_text_width_height_descent(text, prop, ismath=False)[0]


def wrap(text: str, width: float, size: float, bold: bool = False, spare: float = SPARE) -> list[str]:
    """Greedy word wrap to ``width`` px, each width taken ``spare`` times (room for hinting);
    a word longer than a line is split by characters."""

    def fits(s: str) -> bool:
        return text_width(s, size, bold) * spare <= width

    lines: list[str] = []
    line = ""
    for word in str(text).split():
        trial = f"{line} {word}" if line else word
        if fits(trial):
            line = trial
            continue
        if line:
            lines.append(line)
        while len(word) > 1 and not fits(word):
            cut = 1
            while cut < len(word) - 1 and fits(word[: cut + 1]):
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines
