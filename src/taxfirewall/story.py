"""Reader-facing words and tables built from an incident: every number in them is read from
the dataset and written by :mod:`taxfirewall.formatting`, never typed.

Plain-text functions (:func:`narrative`, :func:`key_events`, :func:`verification_summary`)
return unescaped strings; every ``*_html`` function chooses what to say and leaves the markup
to ``templates/story/fragments.html.j2``, which escapes all dataset text; a source is linked
only when its address is http(s) (:func:`taxfirewall.templating.link`). The back matter
(corrections log, methodology, sources) is :mod:`taxfirewall.backmatter`.

Every fragment carries the classes MathJax skips (a notebook must never typeset "$59.4bn"
as maths), and each table its CSS for a notebook (:mod:`taxfirewall.tablestyle`), which the
report build drops.
"""

from __future__ import annotations

from . import asof, verification
from .backmatter import corrections_html as corrections_html  # notebooks show the log as story.*
from .data import Incident, select_events
from .formatting import format_date, format_number
from .missing import present as _present
from .tablestyle import notebook_css
from .templating import call, link
from .verification import TIERS
from .verification import label as verification_label


def _text(x) -> str:
    return "" if not _present(x) else str(x)


def _count(n) -> str:
    return format_number(int(n))


def _n(n, singular: str, plural: str) -> str:
    """'1 event', '3 events', formatted from the count."""
    return f"{_count(n)} {singular if int(n) == 1 else plural}"


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


# --------------------------------------------------------------------------- titles and dates


def title(incident: Incident, title: str | None = None) -> str:
    """The report title: the one given, else the dataset's short title, else its title."""
    return title or str(incident.meta.get("short_title") or incident.title)


def credit(incident: Incident) -> str:
    return str(incident.meta.get("credit") or "")


def as_of(incident: Incident, as_of: str | None = None) -> str:
    """'June 8, 2026': the one date the data is current to (:mod:`taxfirewall.asof`)."""
    return asof.text(incident.with_as_of(as_of))


# --------------------------------------------------------------------------- narrative


def _stage_sentence(row) -> str:
    value = row["value_text"]
    if str(row["bound"]) == "range":
        value = f"no exact count has been published; the best-supported range is {value}"
    share = (
        f", {row['share_text']} of {row['share_label']}"
        if row["share_text"] and _present(row["share_label"])
        else ""
    )
    return f"{_text(row['label'])}: {value}{share} ({verification_label(row['verification'])})."


def _spread_sentence(row) -> str:
    if not row["spread_text"]:
        return ""
    return f"The {_count(row['n_reported'])} {row['spread_text']}."


def funnel_sentences(incident: Incident) -> list[str]:
    """One sentence per funnel stage: its preferred value and its share of the stage before."""
    out = []
    for _, row in incident.funnel.iterrows():
        spread = _spread_sentence(row)
        out.append(_stage_sentence(row) + (f" {spread}" if spread else ""))
    return out


def context_sentences(incident: Incident) -> list[str]:
    """One sentence per context figure (never part of the funnel): its preferred value and
    how well it is established."""
    out = []
    for _, r in incident.context.iterrows():
        spread = _spread_sentence(r)
        out.append(
            f"{_text(r['label'])}: {r['value_text']} ({verification_label(r['verification'])})."
            + (f" {spread}" if spread else "")
        )
    return out


def key_events(incident: Incident, start=None, end=None, categories=None) -> list[str]:
    """'April 7, 2025: IRS–DHS agreement signed' for each key moment (highlighted, dated and
    resting on a source), its caveat in brackets when its verification is weak."""
    tl = select_events(incident.timeline, start, end, categories)
    return [
        verification.with_caveat(f"{_event_date(r)}: {_text(r['title'])}", r["verification"])
        + (" (scheduled)" if r["upcoming"] else "")
        for _, r in tl[tl["key"] & ~tl["undated"]].iterrows()
    ]


def _event_date(r) -> str:
    return format_date(r["start"], r["end"], str(r["date_precision"]))


def verification_summary(incident: Incident) -> list[str]:
    """What is confirmed (court records) and what is not (anonymous, not found), for the
    preferred figures, all reported values and the events."""
    pref = incident.preferred
    out = []
    for _, heading, members in TIERS:
        labels = [_text(r["label"]) for _, r in pref.iterrows() if _text(r["verification"]) in members]
        if labels:
            out.append(f"{heading}: {_join(labels)}.")
    rv = incident.reported_values["verification"].astype(str)
    tiers = {key: members for key, _, members in TIERS}

    def n_of(statuses) -> int:
        return int(rv.isin(statuses).sum())

    confirmed, estimated = n_of(tiers["confirmed"]), n_of(tiers["estimated"])
    out.append(
        f"Of all {_n(len(rv), 'reported value', 'reported values')} collected, {_count(confirmed)} "
        f"{'comes' if confirmed == 1 else 'come'} from court records and {_count(n_of(tiers['on-record']))} from "
        f"official reports or named sources; {_count(estimated)} {'is an estimate' if estimated == 1 else 'are estimates'}. "
        f"Unverified: {_count(n_of(['anonymous_sources']))} from anonymous sources, "
        f"{_count(n_of(['not_independently_verified']))} not independently verified and "
        f"{_count(n_of(['not_found']))} unconfirmed by any public source."
    )
    tl = incident.timeline
    ev = tl["verification"].astype(str)
    anon = tl[ev == "anonymous_sources"]
    missing = tl[ev == "not_found"]
    in_court = int(ev.isin(tiers["confirmed"]).sum())
    sentence = (
        f"Of the {_n(len(tl), 'event', 'events')} on the timeline, {_count(in_court)} "
        f"{'is' if in_court == 1 else 'are'} documented in court records and "
        f"{_count(len(anon))} {'rests' if len(anon) == 1 else 'rest'} on anonymous sources"
    )
    if len(anon):
        sentence += f" ({_join([_text(t) for t in anon['title']])})"
    out.append(sentence + ".")
    if len(missing):
        out.append(
            f"Unconfirmed: {_n(len(missing), 'claim', 'claims')} could not be corroborated by any public source "
            f"and {'is' if len(missing) == 1 else 'are'} not stated as fact: {_join([_text(t) for t in missing['title']])}."
        )
    return out


def narrative_blocks(
    incident: Incident, *, as_of_date: str | None = None
) -> list[tuple[str, list[str], bool]]:
    """The story as blocks of plain text (escape before putting them in HTML), each a lead
    sentence with the items that follow it (a list on the page; ``True``: numbered): what
    the data covers, each funnel stage with its share of the one before, the context
    figures, the timeline's span. :func:`verification_summary` says what is confirmed."""
    incident = incident.with_as_of(as_of_date)
    pref = incident.preferred
    n_sources = len(incident.sources)
    blocks = [
        (
            f"This report draws on {_count(len(incident.figures))} reported values for "
            f"{_count(len(pref))} figures from {_count(n_sources)} sources, current to "
            f"{asof.text(incident)}. Where sources disagree every value is kept, and one is "
            f"preferred for a stated reason: the table of figures gives each reason.",
            [],
            False,
        )
    ]
    funnel = incident.funnel
    if len(funnel):
        blocks.append(
            (
                f"The funnel has {_n(len(funnel), 'stage', 'stages')}, widest first.",
                funnel_sentences(incident),
                True,
            )
        )
    context = context_sentences(incident)
    if context:
        blocks.append(("Other figures give context and are never added into the funnel.", context, False))
    tl = incident.timeline
    dated = tl[~tl["undated"]]
    past = dated[~dated["upcoming"]]
    if len(tl):
        sentence = f"The timeline has {_n(len(tl), 'event', 'events')}"
        if len(past):
            a, b = past.iloc[0], past.iloc[-1]
            sentence += f", from {_event_date(a)} to {_event_date(b)}"
        upcoming = int(dated["upcoming"].sum())
        if upcoming:
            sentence += f"; {_n(upcoming, 'event is', 'events are')} scheduled after {asof.text(incident)}"
        vague = int(dated["date_precision"].astype(str).isin(["month", "year"]).sum())
        sentence += f". {_count(vague)} {'is' if vague == 1 else 'are'} dated only to the month or year"
        sentence += f" and {_count(int(tl['undated'].sum()))} could not be dated."
        blocks.append((sentence, [], False))
    n_corr = len(incident.corrections)
    blocks.append(
        (
            f"Corrections logged since publication: {_count(n_corr)}; the log is at the end."
            if n_corr
            else "No corrections have been logged since publication.",
            [],
            False,
        )
    )
    return blocks


def narrative(incident: Incident, *, as_of_date: str | None = None) -> list[str]:
    """The story's paragraphs as plain text: each block of :func:`narrative_blocks` run on."""
    return [" ".join([lead, *items]) for lead, items, _ in narrative_blocks(incident, as_of_date=as_of_date)]


# --------------------------------------------------------------------------- HTML pieces
# What each fragment says is chosen here; templates/story/fragments.html.j2 marks it up.


def _html(fragment: str, *args) -> str:
    return call("story/fragments.html.j2", fragment, *args)


def heading_html(text: str, level: int = 2) -> str:
    return _html("heading", str(text), min(max(int(level), 1), 6))


def narrative_html(incident: Incident, *, as_of_date: str | None = None) -> str:
    """The narrative as escaped HTML: stages and context figures as lists (they read one
    by one on a phone), the key moments as a list after the timeline paragraph."""
    incident = incident.with_as_of(as_of_date)
    moments = key_events(incident)
    blocks = [
        {
            "lead": lead,
            "items": items,
            "ordered": ordered,
            "moments_head": "Key moments:",
            "moments": moments if lead.startswith("The timeline has") else [],
        }
        for lead, items, ordered in narrative_blocks(incident, as_of_date=as_of_date)
    ]
    return _html("narrative", blocks)


def source_link(url, text: str) -> str:
    """Escaped ``text``, linked to ``url`` only when it is an http(s) address."""
    source = link(url, text)
    return _html("link", source["url"], source["text"])


def _source_of(incident: Incident, source_id: str) -> dict:
    match = incident.sources[incident.sources["source_id"] == source_id]
    if not len(match):
        return link("", source_id)
    s = match.iloc[0]
    outlet = _text(s["outlet"])
    title_ = _text(s["title"])
    return link(s["url"], f"{outlet}: {title_}" if title_ else outlet)


FIGURE_COLUMNS = [
    "Reported as",
    "Reads as",
    "Bounds the wording allows",
    "Source",
    "Attributed to",
    "Verification",
    "Preferred",
]


def _figure_group(incident: Incident, f) -> dict:
    """One figure's rows: its reported values, headed by its preferred value and why."""
    rv = incident.reported_values
    stage = f"Stage {int(f['stage'])}: " if _present(f["stage"]) else ""
    rows = [
        {
            "tier": verification.tier(v["verification"]),
            "preferred": bool(v["preferred"]),
            "cells": [
                _text(v["as_reported"]),
                _text(v["value_text"]),
                _text(v["bounds_text"]),
                _source_of(incident, _text(v["source_id"])),
                _text(v["attributed_to"]),
                verification_label(v["verification"]),
                "preferred" if v["preferred"] else "",
            ],
        }
        for _, v in rv[rv["figure_id"] == f["figure_id"]].iterrows()
    ]
    return {
        "label": stage + _text(f["label"]),
        "preferred": f"Preferred: {f['value_text']} ({verification_label(f['verification'])}).",
        "reason": f"Why: {_text(f['preferred_reason'])}",
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
    what = {"funnel": "funnel stage", "context": "context figure"}.get(role or "", "figure")
    return _html(
        "figures_table",
        f"Every reported value, by {what}, with its source",
        FIGURE_COLUMNS,
        [_figure_group(incident, f) for _, f in pref.iterrows()],
        notebook_css(),
    )


def events_table_html(incident: Incident, *, start=None, end=None, categories=None) -> str:
    """The timeline's events (optionally a date window and categories) as a table."""
    tl = select_events(incident.timeline, start, end, categories)
    rows = []
    for _, r in tl.iterrows():
        note = _text(r["seed_wording"])
        cells = [
            _event_date(r) + (" (scheduled)" if r["upcoming"] else ""),
            _text(r["title"]),
            {"text": _text(r["description"]), "note": note and f"Earlier accounts differ: {note}"},
            [_source_of(incident, sid) for sid in r["source_list"]],
            verification_label(r["verification"]),
        ]
        rows.append({"key": bool(r["key"]), "tier": verification.tier(r["verification"]), "cells": cells})
    head = ["Date", "Event", "What happened", "Sources", "Verification"]
    return _html("events_table", "Timeline events, with sources", head, rows, notebook_css())


def verification_html(incident: Incident) -> str:
    return _html("verification", verification_summary(incident))


# --------------------------------------------------------------------------- README findings


def findings_markdown(incident: Incident) -> str:
    """The README's findings, as markdown: the funnel, the context figures kept apart from
    it, and the key moments, every number formatted from the dataset."""
    lines = ["**The funnel**, widest stage first:", ""]
    lines += [f"- {sentence}" for sentence in funnel_sentences(incident)]
    context = [f"- {sentence}" for sentence in context_sentences(incident)]
    if context:
        lines += [
            "",
            "**Not part of the funnel** (they count other things and are never added to it):",
            "",
            *context,
        ]
    moments = key_events(incident)
    if moments:
        lines += ["", "**Key moments:**", "", *[f"- {m}" for m in moments]]
    lines += [
        "",
        f"Data current to {as_of(incident)}; corrections logged: {_count(len(incident.corrections))}.",
    ]
    return "\n".join(lines)
