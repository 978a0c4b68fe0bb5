"""Reader-facing words and tables built from an incident: every number in them is read from
the dataset and written by :mod:`taxfirewall.formatting`, never typed.

Plain-text functions (:func:`narrative`, :func:`key_events`, :func:`verification_summary`)
return unescaped strings; every ``*_html`` function escapes all dataset text with
:func:`html.escape` and links a source only when its address starts with http:// or https://.
"""

from __future__ import annotations

from html import escape

from . import asof, dates, verification
from .data import Incident, select_events
from .formatting import format_date, format_number
from .missing import present as _present
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


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def heading_html(text: str, level: int = 2) -> str:
    level = min(max(int(level), 1), 6)
    return f"<h{level}>{escape(str(text))}</h{level}>"


def _list_html(items: list[str], ordered: bool = False, cls: str = "tf-list") -> str:
    tag = "ol" if ordered else "ul"
    return f'<{tag} class="{cls}">{"".join(f"<li>{escape(i)}</li>" for i in items)}</{tag}>'


def narrative_html(incident: Incident, *, as_of_date: str | None = None) -> str:
    """The narrative as escaped HTML: stages and context figures as lists (they read one
    by one on a phone), the key moments as a list after the timeline paragraph."""
    incident = incident.with_as_of(as_of_date)
    moments = key_events(incident)
    parts = []
    for lead, items, ordered in narrative_blocks(incident, as_of_date=as_of_date):
        parts.append(_p(lead))
        if items:
            parts.append(_list_html(items, ordered))
        if lead.startswith("The timeline has") and moments:
            parts.append(
                f'<p class="tf-list-head">Key moments:</p>{_list_html(moments, cls="tf-list tf-moments")}'
            )
    return f'<div class="tf-narrative">{"".join(parts)}</div>'


def source_link(url, text: str) -> str:
    """Escaped ``text``, linked to ``url`` only when it is an http(s) address."""
    url = _text(url).strip()
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}" rel="noopener">{escape(text)}</a>'
    return escape(text)


def _source_cell(incident: Incident, source_id: str) -> str:
    match = incident.sources[incident.sources["source_id"] == source_id]
    if not len(match):
        return escape(source_id)
    s = match.iloc[0]
    outlet = _text(s["outlet"])
    title_ = _text(s["title"])
    label = f"{outlet}: {title_}" if title_ else outlet
    return source_link(s["url"], label)


def _row(cls: str, head: list[str], cells: list[str]) -> str:
    """One table row of already-escaped cells, each labelled with its column (a phone shows
    the label beside the value when the table turns into a list)."""
    tds = "".join(f'<td data-label="{escape(h, quote=True)}">{c}</td>' for h, c in zip(head, cells))
    return f'<tr class="{cls}">{tds}</tr>'


def _table(caption: str, head: list[str], body: str, cls: str) -> str:
    ths = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    return (
        f'<div class="table-wrap" role="region" aria-label="{escape(caption, quote=True)}" tabindex="0">'
        f'<table class="tf-table {cls}"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{ths}</tr></thead>{body}</table></div>"
    )


def figures_table_html(incident: Incident, *, role: str | None = None) -> str:
    """Every reported value of every figure (or of one role: 'funnel', 'context'), grouped
    by figure: what was reported, the bounds it allows, its source, how well it is
    established, and which value is preferred and why."""
    pref = incident.preferred
    if role:
        pref = pref[pref["role"].astype(str) == role]
    pref = pref.assign(_order=pref["stage"].fillna(10**6)).sort_values(["_order"], kind="stable")
    rv = incident.reported_values
    head = [
        "Reported as",
        "Reads as",
        "Bounds the wording allows",
        "Source",
        "Attributed to",
        "Verification",
        "Preferred",
    ]
    groups = []
    for _, f in pref.iterrows():
        stage = f"Stage {int(f['stage'])}: " if _present(f["stage"]) else ""
        preferred = f["value_text"]
        header = (
            f'<tr class="tf-figure"><th colspan="{len(head)}" scope="rowgroup">'
            f'<span class="tf-figure-label">{escape(stage + _text(f["label"]))}</span> '
            f'<span class="tf-figure-pref">Preferred: {escape(preferred)} '
            f"({escape(verification_label(f['verification']))}).</span> "
            f'<span class="tf-reason">Why: {escape(_text(f["preferred_reason"]))}</span></th></tr>'
        )
        rows = []
        for _, v in rv[rv["figure_id"] == f["figure_id"]].iterrows():
            tier = verification.tier(v["verification"])
            rows.append(
                _row(
                    f"tf-tier-{tier}{' tf-preferred' if v['preferred'] else ''}",
                    head,
                    [
                        escape(_text(v["as_reported"])),
                        escape(_text(v["value_text"])),
                        escape(_text(v["bounds_text"])),
                        _source_cell(incident, _text(v["source_id"])),
                        escape(_text(v["attributed_to"])),
                        escape(verification_label(v["verification"])),
                        "preferred" if v["preferred"] else "",
                    ],
                )
            )
        groups.append(f"<tbody>{header}{''.join(rows)}</tbody>")
    what = {"funnel": "funnel stage", "context": "context figure"}.get(role or "", "figure")
    return _table(f"Every reported value, by {what}, with its source", head, "".join(groups), "tf-figures")


def events_table_html(incident: Incident, *, start=None, end=None, categories=None) -> str:
    """The timeline's events (optionally a date window and categories) as a table."""
    tl = select_events(incident.timeline, start, end, categories)
    head = ["Date", "Event", "What happened", "Sources", "Verification"]
    rows = []
    for _, r in tl.iterrows():
        sources = ", ".join(_source_cell(incident, sid) for sid in r["source_list"])
        note = _text(r["seed_wording"])
        what = escape(_text(r["description"]))
        if note:
            what += f'<br><span class="tf-note">Earlier accounts differ: {escape(note)}</span>'
        cls = "tf-highlight " if bool(r["key"]) else ""
        when = _event_date(r) + (" (scheduled)" if r["upcoming"] else "")
        rows.append(
            _row(
                f"{cls}tf-tier-{verification.tier(r['verification'])}",
                head,
                [
                    escape(when),
                    escape(_text(r["title"])),
                    what,
                    sources,
                    escape(verification_label(r["verification"])),
                ],
            )
        )
    return _table("Timeline events, with sources", head, f"<tbody>{''.join(rows)}</tbody>", "tf-events")


def verification_html(incident: Incident) -> str:
    items = "".join(_p(text) for text in verification_summary(incident))
    return f'<div class="tf-verification">{items}</div>'


_RECORD_NAMES = {  # table: (id column, what a reader calls a row, the column that names it)
    "figure_definitions": ("figure_id", "figure", "label"),
    "figures": ("value_id", "reported value", "as_reported"),
    "events": ("event_id", "event", "title"),
    "sources": ("source_id", "source", "outlet"),
}


def _record_name(incident: Incident, table: str, record_id: str) -> tuple[str, str]:
    """(kind, name) of a corrected row in reader's words: ('event', 'IRS–DHS agreement
    signed'); a reported value is named with its figure's label. Ids stay in the data."""
    key, kind, column = _RECORD_NAMES.get(table, ("", table.replace("_", " "), ""))
    rows = incident.tables[table] if key else None
    match = rows[rows[key] == record_id] if rows is not None else []
    if not len(match):
        return kind, ""
    name = _text(match.iloc[0][column])
    if table == "figures":
        label = incident.figure_definitions.set_index("figure_id")["label"].get(
            match.iloc[0]["figure_id"], ""
        )
        name = f"{label}: {name}" if label else name
    return kind, name


def corrections_html(incident: Incident, *, heading: str = "h2") -> str:
    """The corrections log (shown in every report), or a line saying it is empty."""
    c = incident.corrections
    if len(c):
        head = ["Date", "What", "Item", "What changed", "Why"]
        names = [_record_name(incident, _text(r["table"]), _text(r["record_id"])) for _, r in c.iterrows()]
        rows = "".join(
            "<tr>"
            f"<td>{escape(format_date(r['date'], r['date'], 'day'))}</td>"
            f"<td>{escape(kind)}</td>"
            f"<td>{escape(name)}</td>"
            f"<td>{escape(_text(r['what_changed']))}</td>"
            f"<td>{escape(_text(r['why']))}</td></tr>"
            for (_, r), (kind, name) in zip(c.iterrows(), names)
        )
        body = _table("Corrections log", head, f"<tbody>{rows}</tbody>", "tf-corrections-table")
    else:
        body = "<p>No corrections have been logged since publication.</p>"
    return (
        f'<section class="tf-corrections" data-tf-section="corrections">'
        f"<{heading}>Corrections</{heading}>{body}</section>"
    )


def sources_html(incident: Incident) -> str:
    """Every source document, in the dataset's order."""
    items = []
    for _, s in incident.sources.iterrows():
        outlet, title_ = _text(s["outlet"]), _text(s["title"])
        published = ""
        if _present(s["published"]) and dates.precision_of(str(s["published"])):
            p = dates.precision_of(str(s["published"]))
            a, b = dates.window(str(s["published"]), p)
            published = format_date(a, b, p)
        url = _text(s["url"]).strip()
        head = source_link(url, title_ or outlet)
        bits = [f"<cite>{head}</cite>"]
        if title_:
            bits.append(escape(outlet))
        if published:
            bits.append(escape(published))
        items.append(
            f'<li id="source-{escape(_text(s["source_id"]), quote=True)}">{", ".join(bits)}. '
            f'<span class="tf-note">{escape(_text(s["verification"]))}</span></li>'
        )
    return f'<ol class="tf-sources">{"".join(items)}</ol>'


def methodology_html(incident: Incident) -> str:
    """How the numbers were collected and chosen, with the dataset's licence."""
    licences = [
        source_link(lic.get("path"), str(lic.get("title") or lic.get("name") or ""))
        for lic in incident.schema.descriptor.get("licenses", []) or []
    ]
    paras = [
        escape(
            f"Every figure here comes from the {_count(len(incident.sources))} sources listed below. Each value is "
            f"recorded as the source reported it, with the lowest and highest numbers its wording allows; "
            f"vague quantities stay ranges and are drawn as ranges. Where sources disagree, all values are kept "
            f"and one is preferred: a court record or official report over press roundings, an exact count over "
            f"a rounded one, a later correction over the original."
        ),
        escape(
            "Verification says how well each value or event is established, from court records to claims no "
            "public source corroborates; unverified claims are labelled and never stated as fact. Funnel stages "
            "measure one chain of the same people or records; context figures are never added into it."
        ),
    ]
    if licences:
        paras.append(f"Data licence: {', '.join(licences)}.")
    return "".join(f"<p>{p}</p>" for p in paras)


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
