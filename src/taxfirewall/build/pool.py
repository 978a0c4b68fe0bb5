"""Run the reports that need it, several at once in threads (one kernel each), while the
shared vega runtime is written beside them.

The longest report (by its last build) starts first, so no long one starts last. The main
thread watches the clock: a report over its time limit has its kernel killed and fails.
Ctrl-C kills every running kernel, lets no report start, and writes no further page.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from ..manifest import Plan
from ..report import ready as ready_pages
from ..vendor import vega_bundle
from .console import write_problem
from .forkserver import ForkServer
from .index import runtime_for_pages, shared_runtime
from .journal import Journal
from .kernel import DEFAULT_TIMEOUT, Job, run_notebook
from .lock import scratch_prefix
from .pages import keep_failed_copy, write_page
from .plan import RUNTIME_MODE, BuildState
from .results import Result, Run, Status


@dataclass(frozen=True)
class _Shared:
    """What every job's thread reads."""

    out: Path
    incidents: Mapping  # each dataset by (folder, language)
    alternates: Mapping  # each report's editions in other languages, by slug
    runtime: Future
    inline_js: str | None
    cancel: threading.Event
    journal: Journal


def run_reports(
    todo: list[Plan],
    *,
    journal: Journal,
    out: Path,
    incidents: Mapping,
    alternates: Mapping,
    jobs: int | None,
    timeout: float | None,
    progress: Callable[[int, int, Result], None],
    forks: ForkServer | None = None,
) -> Run:
    """Run ``todo`` with ``jobs`` kernels at once (default one per CPU); ``progress`` hears
    of each report as it ends (done so far, of how many, its result). ``forks``: the
    build's fork server (:mod:`.forkserver`), which forks every kernel (None: they start
    fresh)."""
    state = journal.state
    with (
        tempfile.TemporaryDirectory(prefix=scratch_prefix()) as tmp,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="runtime") as side,
    ):
        shared = _Shared(
            out=out,
            incidents=incidents,
            alternates=alternates,
            runtime=side.submit(shared_runtime, out, state.runtime),  # written while the kernels run
            inline_js=vega_bundle() if RUNTIME_MODE == "inline" else None,
            cancel=threading.Event(),
            journal=journal,
        )
        side.submit(ready_pages)  # imported and compiled while the first kernels start
        planned = [_job(p, state, Path(tmp), timeout, forks) for p in todo]
        planned.sort(key=lambda j: -float(state.record(j.slug).seconds or 0.0))
        finished, interrupted = _watch(planned, shared, max(1, jobs or os.cpu_count() or 1), progress)
    runtime = shared.runtime.result() if shared.runtime.exception() is None else None
    return Run(tuple(finished), interrupted, runtime)


def _job(
    plan: Plan, state: BuildState, scratch: Path, timeout: float | None, forks: ForkServer | None
) -> Job:
    return Job(
        plan=plan,
        timeout=plan.report.timeout or timeout or DEFAULT_TIMEOUT,
        scratch=scratch,
        thumb=state.record(plan.report.slug).thumb,
        forks=forks,
    )


def _watch(planned: list[Job], shared: _Shared, workers: int, progress) -> tuple[list[Result], bool]:
    """Run the jobs in a pool of threads, killing any over its time limit; the results in
    the order the jobs ended, and whether Ctrl-C stopped them."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="report")
    futures = {pool.submit(_one_report, job, shared): job for job in planned}
    pending, finished = set(futures), []
    try:
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                finished.append(_result(future, futures[future]))
                progress(len(finished), len(planned), finished[-1])
            now = time.monotonic()
            for job in (futures[f] for f in pending):
                if job.over_time(now):
                    job.timed_out = True
                    job.kill()
    except KeyboardInterrupt:
        shared.cancel.set()
        for job in planned:
            job.kill()
        pool.shutdown(wait=True, cancel_futures=True)
        return finished, True
    pool.shutdown(wait=True)
    return finished, False


def _result(future: Future, job: Job) -> Result:
    try:
        return future.result()
    except Exception as exc:  # a bug in rendering: the report fails, the build goes on
        message = f"{job.plan.report.notebook_label}: {type(exc).__name__}: {exc}"
        return Result(job.slug, Status.FAILED, 0.0, message)


def _one_report(job: Job, shared: _Shared) -> Result:
    """One report, in a worker thread: its notebook in a kernel, then its page."""
    if shared.cancel.is_set():
        return Result(job.slug, Status.CANCELLED)
    nb = run_notebook(job, shared.cancel)
    if isinstance(nb, Result):
        failed = nb.status is Status.FAILED and not shared.cancel.is_set()
        return keep_failed_copy(nb, job, shared.out) if failed else nb
    try:
        runtime = runtime_for_pages(shared.runtime.result())
    except OSError as exc:  # the shared runtime could not be written
        return Result(
            job.slug, Status.FAILED, job.elapsed(), f"{job.plan.report.notebook_label}: {write_problem(exc)}"
        )
    return write_page(
        job,
        nb,
        out=shared.out,
        incident=shared.incidents.get((job.plan.incident, job.plan.lang)),
        alternates=shared.alternates.get(job.slug, []),
        runtime=runtime,
        inline_js=shared.inline_js,
        cancel=shared.cancel,
        journal=shared.journal,
    )
