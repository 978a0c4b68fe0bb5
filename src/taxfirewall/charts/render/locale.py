"""The current language's number and date conventions as a Vega locale (``config.locale``,
Vega-Lite 4.17+): d3-format and d3-time-format locale objects built from CLDR by Babel, so
anything Vega formats itself reads as the rest of the page ("1.234,5", "abr"). No name or
separator is written by hand."""

from __future__ import annotations

import re
from functools import cache

from babel import Locale
from babel.numbers import get_currency_symbol, get_decimal_symbol, get_group_symbol

# CLDR date-pattern fields -> d3-time-format directives ('-' drops d3's zero padding)
_FIELDS = {
    "yyyy": "%Y",
    "yy": "%y",
    "y": "%Y",
    "MMMM": "%B",
    "MMM": "%b",
    "MM": "%m",
    "M": "%-m",
    "dd": "%d",
    "d": "%-d",
    "EEEE": "%A",
    "EEE": "%a",
    "E": "%a",
    "HH": "%H",
    "H": "%-H",
    "hh": "%I",
    "h": "%-I",
    "mm": "%M",
    "ss": "%S",
    "a": "%p",
}
_TOKEN = re.compile(r"'[^']*'|([A-Za-z])\1*")
_NUMBER = re.compile(r"^([^#0,.]*)([#0,.]+)(.*)$")
CURRENCY = "USD"  # the amounts the incidents report


def d3_pattern(pattern: str) -> str:
    """A CLDR date pattern as a d3-time-format specifier: "d 'de' MMMM 'de' y" ->
    '%-d de %B de %Y' (quoted text kept, '%' escaped)."""
    out, at = [], 0
    for m in _TOKEN.finditer(pattern):
        out.append(pattern[at : m.start()].replace("%", "%%"))
        token = m.group(0)
        if token.startswith("'"):
            out.append(token[1:-1].replace("%", "%%") or "'")
        else:
            out.append(_FIELDS.get(token, _FIELDS.get(token[:4], token)))
        at = m.end()
    out.append(pattern[at:].replace("%", "%%"))
    return "".join(out)


def _number(loc: Locale) -> dict:
    pattern = loc.currency_formats["standard"].pattern.split(";")[0]
    prefix, _digits, suffix = _NUMBER.match(pattern).groups()  # '¤#,##0.00' / '#,##0.00 ¤'
    symbol = get_currency_symbol(CURRENCY, locale=loc)
    return {
        "decimal": get_decimal_symbol(loc),
        "thousands": get_group_symbol(loc),
        "grouping": [loc.decimal_formats[None].grouping[0]],
        "currency": [prefix.replace("¤", symbol), suffix.replace("¤", symbol)],
    }


def _time(loc: Locale) -> dict:
    def names(table: dict, keys) -> list[str]:
        return [table[k] for k in keys]

    days = (6, 0, 1, 2, 3, 4, 5)  # d3 starts the week on Sunday, Babel on Monday
    periods = loc.day_periods["format"]["abbreviated"]
    date, time = loc.date_formats["short"].pattern, loc.time_formats["medium"].pattern
    full = str(loc.datetime_formats["full"]).replace("{1}", loc.date_formats["full"].pattern)
    return {
        "dateTime": d3_pattern(full.replace("{0}", time)),
        "date": d3_pattern(date),
        "time": d3_pattern(time),
        "periods": [periods["am"], periods["pm"]],
        "days": names(loc.days["format"]["wide"], days),
        "shortDays": names(loc.days["format"]["abbreviated"], days),
        "months": names(loc.months["format"]["wide"], range(1, 13)),
        "shortMonths": names(loc.months["format"]["abbreviated"], range(1, 13)),
    }


@cache
def vega_locale(lang: str) -> dict:
    """``{"number": ..., "time": ...}`` for ``lang``, Vega's locale objects."""
    loc = Locale.parse(lang)
    return {"number": _number(loc), "time": _time(loc)}


__all__ = ["d3_pattern", "vega_locale"]
