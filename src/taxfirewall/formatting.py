"""Numbers the way a newsroom writes them: "1.28 million", "47,289", "about 2,000–2,400", "3.7%"."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .missing import present as _present

_SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"))
EN_DASH = "\u2013"
MONEY_UNITS = ("usd", "usd_per_person")  # units written with a leading "$"



def _prefix(unit: str | None) -> str:
    return "$" if unit in MONEY_UNITS else ""


def _scaled(n: float) -> tuple[str, str]:
    """Mantissa (to 2 decimals, trailing zeros dropped) and scale word, or digits with commas."""
    for size, word in _SCALES:
        if abs(n) >= size:
            q = (Decimal(n) / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            text = f"{q:f}".rstrip("0").rstrip(".")
            return text, word
    return f"{int(round(n)):,}", ""


def format_number(n, unit: str | None = None) -> str:
    """47289 -> '47,289'; 1280000 -> '1.28 million'; 96700000000 usd -> '$96.7 billion'."""
    if not _present(n):
        return "not known"
    text, word = _scaled(float(n))
    return f"{_prefix(unit)}{text}{' ' + word if word else ''}"


def _round_sig(n: float, sig: int, up: bool) -> int:
    if n <= 0:
        return 0
    step = 10 ** max(int(math.floor(math.log10(n))) - sig + 1, 0)
    return int((math.ceil if up else math.floor)(n / step) * step)


def format_span(low, high, unit: str | None = None) -> str:
    """Two numbers sharing one scale word: '1.2–1.28 million', '47,000–47,489'."""
    a, wa = _scaled(float(low))
    b, wb = _scaled(float(high))
    p = _prefix(unit)
    if wa == wb:
        return f"{p}{a}{EN_DASH}{b}{' ' + wb if wb else ''}"
    return f"{p}{a}{' ' + wa if wa else ''}{EN_DASH}{p}{b}{' ' + wb if wb else ''}"


def format_range(low, high, unit: str | None = None) -> str:
    """A range-only figure, rounded outward to two significant figures: 'about 2,000–2,400'."""
    lo, hi = _round_sig(float(low), 2, up=False), _round_sig(float(high), 2, up=True)
    about = "about " if (lo, hi) != (int(low), int(high)) else ""
    if lo == hi:
        return f"{about}{format_number(lo, unit)}"
    return f"{about}{format_span(lo, hi, unit)}"


def format_value(value, low, high, unit: str | None = None) -> str:
    """The preferred value: the point when there is one, else the range."""
    if _present(value):
        return format_number(value, unit)
    return format_range(low, high, unit)


def format_share(share=None, low=None, high=None) -> str:
    """0.0369 -> '3.7%'; a range of shares -> '4.2–5.0%'; under 10% keeps one decimal."""
    def pct(x: float) -> str:
        x *= 100
        return f"{x:.1f}" if x < 10 else f"{x:.0f}"

    if _present(share):
        return f"{pct(float(share))}%"
    if _present(low) and _present(high):
        a, b = pct(float(low)), pct(float(high))
        return f"{a}%" if a == b else f"{a}{EN_DASH}{b}%"
    return ""


def format_date(start, end, precision: str) -> str:
    """'April 7, 2025', 'June 2025', '2026', or 'date not found (2026)'."""
    start = pd.Timestamp(start)
    end = pd.Timestamp(end)
    if precision == "day":
        return f"{start:%B} {start.day}, {start.year}"
    if precision == "month":
        return f"{start:%B %Y}"
    if precision == "year":
        return f"{start.year}"
    years = f"{start.year}" if start.year == end.year else f"{start.year}{EN_DASH}{end.year}"
    return f"date not found ({years})"
