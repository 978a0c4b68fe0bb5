"""The files every page shares: the index of the reports and the vega runtime.

Both are written on every build, even when no report ran, so this module stays light: it
imports neither papermill, nbconvert nor altair.
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from .. import report as page
from ..manifest import Plan
from ..output import write_atomic
from .plan import (
    RUNTIME_MODE,
    RUNTIME_VERSIONED,
    BuildPlan,
    BuildState,
    Record,
    RuntimeRecord,
    library_versions,
)
from .results import PageStatus


def page_status(plan: Plan, key: str, record: Record, out: Path) -> PageStatus:
    """How the report's page stands against its inputs (``key``)."""
    has_html = plan.report.outputs(out)["html"].is_file()
    attempt = record.attempt
    if has_html and record.good == key:
        return PageStatus.CURRENT
    if attempt is not None and attempt.key == key and not attempt.ok:
        return PageStatus.STALE if has_html else PageStatus.FAILED
    return PageStatus.OUTDATED if has_html else PageStatus.MISSING


def index_entries(work: BuildPlan, state: BuildState, out: Path) -> list[dict]:
    """What the index shows of each report in the manifest (its template does the HTML)."""
    entries = []
    for plan in work.plans:
        r = plan.report
        outputs = r.outputs(out)
        status = page_status(plan, work.keys[r.slug], state.record(r.slug), out)
        entries.append(
            {
                "slug": r.slug,
                "lang": plan.lang,  # the language its title, dek and page are written in
                "title": r.title,
                "dek": r.dek,
                "status": status.value,
                "href": f"{r.slug}.html" if outputs["html"].is_file() else None,
                "thumb": f"_thumbs/{r.slug}.svg" if outputs["thumb"].is_file() else None,
                "card": page.card_svg(r.title),
            }
        )
    return entries


def write_index(work: BuildPlan, state: BuildState, out: Path) -> Path:
    """Write ``index.html`` (left untouched when it would not change)."""
    html = page.render_index(
        index_entries(work, state, out), title="taxfirewall reports", version=__version__
    )
    path = out / "index.html"
    if not path.is_file() or path.read_text(encoding="utf-8") != html:
        write_atomic(path, html)
    return path


def shared_runtime(out: Path, cached: RuntimeRecord | None) -> RuntimeRecord | None:
    """The vega runtime file every page loads, written when missing or when the libraries
    that make it changed (None: pages inline the runtime)."""
    if RUNTIME_MODE != "shared":
        return None
    versions = library_versions(RUNTIME_VERSIONED)
    if cached is not None and cached.versions == versions and (out / cached.src).is_file():
        return cached
    return RuntimeRecord(page.shared_runtime(out).src, versions)


def runtime_lost(state: BuildState, out: Path) -> bool:
    """The pages are current but their shared runtime file was deleted."""
    return RUNTIME_MODE == "shared" and state.runtime is not None and not (out / state.runtime.src).is_file()


def runtime_for_pages(record: RuntimeRecord | None) -> page.Runtime:
    return page.Runtime(src=record.src if record is not None else None)
