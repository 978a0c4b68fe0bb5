"""Reader-facing chart words shared by every chart, in one place: category names and
lists. Every word is a message (:mod:`taxfirewall.i18n`), written in the current language.

Each chart's own sentences live beside this file (``words/<chart>.py``). Verification
words come from :mod:`taxfirewall.verification`, amounts and shares from
:mod:`taxfirewall.quantity`, dates from :mod:`taxfirewall.formatting` and
:mod:`taxfirewall.asof`.
"""

from __future__ import annotations

from ...i18n import N_, _

# the schema's event categories (schema.py) in reader's words
CATEGORIES = {
    "request": N_("Request"),
    "agreement": N_("Agreement"),
    "data_transfer": N_("Data transfer"),
    "court_ruling": N_("Court ruling"),
    "appeal": N_("Appeal"),
    "resignation_or_removal": N_("Resignation or removal"),
    "lawsuit": N_("Lawsuit"),
    "disclosure_or_admission": N_("Disclosure or admission"),
    "report": N_("Report"),
}


def humanise(name: str) -> str:
    """'data_transfer' -> 'Data transfer': a dataset's enum value as a reader's name (in
    the current language for the schema's categories)."""
    if str(name) in CATEGORIES:
        return _(CATEGORIES[str(name)])
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def listed(items, sep: str = ", ") -> str:
    """Names in a run: 'Agreement, Court ruling, Appeal'."""
    return sep.join(items)


__all__ = ["CATEGORIES", "humanise", "listed"]
