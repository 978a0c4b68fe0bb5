"""The back matter every report ends with: the corrections log, how the numbers were
collected (with the dataset's licence) and the list of sources. What each says is chosen
here; ``templates/story/backmatter.html.j2`` marks it up, escaping all dataset text and
linking a source only when its address is http(s) (:func:`taxfirewall.templating.link`).
The corrections table carries its CSS for a notebook (:mod:`taxfirewall.tablestyle`).
"""

from __future__ import annotations

from . import dates
from .data import Incident
from .formatting import format_date, format_number
from .i18n import N_, _
from .missing import present
from .tablestyle import notebook_css
from .templating import call, link


def _text(x) -> str:
    return str(x) if present(x) else ""


def _html(section: str, *args) -> str:
    return call("story/backmatter.html.j2", section, *args)


_RECORD_NAMES = {  # table: (id column, what a reader calls a row, the column that names it)
    "figure_definitions": ("figure_id", N_("figure"), "label"),
    "figures": ("value_id", N_("reported value"), "as_reported"),
    "events": ("event_id", N_("event"), "title"),
    "sources": ("source_id", N_("source"), "outlet"),
}


def _record_name(incident: Incident, table: str, record_id: str) -> tuple[str, str]:
    """(kind, name) of a corrected row in reader's words: ('event', 'IRS–DHS agreement
    signed'); a reported value is named with its figure's label. Ids stay in the data."""
    key, kind, column = _RECORD_NAMES.get(table, ("", table.replace("_", " "), ""))
    kind = _(kind) if key else kind
    rows = incident.tables[table] if key else None
    match = rows[rows[key] == record_id] if rows is not None else []
    if not len(match):
        return kind, ""
    name = _text(match.iloc[0][column])
    if table == "figures":
        label = incident.figure_definitions.set_index("figure_id")["label"].get(
            match.iloc[0]["figure_id"], ""
        )
        name = _("{label}: {value}", label=label, value=name) if label else name
    return kind, name


def corrections_html(incident: Incident, *, heading: str | None = "h2") -> str:
    """The corrections log (shown in every report), or a line saying it is empty; with no
    heading where a story places it under its own."""
    rows = []
    for _i, r in incident.corrections.iterrows():
        kind, name = _record_name(incident, _text(r["table"]), _text(r["record_id"]))
        date = format_date(r["date"], r["date"], "day")
        rows.append([date, kind, name, _text(r["what_changed"]), _text(r["why"])])
    return _html(
        "corrections",
        heading,
        _("Corrections"),
        _("No corrections have been logged since publication."),
        _("Corrections log"),
        [_("Date"), _("What"), _("Item"), _("What changed"), _("Why")],
        rows,
        notebook_css(),
    )


def _published(value) -> str:
    """A source's publication date in words, or "" when it has none."""
    p = dates.precision_of(str(value)) if present(value) else None
    if not p:
        return ""
    a, b = dates.window(str(value), p)
    return format_date(a, b, p)


def sources_html(incident: Incident) -> str:
    """Every source document, in the dataset's order."""
    items = []
    for _i, s in incident.sources.iterrows():
        outlet, title_ = _text(s["outlet"]), _text(s["title"])
        details = [outlet] if title_ else []
        details += [d for d in [_published(s["published"])] if d]
        items.append(
            {
                **link(s["url"], title_ or outlet),
                "id": _text(s["source_id"]),
                "details": details,
                "note": _text(s["verification"]),
            }
        )
    return _html("sources", items)


def methodology_html(incident: Incident) -> str:
    """How the numbers were collected and chosen, with the dataset's licence."""
    licences = [
        link(lic.get("path"), str(lic.get("title") or lic.get("name") or ""))
        for lic in incident.schema.descriptor.get("licenses", []) or []
    ]
    paras = [
        _(
            "Every figure here comes from the {n} sources listed below. Each value is recorded as the "
            "source reported it, with the lowest and highest numbers its wording allows; vague quantities "
            "stay ranges and are drawn as ranges. Where sources disagree, all values are kept and one is "
            "preferred: a court record or official report over press roundings, an exact count over a "
            "rounded one, a later correction over the original.",
            n=format_number(len(incident.sources)),
        ),
        _(
            "Verification says how well each value or event is established, from court records to claims "
            "no public source corroborates; unverified claims are labelled and never stated as fact. Funnel "
            "stages measure one chain of the same people or records; context figures are never added into it."
        ),
    ]
    return _html("methodology", paras, _("Data licence:"), licences)
