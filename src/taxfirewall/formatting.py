"""Numbers and dates the way a newsroom writes them: "1.28 million", "47,289", "April 7, 2025".

How a reported value, a share or a spread reads lives in :mod:`taxfirewall.quantity`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from babel.dates import format_date as _cldr_date
from babel.dates import format_skeleton
from babel.numbers import format_compact_decimal, format_decimal

from . import i18n
from .i18n import _, p_
from .missing import present as _present

_SCALES = (1_000_000_000, 1_000_000)  # scale words from a million up ("1.28 million"), never "47 thousand"
EN_DASH = "\u2013"
MONEY_UNITS = ("usd", "usd_per_person")  # units written as money: "$4.8 million", "4,8 millones de dólares"


def digits(n) -> str:
    """A whole number with the language's grouping: '47,289' / '47.289'."""
    return format_decimal(int(round(float(n))), locale=i18n.locale())


def _scaled(n: float, places: int) -> str:
    """``n`` in words from CLDR's long compact forms ('1.28 million', '1,28 millones')."""
    return format_compact_decimal(n, format_type="long", locale=i18n.locale(), fraction_digits=places)


def money(text: str, unit: str | None, scaled: bool) -> str:
    """``text`` as an amount of ``unit``: '$96.7 billion' / '96,7 mil millones de dólares'."""
    if unit not in MONEY_UNITS:
        return text
    if scaled:
        return p_("money with a scale word", "${n}", n=text)
    return p_("money", "${n}", n=text)


def format_number(n, unit: str | None = None) -> str:
    """47289 -> '47,289'; 1280000 -> '1.28 million'; 96700000000 usd -> '$96.7 billion'
    (in Spanish: '47.289', '1,28 millones', '96,7 mil millones de dólares')."""
    if not _present(n):
        return _("not known")
    n = float(n)
    for size in _SCALES:
        if abs(n) >= size:
            # rounded half up here, so Babel (half even) has nothing left to round
            q = (Decimal(n) / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            return money(_scaled(q * size, 2), unit, True)
    return money(digits(n), unit, False)


def format_exact(n, unit: str | None = None) -> str:
    """A reported number without rounding it further: '1.28 million', '1.234 million',
    '$4,812,500' (not '$4.81 million'), '47,289'. Scale words only where they lose nothing."""
    n = int(n)
    for size in _SCALES:
        if abs(n) >= size:
            q = Decimal(n) / size
            if q == q.quantize(Decimal("0.001")):
                return money(_scaled(n, 3), unit, True)
            break
    return money(digits(n), unit, False)


def format_date(start, end, precision: str) -> str:
    """'April 7, 2025', 'April 2025', '2026', or 'date not found (2026)' (CLDR's long
    forms: '7 de abril de 2025', 'abril de 2025')."""
    start = pd.Timestamp(start)
    end = pd.Timestamp(end)
    if precision == "day":
        return _cldr_date(start.date(), "long", locale=i18n.locale())
    if precision == "month":
        return format_skeleton("yMMMM", start.date(), locale=i18n.locale())
    if precision == "year":
        return f"{start.year}"
    years = f"{start.year}" if start.year == end.year else f"{start.year}{EN_DASH}{end.year}"
    return _("date not found ({years})", years=years)


def short_date(day, *, year: bool) -> str:
    """An axis date: 'Apr 7' / '7 abr', with the year 'Apr 7, 2025' / '7 abr 2025'."""
    return format_skeleton("yMMMd" if year else "MMMd", pd.Timestamp(day).date(), locale=i18n.locale())


def short_month(day, *, year: bool) -> str:
    """An axis month: 'Apr' / 'abr', with the year 'Apr 2025' / 'abr 2025'."""
    return format_skeleton("yMMM" if year else "MMM", pd.Timestamp(day).date(), locale=i18n.locale())
