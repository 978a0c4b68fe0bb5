"""The files every page shares: the index of the reports and the vega runtime.

Both are written on every build, even when no report ran, so this module stays light: it
imports neither papermill, nbconvert nor altair.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
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

if TYPE_CHECKING:
    from .. import report as page

INDEX_TITLE = "taxfirewall reports"


def _page():
    """The page module (templates, Jinja, Babel), imported only when a page is rendered, so
    a build with nothing to do stays light."""
    from .. import report

    return report


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
            }
        )
    return entries


def index_key(work: BuildPlan, entries: list[dict]) -> str:
    """What the index is made of: its entries, every report's key (which covers the package's
    code, templates and translations) and the version it names."""
    keys = [work.keys[p.report.slug] for p in work.plans]
    text = json.dumps([entries, keys, INDEX_TITLE, __version__], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_index(work: BuildPlan, state: BuildState, out: Path) -> str:
    """Write ``index.html`` unless it is there and made of the same inputs as last time
    (``state.index``); returns the key of its inputs for the state file."""
    entries = index_entries(work, state, out)
    key = index_key(work, entries)
    path = out / "index.html"
    if key == state.index and path.is_file():
        return key
    page = _page()
    for entry in entries:
        entry["card"] = page.card_svg(entry["title"])
    html = page.render_index(entries, title=INDEX_TITLE, version=__version__)
    if not path.is_file() or path.read_text(encoding="utf-8") != html:
        write_atomic(path, html)
    return key


def shared_runtime(out: Path, cached: RuntimeRecord | None) -> RuntimeRecord | None:
    """The vega runtime file every page loads, written when missing or when the libraries
    that make it changed (None: pages inline the runtime)."""
    if RUNTIME_MODE != "shared":
        return None
    versions = library_versions(RUNTIME_VERSIONED)
    if cached is not None and cached.versions == versions and (out / cached.src).is_file():
        return cached
    return RuntimeRecord(_page().shared_runtime(out).src, versions)


def runtime_lost(state: BuildState, out: Path) -> bool:
    """The pages are current but their shared runtime file was deleted."""
    return RUNTIME_MODE == "shared" and state.runtime is not None and not (out / state.runtime.src).is_file()


def runtime_for_pages(record: RuntimeRecord | None) -> page.Runtime:
    return _page().Runtime(src=record.src if record is not None else None)
