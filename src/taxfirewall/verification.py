"""How well an item is established, in one vocabulary for every surface.

A status weaker than a court record, an official report or a named source is always shown
beside the item (:func:`caveat`); a ``not_found`` item is never a key moment
(:func:`is_key`) and never stated as a bare fact.
"""

from __future__ import annotations

from .i18n import N_, _
from .missing import present

# marked here, translated where read (the language is chosen at run time)
LABELS = {
    "court_record": N_("court record"),
    "official_report": N_("official report"),
    "named_source": N_("named source"),
    "anonymous_sources": N_("anonymous sources"),
    "outlet_calculation": N_("the outlet's own calculation"),
    "model_estimate": N_("model estimate"),
    "not_independently_verified": N_("not independently verified"),
    "not_found": N_("unconfirmed: no public source corroborates it"),
}
STRONG = ("court_record", "official_report", "named_source")
NOT_FOUND = "not_found"

# How the story groups statuses, strongest first: (key, heading, members).
TIERS = (
    ("confirmed", N_("Confirmed in court records"), ("court_record",)),
    ("on-record", N_("From official reports or named sources"), ("official_report", "named_source")),
    (
        "estimated",
        N_("Estimates (an outlet's or a model's arithmetic)"),
        ("outlet_calculation", "model_estimate"),
    ),
    (
        "unverified",
        N_("Not verified (anonymous sources, not independently verified, or unconfirmed)"),
        ("anonymous_sources", "not_independently_verified", "not_found"),
    ),
)


def _code(status) -> str:
    return str(status) if present(status) else ""


def label(status) -> str:
    """'court record', 'anonymous sources' ... for any status, in reader's words."""
    code = _code(status)
    return _(LABELS[code]) if code in LABELS else code.replace("_", " ")


def is_weak(status) -> bool:
    """True when the status must be shown wherever the item appears."""
    return _code(status) not in STRONG


def caveat(status) -> str:
    """The label of a weak status, '' for a strong one: what a chart or sentence appends."""
    return label(status) if is_weak(status) else ""


def with_caveat(text: str, status) -> str:
    """'47,289' or '2,000 (anonymous sources)': the text with its caveat, if any, in brackets."""
    return bracketed(text, caveat(status))


def bracketed(text: str, note: str) -> str:
    """The text with a caveat already worked out (a chart row's), in brackets when there is one."""
    return f"{text} ({note})" if note else text


def is_key(highlight, status) -> bool:
    """A key moment: highlighted by the desk and resting on some source (never not_found)."""
    return bool(highlight) and _code(status) != NOT_FOUND


def tier(status) -> str:
    code = _code(status)
    for key, _heading, members in TIERS:
        if code in members:
            return key
    return "unverified"


def tier_heading(key: str) -> str:
    """A tier's heading in the current language: 'Confirmed in court records'."""
    return next(_(heading) for k, heading, _members in TIERS if k == key)


def short(status) -> str:
    """The caveat in the fewest words, for a chart label beside a date: 'unconfirmed'."""
    return _("unconfirmed") if _code(status) == NOT_FOUND else caveat(status)
