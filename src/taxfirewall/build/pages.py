"""Write a report's page from its executed notebook, or keep the failed run's notebook.

A page is written atomically, after its executed notebook and thumbnail, so a report that
fails at any point (a cell, a time limit, a read-only or full out folder) leaves its last
good page as it was; the executed copy of a failed run goes to ``_failed/<slug>.ipynb``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
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
    from ..manifest import Plan
    from .journal import Journal
    from .kernel import Job


@dataclass(frozen=True)
class Rendered:
    """A report's outputs as bytes and text, before anything is written (a Dask worker
    renders them; the build writes them)."""

    html: bytes
    executed: str  # the executed notebook's file text
    thumb: str | None  # the thumbnail drawn again (None: kept, or no chart)
    thumb_key: str | None
    keep_thumb: bool  # the thumbnail on disk is the one of this chart


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
    thumbnail (the thumbnail is drawn again only when its chart changed). Its seconds go
    to ``job.phases`` ("render", "write")."""
    started = time.monotonic()
    rendered = render_page(
        job,
        nb,
        incident=incident,
        alternates=alternates,
        runtime=runtime,
        inline_js=inline_js,
        thumb_on_disk=job.plan.report.outputs(out)["thumb"].is_file(),
    )
    if cancel.is_set():
        return Result(job.slug, Status.CANCELLED, job.elapsed())
    rendered_at = time.monotonic()
    result = write_rendered(job.plan, rendered, out=out, journal=journal, elapsed=job.elapsed)
    job.phases.update(render=rendered_at - started, write=time.monotonic() - rendered_at)
    return result


def render_page(
    job: Job,
    nb: nbformat.NotebookNode,
    *,
    incident,
    alternates: list[dict],
    runtime: page.Runtime,
    inline_js: str | None,
    thumb_on_disk: bool,
) -> Rendered:
    """The report's page, executed notebook and thumbnail, rendered but not written."""
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
    thumb_key = page.thumbnail_key(nb)
    keep_thumb = thumb_key is not None and thumb_key == job.thumb and thumb_on_disk
    thumb = None if keep_thumb or thumb_key is None else page.thumbnail_svg(nb)
    return Rendered(html.encode("utf-8"), nbformat.writes(nb) + "\n", thumb, thumb_key, keep_thumb)


def write_rendered(
    plan: Plan, rendered: Rendered, *, out: Path, journal: Journal, elapsed: Callable[[], float]
) -> Result:
    """Write a rendered report: executed notebook, thumbnail, then the page, each atomically,
    with the state file kept true around them (:mod:`.journal`)."""
    r, slug = plan.report, plan.report.slug
    outputs = r.outputs(out)
    thumb_key = rendered.thumb_key
    try:  # a read-only or full out folder fails this report (its last good page stays), not the build
        journal.begin(slug)  # killed from here on, the next build runs this report again
        write_atomic(outputs["executed"], rendered.executed)
        if rendered.thumb:
            write_atomic(outputs["thumb"], rendered.thumb)
        elif not rendered.keep_thumb:
            outputs["thumb"].unlink(missing_ok=True)
            thumb_key = None
        write_atomic(outputs["html"], rendered.html)
        outputs["failed"].unlink(missing_ok=True)
    except OSError as exc:
        return Result(slug, Status.FAILED, elapsed(), f"{r.notebook_label}: {write_problem(exc)}")
    built = Result(slug, Status.BUILT, elapsed(), size=len(rendered.html), thumb=thumb_key)
    journal.done(built)
    return built


def keep_failed_copy(result: Result, job: Job, out: Path) -> Result:
    """Copy the failed run's executed notebook, if any, to ``_failed/<slug>.ipynb``; the
    result says so when the copy could not be written."""
    return write_failed_copy(result, job.plan, failed_copy(job), out)


def failed_copy(job: Job) -> str | None:
    """The failed run's executed notebook as file text (None: the run wrote none)."""
    if not job.executed_path.is_file():
        return None
    nb = nbformat.read(job.executed_path, as_version=4)
    return nbformat.writes(strip_volatile(nb, input_path=job.plan.report.notebook_label)) + "\n"


def write_failed_copy(result: Result, plan: Plan, text: str | None, out: Path) -> Result:
    """Write ``text`` (a failed run's executed notebook) to ``_failed/<slug>.ipynb``."""
    if text is None:
        return result
    try:
        write_atomic(plan.report.outputs(out)["failed"], text)
    except OSError as exc:  # a read-only or full out folder: the failure itself still gets reported
        return replace(result, message=f"{result.message} (executed copy not kept: {write_problem(exc)})")
    return result
