"""Numbers and dates the way a newsroom writes them: "1.28 million", "47,289", "April 7, 2025".

How a reported value, a share or a spread reads lives in :mod:`taxfirewall.quantity`."""

from __future__ import annotations

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


def format_exact(n, unit: str | None = None) -> str:
    """A reported number without rounding it further: '1.28 million', '1.234 million',
    '$4,812,500' (not '$4.81 million'), '47,289'. Scale words only where they lose nothing."""
    n = int(n)
    for size, word in _SCALES:
        if abs(n) >= size:
            q = Decimal(n) / size
            if q == q.quantize(Decimal("0.001")):
                return f"{_prefix(unit)}{q.normalize():f} {word}"
            break
    return f"{_prefix(unit)}{n:,}"


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
