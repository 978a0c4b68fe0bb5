"""The story's tables of figures and events: every reported value of every figure with its
source, and the timeline's events. What each cell says is chosen here;
``templates/story/fragments.html.j2`` marks it up, escaping all dataset text. Shared with
:mod:`taxfirewall.story`: the small helpers that word a count, a date or a missing value."""

from __future__ import annotations

from . import verification
from .data import Incident, select_events
from .formatting import format_date, format_number
from .i18n import N_, _
from .missing import present as _present
from .tablestyle import notebook_css
from .templating import call, link
from .verification import label as verification_label


def text(x) -> str:
    return "" if not _present(x) else str(x)


def count(n) -> str:
    return format_number(int(n))


def scheduled(text: str) -> str:
    return _("{item} (scheduled)", item=text)


def event_date(r) -> str:
    return format_date(r["start"], r["end"], str(r["date_precision"]))


def html(fragment: str, *args) -> str:
    return call("story/fragments.html.j2", fragment, *args)


def source_link(url, text: str) -> str:
    """Escaped ``text``, linked to ``url`` only when it is an http(s) address."""
    source = link(url, text)
    return html("link", source["url"], source["text"])


def _source_of(incident: Incident, source_id: str) -> dict:
    match = incident.sources[incident.sources["source_id"] == source_id]
    if not len(match):
        return link("", source_id)
    s = match.iloc[0]
    outlet = text(s["outlet"])
    title_ = text(s["title"])
    return link(s["url"], f"{outlet}: {title_}" if title_ else outlet)


FIGURE_COLUMNS = [  # English; translated where used
    N_("Reported as"),
    N_("Reads as"),
    N_("Bounds the wording allows"),
    N_("Source"),
    N_("Attributed to"),
    N_("Verification"),
    N_("Preferred"),
]
EVENT_COLUMNS = [N_("Date"), N_("Event"), N_("What happened"), N_("Sources"), N_("Verification")]
_FIGURES_CAPTIONS = {
    "funnel": N_("Every reported value, by funnel stage, with its source"),
    "context": N_("Every reported value, by context figure, with its source"),
    "": N_("Every reported value, by figure, with its source"),
}


def _figure_group(incident: Incident, f) -> dict:
    """One figure's rows: its reported values, headed by its preferred value and why."""
    rv = incident.reported_values
    rows = [
        {
            "tier": verification.tier(v["verification"]),
            "preferred": bool(v["preferred"]),
            "cells": [
                text(v["as_reported"]),
                text(v["value_text"]),
                text(v["bounds_text"]),
                _source_of(incident, text(v["source_id"])),
                text(v["attributed_to"]),
                verification_label(v["verification"]),
                _("preferred") if v["preferred"] else "",
            ],
        }
        for _i, v in rv[rv["figure_id"] == f["figure_id"]].iterrows()
    ]
    return {
        "label": _("Stage {n}: {label}", n=count(f["stage"]), label=text(f["label"]))
        if _present(f["stage"])
        else text(f["label"]),
        "preferred": _(
            "Preferred: {value} ({verification}).",
            value=f["value_text"],
            verification=verification_label(f["verification"]),
        ),
        "reason": _("Why: {reason}", reason=text(f["preferred_reason"])),
        "rows": rows,
    }


def figures_table_html(incident: Incident, *, role: str | None = None) -> str:
    """Every reported value of every figure (or of one role: 'funnel', 'context'), grouped
    by figure: what was reported, the bounds it allows, its source, how well it is
    established, and which value is preferred and why."""
    pref = incident.preferred
    if role:
        pref = pref[pref["role"].astype(str) == role]
    pref = pref.assign(_order=pref["stage"].fillna(10**6)).sort_values(["_order"], kind="stable")
    return html(
        "figures_table",
        _(_FIGURES_CAPTIONS.get(role or "", _FIGURES_CAPTIONS[""])),
        [_(c) for c in FIGURE_COLUMNS],
        [_figure_group(incident, f) for _i, f in pref.iterrows()],
        notebook_css(),
    )


def events_table_html(incident: Incident, *, start=None, end=None, categories=None) -> str:
    """The timeline's events (optionally a date window and categories) as a table."""
    tl = select_events(incident.timeline, start, end, categories)
    rows = []
    for _i, r in tl.iterrows():
        note = text(r["seed_wording"])
        cells = [
            scheduled(event_date(r)) if r["upcoming"] else event_date(r),
            text(r["title"]),
            {
                "text": text(r["description"]),
                "note": note and _("Earlier accounts differ: {note}", note=note),
            },
            [_source_of(incident, sid) for sid in r["source_list"]],
            verification_label(r["verification"]),
        ]
        rows.append({"key": bool(r["key"]), "tier": verification.tier(r["verification"]), "cells": cells})
    head = [_(c) for c in EVENT_COLUMNS]
    return html("events_table", _("Timeline events, with sources"), head, rows, notebook_css())
