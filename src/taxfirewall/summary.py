"""The one-screen text summary of an incident (CLI output and reports/data-summary.md)."""

from __future__ import annotations

from .data import Incident


def _n(n: int, word: str) -> str:
    """'1 row', '4 rows'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_lines(incident: Incident) -> list[str]:
    s = incident.summary()
    lines = [f"{s['title']}", f"  folder: {s['folder']}", "  tables:"]
    width = max(len(n) for n in s["tables"])
    for name, rows in s["tables"].items():
        lines.append(f"    {name:<{width}}  {_n(rows, 'row'):>9}")
    lines.append(
        f"  figures: {s['figures']} ({_n(s['funnel_stages'], 'funnel stage')}, "
        f"{_n(s['reported_values'], 'reported value')})"
    )
    lines.append(
        f"  events: {s['events']} ({s['undated_events']} with the date not found, "
        f"{s['upcoming_events']} scheduled after the as-of date)"
    )
    if s["date_range"]:
        lines.append(f"  date range: {s['date_range'][0]} to {s['date_range'][1]}")
    lines.append(f"  data current to: {s['as_of']}")
    lines.append(f"  corrections: {s['corrections']}")
    lines.append("  funnel:")
    for _, r in incident.funnel.iterrows():
        caveat = f" ({r['caveat']})" if r["caveat"] else ""
        lines.append(f"    {int(r['stage'])}. {r['label']}: {r['value_text']}{caveat}")
    lines.append(f"  dataset sha256: {s['fingerprint'][:16]}")
    return lines


def summary_markdown(incident: Incident) -> str:
    """The same summary as a markdown page, written by ``make reports``."""
    body = "\n".join(summary_lines(incident))
    return f"# Data summary: {incident.title}\n\n```\n{body}\n```\n"
