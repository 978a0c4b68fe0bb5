"""What each ``{{ reference }}`` of a story prints, worked out from the dataset by the same
code the charts use: amounts and shares by :mod:`taxfirewall.quantity` (through the
incident's views), dates by :mod:`taxfirewall.formatting`, verification words and caveats by
:mod:`taxfirewall.verification`.

:func:`resolve` returns the text, or raises :class:`RefError` saying what is wrong in the
desk's terms. Placements (``chart: funnel``, ``table: figures``) are recognised by
:func:`placement` and filled in by :mod:`taxfirewall.prose.render`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import asof, verification
from ..data import Incident
from ..formatting import format_date, format_number
from ..i18n import _, p_
from ..missing import present

CHARTS = ("funnel", "timeline")
TABLES = ("figures", "events", "verification", "corrections")
ACKNOWLEDGE = "unconfirmed"  # the modifier a not_found item must carry
# the same modifier as a Spanish story may write it: syntax, so any edition accepts either
ACKNOWLEDGED = (ACKNOWLEDGE, "sin confirmar")
FIGURE_FIELDS = (
    "value",
    "label",
    "share",
    "bounds",
    "spread",
    "reported",
    "as_reported",
    "source",
    "verification",
)
EVENT_FIELDS = ("date", "title", "verification")
COUNTS = ("sources", "figures", "values", "events", "stages", "corrections", "unconfirmed")
# fields that state the item itself: a weak one carries its caveat there, as on the charts
CAVEATED = {"value", "share", "bounds", "as_reported", "date", "title"}

_REF = re.compile(r"^(?P<target>[A-Za-z0-9][A-Za-z0-9_-]*)(?:\.(?P<field>[A-Za-z_]+))?$")
_PLACE = re.compile(r"^(?P<kind>chart|table)\s*:\s*(?P<name>\S+)$")


class RefError(ValueError):
    """A reference the dataset cannot fill in; the message is for the desk."""


@dataclass(frozen=True)
class Placement:
    kind: str  # "chart" or "table"
    name: str


def _split(content: str) -> tuple[str, list[str]]:
    head, *mods = [part.strip() for part in content.split("|")]
    return head, mods


def placement(content: str) -> Placement | None:
    """The chart or table a reference places, None for an inline reference; raises
    RefError for an unknown chart or table."""
    m = _PLACE.match(_split(content)[0])
    if not m:
        return None
    kind, name = m["kind"], m["name"]
    known = CHARTS if kind == "chart" else TABLES
    if name not in known:
        raise RefError(f"unknown {kind} {name!r} (expected one of: {', '.join(known)})")
    return Placement(kind, name)


def resolve(incident: Incident, content: str) -> str:
    """The reader's text for one inline reference (unescaped)."""
    head, mods = _split(content)
    mods = [ACKNOWLEDGE if " ".join(mod.split()) in ACKNOWLEDGED else mod for mod in mods]
    for mod in mods:
        if mod != ACKNOWLEDGE:
            raise RefError(
                f"unknown modifier {mod!r} (the only one is '| {ACKNOWLEDGE}', in Spanish '| sin confirmar')"
            )
    if head == "as_of":
        return asof.text(incident)
    if head.startswith("count."):
        return _count(incident, head.removeprefix("count."))
    m = _REF.match(head)
    if not m:
        raise RefError(
            f"cannot read {head!r} as a reference (expected an id such as F2 or E3, "
            "optionally with a field: F2.share, E3.date; or as_of, count.events, chart: funnel)"
        )
    figures, events = incident.preferred, incident.timeline
    target, field = m["target"], m["field"]
    if (figures["figure_id"] == target).any():
        row = figures[figures["figure_id"] == target].iloc[0]
        return _acknowledged(
            _figure(incident, row, field or "value"), row["verification"], field, mods, target
        )
    if (events["event_id"] == target).any():
        row = events[events["event_id"] == target].iloc[0]
        return _acknowledged(_event(row, field or "date"), row["verification"], field, mods, target)
    raise RefError(f"unknown id {target!r}: no figure_id in figure_definitions.csv or event_id in events.csv")


def _acknowledged(text_field: tuple[str, str], status, field, mods: list[str], target: str) -> str:
    """The text with its caveat where the field states the item; a not_found item only with
    ``| unconfirmed`` written out, which no other item may carry."""
    text, name = text_field
    is_claim = str(status) == verification.NOT_FOUND
    if is_claim and ACKNOWLEDGE not in mods:
        raise RefError(
            f"{target} is unconfirmed (verification not_found): write {{{{ {target}"
            f"{'.' + field if field else ''} | {ACKNOWLEDGE} }}}} so the reader is told"
        )
    if not is_claim and ACKNOWLEDGE in mods:
        raise RefError(
            f"'| {ACKNOWLEDGE}' is only for items no public source corroborates; {target} is not one"
        )
    return verification.with_caveat(text, status) if name in CAVEATED else text


def _figure(incident: Incident, row, field: str) -> tuple[str, str]:
    if field not in FIGURE_FIELDS:
        raise RefError(f"a figure has no field {field!r} (expected one of: {', '.join(FIGURE_FIELDS)})")
    fid = row["figure_id"]
    if field == "share":
        return _share(incident, fid), field
    if field == "spread":
        if not row["spread_text"]:
            raise RefError(f"{fid} has a single reported value: there is no spread to print")
        return str(row["spread_text"]), field
    values = {
        "value": row["value_text"],
        "label": row["sentence_label"],
        "bounds": row["bounds_text"],
        "reported": format_number(int(row["n_reported"])),
        "as_reported": _as_reported(row),
        "source": row["outlet"],
        "verification": verification.label(row["verification"]),
    }
    return str(values[field]) if present(values[field]) else "", field


def _as_reported(row):
    """The source's words as published; in another language with their meaning beside them
    (the translations table's gloss), never in their place."""
    gloss = row.get("as_reported_gloss")
    if not present(gloss) or not str(gloss) or str(gloss) == str(row["as_reported"]):
        return row["as_reported"]
    return p_("a source's words, glossed", "{quote} ({gloss})", quote=row["as_reported"], gloss=gloss)


def _share(incident: Incident, fid: str) -> str:
    funnel = incident.funnel
    row = funnel[funnel["figure_id"] == fid]
    if not len(row) or not row.iloc[0]["share_text"]:
        raise RefError(
            f"{fid} has no share: only a funnel stage after the first is a share of the stage before"
        )
    return str(row.iloc[0]["share_text"])


def _event(row, field: str) -> tuple[str, str]:
    if field not in EVENT_FIELDS:
        raise RefError(f"an event has no field {field!r} (expected one of: {', '.join(EVENT_FIELDS)})")
    if field == "title":
        return str(row["title"]), field
    if field == "verification":
        return verification.label(row["verification"]), field
    if bool(row["undated"]):
        raise RefError(f"{row['event_id']} has no known date (date_precision unknown)")
    when = format_date(row["start"], row["end"], str(row["date_precision"]))
    return (_("{item} (scheduled)", item=when) if bool(row["upcoming"]) else when), field


def _count(incident: Incident, what: str) -> str:
    if what not in COUNTS:
        raise RefError(f"unknown count {what!r} (expected one of: {', '.join('count.' + c for c in COUNTS)})")
    claims = (incident.timeline["verification"].astype(str) == verification.NOT_FOUND).sum() + (
        incident.figures["verification"].astype(str) == verification.NOT_FOUND
    ).sum()
    n = {
        "sources": len(incident.sources),
        "figures": len(incident.preferred),
        "values": len(incident.figures),
        "events": len(incident.timeline),
        "stages": len(incident.funnel),
        "corrections": len(incident.corrections),
        "unconfirmed": int(claims),
    }[what]
    return format_number(n)
