"""The one-screen text summary of an incident (CLI output and reports/data-summary.md)."""

from __future__ import annotations

from .data import Incident
from .formatting import format_value


def summary_lines(incident: Incident) -> list[str]:
    s = incident.summary()
    lines = [f"{s['title']}", f"  folder: {s['folder']}", "  tables:"]
    width = max(len(n) for n in s["tables"])
    for name, rows in s["tables"].items():
        lines.append(f"    {name:<{width}}  {rows:>4} rows")
    lines.append(f"  figures: {s['figures']} ({s['funnel_stages']} funnel stages, {s['reported_values']} reported values)")
    lines.append(f"  events: {s['events']} ({s['undated_events']} with the date not found)")
    if s["date_range"]:
        lines.append(f"  date range: {s['date_range'][0]} to {s['date_range'][1]}")
    lines.append(f"  corrections: {s['corrections']}")
    lines.append("  funnel:")
    for _, r in incident.funnel.iterrows():
        lines.append(f"    {int(r['stage'])}. {r['label']}: {format_value(r['value'], r['low'], r['high'], r['unit'])}")
    lines.append(f"  dataset sha256: {s['fingerprint'][:16]}")
    return lines


def summary_markdown(incident: Incident) -> str:
    """The same summary as a markdown page, written by ``make reports``."""
    body = "\n".join(summary_lines(incident))
    return f"# Data summary: {incident.title}\n\n```\n{body}\n```\n"
