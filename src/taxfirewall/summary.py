"""The one-screen text summary of an incident (CLI output and reports/data-summary.md), in
the current language (:mod:`taxfirewall.i18n`); table names are file names and stay as
they are."""

from __future__ import annotations

from .data import Incident
from .i18n import _, n_


def _rows(n: int) -> str:
    """'1 row', '4 rows'."""
    return n_("{count} row", "{count} rows", n, count=n)


def summary_lines(incident: Incident) -> list[str]:
    s = incident.summary()
    lines = [f"{s['title']}", "  " + _("folder: {folder}", folder=s["folder"]), "  " + _("tables:")]
    width = max(len(n) for n in s["tables"])
    for name, rows in s["tables"].items():
        lines.append(f"    {name:<{width}}  {_rows(rows):>9}")
    figures = _(
        "figures: {figures} ({stages}, {values})",
        figures=s["figures"],
        stages=n_(
            "{count} funnel stage", "{count} funnel stages", s["funnel_stages"], count=s["funnel_stages"]
        ),
        values=n_(
            "{count} reported value",
            "{count} reported values",
            s["reported_values"],
            count=s["reported_values"],
        ),
    )
    events = _(
        "events: {events} ({undated} with the date not found, {upcoming} scheduled after the as-of date)",
        events=s["events"],
        undated=s["undated_events"],
        upcoming=s["upcoming_events"],
    )
    lines += ["  " + figures, "  " + events]
    if s["date_range"]:
        lines.append(
            "  " + _("date range: {first} to {last}", first=s["date_range"][0], last=s["date_range"][1])
        )
    lines.append("  " + _("data current to: {date}", date=s["as_of"]))
    lines.append("  " + _("corrections: {count}", count=s["corrections"]))
    lines.append("  " + _("funnel:"))
    for _i, r in incident.funnel.iterrows():
        caveat = f" ({r['caveat']})" if r["caveat"] else ""
        lines.append(f"    {int(r['stage'])}. {r['label']}: {r['value_text']}{caveat}")
    lines.append("  " + _("dataset sha256: {digest}", digest=s["fingerprint"][:16]))
    return lines


def summary_markdown(incident: Incident) -> str:
    """The same summary as a markdown page, written by ``make reports`` (in Spanish when the
    current language is; wrap the call in ``i18n.use(lang)`` and load the incident in it)."""
    body = "\n".join(summary_lines(incident))
    return _("# Data summary: {title}", title=incident.title) + f"\n\n```\n{body}\n```\n"
