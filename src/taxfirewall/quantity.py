"""What a reported value lets a reader rely on, and the one set of words for it.

Each reported value carries a ``bound`` (see the codebook) saying which of its ``low`` and
``high`` the source supports. A bound that is only a storage convention (the 7,999,999
behind "more than 7 million") is never shown to a reader and never used as if reported:
:attr:`Quantity.supported` leaves it open (``None``). Shares and spreads are computed
from the supported ends only, with exact fractions, and rounded outward.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from babel.numbers import format_decimal

from . import i18n
from .formatting import EN_DASH, digits, format_exact, money
from .i18n import N_, _, p_
from .missing import present
from .verification import with_caveat

BOUNDS = (
    "exact",
    "rounded",
    "about",
    "more_than",
    "at_least",
    "fewer_than",
    "at_most",
    "nearly",
    "range",
    "vague",
)
POINTS = ("exact", "rounded", "about")  # the source gave a number
LOW_ONLY = ("more_than", "at_least")  # the high bound is a convention
HIGH_ONLY = ("fewer_than", "at_most")  # the low bound is a convention


# One-sided and 'nearly' wordings: the words, and the number the source gave (N), from the
# stored bound the codebook derives from it (low = N+1 for 'more than N', and so on).
_REPORTED_END = {
    "more_than": (N_("more than {n}"), lambda q: q.low - 1),
    "at_least": (N_("at least {n}"), lambda q: q.low),
    "fewer_than": (N_("fewer than {n}"), lambda q: q.high + 1),
    "at_most": (N_("at most {n}"), lambda q: q.high),
    "nearly": (N_("nearly {n}"), lambda q: q.high + 1),
}


def _int(x) -> int | None:
    return int(x) if present(x) else None


@dataclass(frozen=True)
class Quantity:
    """One reported (or preferred) value: its bound kind, numbers and the source's words."""

    bound: str
    value: int | None
    low: int
    high: int
    unit: str = ""
    as_reported: str = ""
    verification: str = ""  # its status, when a caveat must travel with it
    gloss: str = ""  # the source's words in the reader's language, when they differ (never replaces them)

    @classmethod
    def of(cls, row) -> Quantity:
        """From any row (Series or dict) with bound, value, low, high, unit, as_reported."""
        get = row.get
        return cls(
            bound=str(get("bound")),
            value=_int(get("value")),
            low=int(get("low")),
            high=int(get("high")),
            unit=str(get("unit")) if present(get("unit")) else "",
            as_reported=str(get("as_reported")) if present(get("as_reported")) else "",
            verification=str(get("verification")) if present(get("verification")) else "",
            gloss=str(get("as_reported_gloss")) if present(get("as_reported_gloss")) else "",
        )

    @property
    def is_point(self) -> bool:
        return self.bound in POINTS and self.value is not None

    @property
    def supported(self) -> tuple[int | None, int | None]:
        """The ends a reader may rely on; None where the wording sets no limit."""
        if self.is_point:
            return self.value, self.value
        if self.bound in LOW_ONLY:
            return self.low, None
        if self.bound in HIGH_ONLY:
            return None, self.high
        return self.low, self.high

    @property
    def extent(self) -> tuple[float, float]:
        """The supported ends with open ones at 0 and infinity: what every comparison uses."""
        lo, hi = self.supported
        return (0 if lo is None else lo), (math.inf if hi is None else hi)

    @property
    def drawn(self) -> float:
        """The number a chart compares stages by: the point, else the high bound."""
        return self.value if self.is_point else self.high

    @property
    def text(self) -> str:
        """The value in the direction and with the qualifier the source gave."""
        n = lambda x: format_exact(x, self.unit)  # noqa: E731  never rounds what the source gave
        b = self.bound
        if b in ("exact", "rounded") and self.value is not None:
            return n(self.value)
        if b == "about" and self.value is not None:
            return _("about {n}", n=n(self.value))
        if b in _REPORTED_END:
            words, end = _REPORTED_END[b]
            return _(words, n=n(end(self)))
        if b == "vague" and self.as_reported:
            if self.gloss:  # as published, then what it means in the reader's language
                return p_(
                    "a source's words, glossed", "{quote} ({gloss})", quote=self.as_reported, gloss=self.gloss
                )
            return self.as_reported
        return n(self.low) if self.low == self.high else _span(n(self.low), n(self.high))

    @property
    def cited(self) -> str:
        """The text with its verification caveat, if weak: 'thousands (anonymous sources)'."""
        return with_caveat(self.text, self.verification) if self.verification else self.text

    @property
    def bounds_text(self) -> str:
        """Every digit of the ends a reader may rely on: '47,289', '2,000–2,364', '7,000,001 or more'."""
        d = lambda x: money(digits(x), self.unit, False)  # noqa: E731
        lo, hi = self.supported
        if self.is_point:
            lo, hi = self.low, self.high  # the interval the rounding allows
        if lo is None and hi is None:
            return _("not known")
        if hi is None:
            return _("{n} or more", n=d(lo))
        if lo is None:
            return _("up to {n}", n=d(hi))
        return d(lo) if lo == hi else f"{d(lo)}{EN_DASH}{d(hi)}"


def _span(a: str, b: str) -> str:
    """'2,000–2,364'; '2 million–10 million' shares its scale word: '2–10 million'."""
    word = a.rpartition(" ")[2]
    if " " in a and b.endswith(" " + word):
        a = a.rpartition(" ")[0]
    return f"{a}{EN_DASH}{b}"


# --------------------------------------------------------------------------- shares


@dataclass(frozen=True)
class Share:
    """A share of the previous stage: a point, or an interval whose open ends are None."""

    low: Fraction | None
    high: Fraction | None
    point: bool = False

    @property
    def known(self) -> bool:
        return self.low is not None or self.high is not None

    @property
    def shown(self) -> tuple[Fraction | None, Fraction | None]:
        """The displayed ends as fractions of one, rounded outward (a point: to nearest)."""
        places = _places(self.low if self.low is not None else self.high)
        step = Fraction(1, 100 * 10**places)
        if self.point:
            v = _round(self.low, step, "nearest")
            return v, v
        lo = None if self.low is None else _round(self.low, step, "down")
        hi = None if self.high is None else _round(self.high, step, "up")
        return lo, hi

    @property
    def text(self) -> str:
        """'3.7%', '3.1–15.5%', 'at most 4.3%', 'at least 12%'; '' when nothing is known."""
        if not self.known:
            return ""
        places = _places(self.low if self.low is not None else self.high)
        lo, hi = self.shown
        if lo is None:
            return _("at most {share}", share=percent(hi, places))
        if hi is None:
            return _("at least {share}", share=percent(lo, places))
        if lo == hi:
            return percent(lo, places)
        return percent(hi, places, low=lo)


def percent(x: Fraction, places: int, low: Fraction | None = None) -> str:
    """``x`` (a fraction of one) as a percentage with ``places`` decimals in the language's
    own pattern: '3.7%' / '3,7 %'; with ``low``, the range '3.1–15.5%' / '3,1–15,5 %'."""
    loc = i18n.locale()
    fmt = "#,##0" + ("." + "0" * places if places else "")
    num = lambda f: format_decimal(Decimal(f.numerator * 100) / Decimal(f.denominator), fmt, locale=loc)  # noqa: E731
    text = num(x) if low is None else f"{num(low)}{EN_DASH}{num(x)}"
    # the number sits where CLDR's pattern puts it: '#,##0%' (en), '#,##0\u00a0%' (es)
    return loc.percent_formats[None].pattern.replace("#,##0", text, 1)


def _places(x: Fraction | None) -> int:
    """Decimals of a percentage: one under 10%, two under 0.1%, none from 10% up."""
    if x is None or x >= Fraction(1, 10):
        return 0
    return 1 if x >= Fraction(1, 1000) else 2


def _round(x: Fraction, step: Fraction, how: str) -> Fraction:
    q = x / step
    n = math.floor(q) if how == "down" else math.ceil(q) if how == "up" else math.floor(q + Fraction(1, 2))
    return n * step


def share(this: Quantity, previous: Quantity) -> Share:
    """This stage over the previous one: a point when both are points, else the interval
    [this.low / previous.high, this.high / previous.low] of the supported ends."""
    if this.is_point and previous.is_point:
        if not previous.value:
            return Share(None, None)
        v = Fraction(this.value, previous.value)
        return Share(v, v, point=True)
    a, b = this.supported
    c, d = previous.supported
    # an open or zero end leaves that side of the share open: 'at most', 'at least'
    low = Fraction(a, d) if a and d else None
    high = Fraction(b, c) if b is not None and c else None
    return Share(low, high)


# --------------------------------------------------------------------------- spreads


def spread(values: list[Quantity]) -> tuple[Quantity, Quantity] | None:
    """The lowest and the highest of the reported values (by their supported ends), or
    None when every report reads the same."""
    if len({v.text for v in values}) < 2:
        return None
    lowest = min(values, key=lambda v: (v.extent[0], v.extent[1]))
    highest = max(values, key=lambda v: (v.extent[1], v.extent[0]))
    return lowest, highest


def _join(items: list[str]) -> str:
    return (
        items[0] if len(items) == 1 else _("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])
    )


def spread_text(values: list[Quantity]) -> str:
    """How the reports of one figure spread, covering every one of them: 'reports range
    from 1.2 million to more than 1.27 million'; where the lowest and the highest report
    read the same ('more than 12 million' holds 12.4 million too), every distinct wording:
    'reports give more than 12 million and 12.4 million'. '' when all reports agree. A
    weakly verified report carries its caveat: '… to thousands (anonymous sources)'."""
    ends = spread(values)
    if ends is None:
        return ""
    a, b = ends
    if a.text != b.text:
        return _("reports range from {low} to {high}", low=a.cited, high=b.cited)
    return _("reports give {values}", values=_join(list(dict.fromkeys(v.cited for v in values))))
