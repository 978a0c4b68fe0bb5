"""Reader-facing words and tables built from an incident: every number in them is read from
the dataset and written by :mod:`taxfirewall.formatting`, never typed.

Plain-text functions (:func:`narrative`, :func:`key_events`, :func:`verification_summary`)
return unescaped strings; every ``*_html`` function chooses what to say and leaves the markup
to ``templates/story/fragments.html.j2``, which escapes all dataset text; a source is linked
only when its address is http(s) (:func:`taxfirewall.templating.link`). The tables of
figures and events are :mod:`taxfirewall.story_tables`; the back matter (corrections log,
methodology, sources) is :mod:`taxfirewall.backmatter`. Every word is a message in the
current language (:mod:`taxfirewall.i18n`).

Every fragment carries the classes MathJax skips (a notebook must never typeset "$59.4bn"
as maths), and each table its CSS for a notebook (:mod:`taxfirewall.tablestyle`), which the
report build drops.
"""

from __future__ import annotations

from . import asof, verification
from .backmatter import corrections_html as corrections_html  # notebooks show the log as story.*
from .data import Incident, select_events
from .i18n import _, n_
from .missing import present as _present
from .story_tables import EVENT_COLUMNS as EVENT_COLUMNS
from .story_tables import FIGURE_COLUMNS as FIGURE_COLUMNS
from .story_tables import count as _count
from .story_tables import event_date as _event_date
from .story_tables import events_table_html as events_table_html
from .story_tables import figures_table_html as figures_table_html
from .story_tables import html as _html
from .story_tables import scheduled as _scheduled
from .story_tables import source_link as source_link
from .story_tables import text as _text
from .verification import TIERS
from .verification import label as verification_label


def _join(items: list[str]) -> str:
    """'a and b', 'a; b; and c' (items may hold commas)."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return _("{first} and {second}", first=items[0], second=items[1])
    return _("{items}; and {last}", items="; ".join(items[:-1]), last=items[-1])


def _capital(text: str) -> str:
    """A sentence that a placeholder opens starts with a capital in every language."""
    return text[:1].upper() + text[1:]


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
        value = _("no exact count has been published; the best-supported range is {value}", value=value)
    words = {
        "label": _text(row["label"]),
        "value": value,
        "verification": verification_label(row["verification"]),
    }
    if row["share_text"] and _present(row["share_label"]):
        return _(
            "{label}: {value}, {share} of {whole} ({verification}).",
            share=row["share_text"],
            whole=row["share_label"],
            **words,
        )
    return _("{label}: {value} ({verification}).", **words)


def _spread_sentence(row) -> str:
    if not row["spread_text"]:
        return ""
    return _capital(_("The {n} {spread}.", n=_count(row["n_reported"]), spread=row["spread_text"]))


def funnel_sentences(incident: Incident) -> list[str]:
    """One sentence per funnel stage: its preferred value and its share of the stage before."""
    out = []
    for _i, row in incident.funnel.iterrows():
        spread = _spread_sentence(row)
        out.append(_stage_sentence(row) + (f" {spread}" if spread else ""))
    return out


def context_sentences(incident: Incident) -> list[str]:
    """One sentence per context figure (never part of the funnel): its preferred value and
    how well it is established."""
    out = []
    for _i, r in incident.context.iterrows():
        spread = _spread_sentence(r)
        sentence = _(
            "{label}: {value} ({verification}).",
            label=_text(r["label"]),
            value=r["value_text"],
            verification=verification_label(r["verification"]),
        )
        out.append(sentence + (f" {spread}" if spread else ""))
    return out


def key_events(incident: Incident, start=None, end=None, categories=None) -> list[str]:
    """'April 7, 2025: IRS–DHS agreement signed' for each key moment (highlighted, dated and
    resting on a source), its caveat in brackets when its verification is weak."""
    tl = select_events(incident.timeline, start, end, categories)
    moments = []
    for _i, r in tl[tl["key"] & ~tl["undated"]].iterrows():
        moment = _("{date}: {title}", date=_event_date(r), title=_text(r["title"]))
        moment = verification.with_caveat(moment, r["verification"])
        moments.append(_scheduled(moment) if r["upcoming"] else moment)
    return moments


def verification_summary(incident: Incident) -> list[str]:
    """What is confirmed (court records) and what is not (anonymous, not found), for the
    preferred figures, all reported values and the events."""
    pref = incident.preferred
    out = []
    for _i, heading, members in TIERS:
        labels = [_text(r["label"]) for _i, r in pref.iterrows() if _text(r["verification"]) in members]
        if labels:
            out.append(_("{heading}: {items}.", heading=_(heading), items=_join(labels)))
    tiers = {key: members for key, _i, members in TIERS}
    out.append(_values_sentence(incident.reported_values["verification"].astype(str), tiers))
    out += _events_sentences(incident.timeline, tiers)
    return out


def _values_sentence(rv, tiers: dict) -> str:
    """How well all reported values are established, counted by tier."""

    def n_of(statuses) -> int:
        return int(rv.isin(statuses).sum())

    confirmed, estimated = n_of(tiers["confirmed"]), n_of(tiers["estimated"])
    return _(
        "{of_all}, {confirmed} and {on_record} from official reports or named sources; {estimated}. "
        "Unverified: {anonymous} from anonymous sources, {unverified} not independently verified "
        "and {not_found} unconfirmed by any public source.",
        of_all=n_(
            "Of all {count} reported value collected",
            "Of all {count} reported values collected",
            len(rv),
            count=_count(len(rv)),
        ),
        confirmed=n_(
            "{count} comes from court records",
            "{count} come from court records",
            confirmed,
            count=_count(confirmed),
        ),
        on_record=_count(n_of(tiers["on-record"])),
        estimated=n_("{count} is an estimate", "{count} are estimates", estimated, count=_count(estimated)),
        anonymous=_count(n_of(["anonymous_sources"])),
        unverified=_count(n_of(["not_independently_verified"])),
        not_found=_count(n_of(["not_found"])),
    )


def _events_sentences(tl, tiers: dict) -> list[str]:
    """How well the timeline's events are established; the unconfirmed ones by name."""
    ev = tl["verification"].astype(str)
    anon, missing = tl[ev == "anonymous_sources"], tl[ev == "not_found"]
    in_court = int(ev.isin(tiers["confirmed"]).sum())
    words = {
        "of_events": n_(
            "Of the {count} event on the timeline",
            "Of the {count} events on the timeline",
            len(tl),
            count=_count(len(tl)),
        ),
        "in_court": n_(
            "{count} is documented in court records",
            "{count} are documented in court records",
            in_court,
            count=_count(in_court),
        ),
        "anonymous": n_(
            "{count} rests on anonymous sources",
            "{count} rest on anonymous sources",
            len(anon),
            count=_count(len(anon)),
        ),
    }
    if len(anon):
        out = [_("{of_events}, {in_court} and {anonymous} ({titles}).", titles=_join(_titles(anon)), **words)]
    else:
        out = [_("{of_events}, {in_court} and {anonymous}.", **words)]
    if len(missing):
        out.append(
            n_(
                "Unconfirmed: {count} claim could not be corroborated by any public source and is not stated "
                "as fact: {titles}.",
                "Unconfirmed: {count} claims could not be corroborated by any public source and are not stated "
                "as fact: {titles}.",
                len(missing),
                count=_count(len(missing)),
                titles=_join(_titles(missing)),
            )
        )
    return out


def _titles(events) -> list[str]:
    return [_text(t) for t in events["title"]]


def narrative_blocks(
    incident: Incident, *, as_of_date: str | None = None
) -> list[tuple[str, list[str], bool]]:
    """The story as blocks of plain text (escape before putting them in HTML), each a lead
    sentence with the items that follow it (a list on the page; ``True``: numbered): what
    the data covers, each funnel stage with its share of the one before, the context
    figures, the timeline's span. :func:`verification_summary` says what is confirmed."""
    incident = incident.with_as_of(as_of_date)
    blocks = [
        (
            _(
                "This report draws on {values} reported values for {figures} figures from {sources} sources, "
                "current to {date}. Where sources disagree every value is kept, and one is preferred for a "
                "stated reason: the table of figures gives each reason.",
                values=_count(len(incident.figures)),
                figures=_count(len(incident.preferred)),
                sources=_count(len(incident.sources)),
                date=asof.text(incident),
            ),
            [],
            False,
        )
    ]
    funnel = incident.funnel
    if len(funnel):
        lead = n_(
            "The funnel has {count} stage, widest first.",
            "The funnel has {count} stages, widest first.",
            len(funnel),
            count=_count(len(funnel)),
        )
        blocks.append((lead, funnel_sentences(incident), True))
    context = context_sentences(incident)
    if context:
        blocks.append((_("Other figures give context and are never added into the funnel."), context, False))
    if len(incident.timeline):
        blocks.append((timeline_sentence(incident), [], False))
    n_corr = len(incident.corrections)
    blocks.append(
        (
            _("Corrections logged since publication: {count}; the log is at the end.", count=_count(n_corr))
            if n_corr
            else _("No corrections have been logged since publication."),
            [],
            False,
        )
    )
    return blocks


def timeline_sentence(incident: Incident) -> str:
    """The timeline's span: how many events, from when to when, how many are scheduled,
    dated only roughly or not dated at all."""
    tl = incident.timeline
    dated = tl[~tl["undated"]]
    past = dated[~dated["upcoming"]]
    n = len(tl)
    sentence = n_("The timeline has {count} event", "The timeline has {count} events", n, count=_count(n))
    if len(past):
        first, last = _event_date(past.iloc[0]), _event_date(past.iloc[-1])
        sentence = _("{events}, from {first} to {last}", events=sentence, first=first, last=last)
    upcoming = int(dated["upcoming"].sum())
    if upcoming:
        sentence = n_(
            "{events}; {count} event is scheduled after {date}",
            "{events}; {count} events are scheduled after {date}",
            upcoming,
            events=sentence,
            count=_count(upcoming),
            date=asof.text(incident),
        )
    vague = int(dated["date_precision"].astype(str).isin(["month", "year"]).sum())
    sentence = n_(
        "{events}. {count} is dated only to the month or year",
        "{events}. {count} are dated only to the month or year",
        vague,
        events=sentence,
        count=_count(vague),
    )
    return _(
        "{events} and {count} could not be dated.", events=sentence, count=_count(int(tl["undated"].sum()))
    )


def narrative(incident: Incident, *, as_of_date: str | None = None) -> list[str]:
    """The story's paragraphs as plain text: each block of :func:`narrative_blocks` run on."""
    return [" ".join([lead, *items]) for lead, items, _ in narrative_blocks(incident, as_of_date=as_of_date)]


# --------------------------------------------------------------------------- HTML pieces
# What each fragment says is chosen here; templates/story/fragments.html.j2 marks it up.


def heading_html(text: str, level: int = 2) -> str:
    return _html("heading", str(text), min(max(int(level), 1), 6))


def narrative_html(incident: Incident, *, as_of_date: str | None = None) -> str:
    """The narrative as escaped HTML: stages and context figures as lists (they read one
    by one on a phone), the key moments as a list after the timeline paragraph."""
    incident = incident.with_as_of(as_of_date)
    moments = key_events(incident)
    timeline = timeline_sentence(incident) if len(incident.timeline) else None
    blocks = [
        {
            "lead": lead,
            "items": items,
            "ordered": ordered,
            "moments_head": _("Key moments:"),
            "moments": moments if lead == timeline else [],
        }
        for lead, items, ordered in narrative_blocks(incident, as_of_date=as_of_date)
    ]
    return _html("narrative", blocks)


def verification_html(incident: Incident) -> str:
    return _html("verification", verification_summary(incident))


# --------------------------------------------------------------------------- README findings


def findings_markdown(incident: Incident) -> str:
    """The README's findings, as markdown: the funnel, the context figures kept apart from
    it, and the key moments, every number formatted from the dataset."""
    lines = [_("**The funnel**, widest stage first:"), ""]
    lines += [f"- {sentence}" for sentence in funnel_sentences(incident)]
    context = [f"- {sentence}" for sentence in context_sentences(incident)]
    if context:
        lines += [
            "",
            _("**Not part of the funnel** (they count other things and are never added to it):"),
            "",
            *context,
        ]
    moments = key_events(incident)
    if moments:
        lines += ["", _("**Key moments:**"), "", *[f"- {m}" for m in moments]]
    lines += [
        "",
        _(
            "Data current to {date}; corrections logged: {count}.",
            date=as_of(incident),
            count=_count(len(incident.corrections)),
        ),
    ]
    return "\n".join(lines)
