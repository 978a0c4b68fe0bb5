"""Write a report's page from its executed notebook, or keep the failed run's notebook.

A page is written atomically, after its executed notebook and thumbnail, so a report that
fails at any point (a cell, a time limit, a read-only or full out folder) leaves its last
good page as it was; the executed copy of a failed run goes to ``_failed/<slug>.ipynb``.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from .. import i18n
from .. import report as page
from ..notebook import strip_volatile
from ..output import write_atomic
from .console import write_problem
from .results import Result, Status

if TYPE_CHECKING:
    from .journal import Journal
    from .kernel import Job


def write_page(
    job: Job,
    nb: nbformat.NotebookNode,
    *,
    out: Path,
    incident,
    alternates: list[dict],
    runtime: page.Runtime,
    inline_js: str | None,
    cancel: threading.Event,
    journal: Journal,
) -> Result:
    """Render the report's page in its language, linking its editions in other languages
    (``alternates``: {"lang", "href"} each), and write it with its executed notebook and
    thumbnail (the thumbnail is drawn again only when its chart changed)."""
    r = job.plan.report
    with i18n.use(job.plan.lang):  # this thread only: pages in other languages render beside it
        html = page.render(
            nb,
            title=r.title,
            dek=r.dek,
            incident=incident,
            theme=job.plan.theme,
            notebook=r.notebook_label,
            parameters=job.plan.parameters,
            runtime=runtime,
            inline_js=inline_js,
            alternates=alternates,
        )
    outputs = r.outputs(out)
    thumb_key = page.thumbnail_key(nb)
    keep_thumb = thumb_key is not None and thumb_key == job.thumb and outputs["thumb"].is_file()
    thumb = None if keep_thumb or thumb_key is None else page.thumbnail_svg(nb)
    if cancel.is_set():
        return Result(job.slug, Status.CANCELLED, job.elapsed())
    data = html.encode("utf-8")
    try:  # a read-only or full out folder fails this report (its last good page stays), not the build
        journal.begin(job.slug)  # killed from here on, the next build runs this report again
        write_atomic(outputs["executed"], nbformat.writes(nb) + "\n")
        if thumb:
            write_atomic(outputs["thumb"], thumb)
        elif not keep_thumb:
            outputs["thumb"].unlink(missing_ok=True)
            thumb_key = None
        write_atomic(outputs["html"], data)
        outputs["failed"].unlink(missing_ok=True)
    except OSError as exc:
        return Result(job.slug, Status.FAILED, job.elapsed(), f"{r.notebook_label}: {write_problem(exc)}")
    built = Result(job.slug, Status.BUILT, job.elapsed(), size=len(data), thumb=thumb_key)
    journal.done(built)
    return built


def keep_failed_copy(result: Result, job: Job, out: Path) -> Result:
    """Copy the failed run's executed notebook, if any, to ``_failed/<slug>.ipynb``; the
    result says so when the copy could not be written."""
    if not job.executed_path.is_file():
        return result
    nb = nbformat.read(job.executed_path, as_version=4)
    nb = strip_volatile(nb, input_path=job.plan.report.notebook_label)
    try:
        write_atomic(job.plan.report.outputs(out)["failed"], nbformat.writes(nb) + "\n")
    except OSError as exc:  # a read-only or full out folder: the failure itself still gets reported
        return replace(result, message=f"{result.message} (executed copy not kept: {write_problem(exc)})")
    return result
