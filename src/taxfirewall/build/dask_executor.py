"""Run the reports on a Dask distributed cluster: ``taxfirewall build --executor dask``.

Each report that needs a run becomes one Dask task. On a worker, the task executes the
notebook in a single-use ``python3`` kernel under the report's time limit, then renders its
page, executed notebook and thumbnail into bytes. The kernel is forked, as in a local build,
by the worker's own fork server (:mod:`.forkserver`), which the worker's first report starts
and which lives as long as the worker; kernels start fresh where the worker cannot fork or
has ``TAXFIREWALL_KERNELS=fresh``. Nothing is written into the out folder
by a worker: the build (the client) receives the bytes and writes every file atomically,
report by report as each ends, with the same state-file updates as a local build
(:func:`~taxfirewall.build.pages.write_rendered`). Planning, skipping unchanged reports,
``--only``, the shared runtime file and the index stay in the build process, so a Dask
build writes the same bytes and the same state as a local one.

Start a cluster from a checkout with the project installed
(``pip install -e '.[dask]'``, or ``make reports`` which installs the lock)::

    dask scheduler                              # listens on tcp://HOST:8786
    dask worker tcp://HOST:8786 --nthreads 1    # on each machine, from the checkout
    taxfirewall build --executor dask --scheduler tcp://HOST:8786

Each worker must run the same commit of the project (the same notebooks, package and
pinned libraries) from a checkout at the same path as the build's, so the notebook and data
folder paths the build sends resolve to the same files, and start kernels from the
``python3`` kernelspec of that environment. One thread per worker is enough: each report
runs in a kernel process of its own. Without ``--scheduler`` the build starts a
``LocalCluster`` on this machine of ``--jobs`` worker processes (default 2), one thread each.

A worker that dies mid-report (killed, out of memory, its machine gone): the scheduler runs
the report once more elsewhere (the build sets the scheduler's ``allowed-failures`` to
:data:`RETRIES_ON_WORKER_DEATH`; a task that raises is never retried, since a failing
notebook fails the same way twice); a second death fails that report in one line, its last
good page stays, the other reports finish and the build exits 1. Give a remote scheduler
``DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION=1.0`` so that a worker holds only the report
it runs, and a death costs no queued report a try. Ctrl-C cancels the reports not yet
started; one running on a worker finishes there, and its page is not written.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import report as page
from ..manifest import Plan
from ..paths import ROOT
from ..vendor import vega_bundle
from .console import write_problem
from .index import runtime_for_pages, shared_runtime
from .journal import Journal
from .lock import scratch_prefix
from .pages import Rendered, write_failed_copy, write_rendered
from .plan import RUNTIME_MODE
from .results import Result, Run, Status

RETRIES_ON_WORKER_DEATH = 1  # a report whose worker died runs once more, then fails
DEFAULT_WORKERS = 2  # LocalCluster worker processes when --jobs is not given
_forks: dict = {}  # on a worker: its fork server, once its first report started it
_forks_lock = threading.Lock()


@dataclass(frozen=True)
class Task:
    """What a worker needs to run one report (its dataset travels beside it, scattered once)."""

    plan: Plan
    timeout: float
    thumb: str | None  # key of the thumbnail from the last good build
    thumb_on_disk: bool  # that thumbnail is in the out folder
    alternates: list
    runtime: page.Runtime
    inline_js: str | None


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: the report's result and, when built, its rendered outputs;
    when it failed, its executed notebook (for ``_failed/``)."""

    result: Result
    rendered: Rendered | None = None
    failed_copy: str | None = None


def run_reports(
    todo: list[Plan],
    *,
    scheduler: str | None,
    journal: Journal,
    out: Path,
    incidents: Mapping,
    alternates: Mapping,
    jobs: int | None,
    timeout: float | None,
    progress: Callable[[int, int, Result], None],
) -> Run:
    """Run ``todo`` on the cluster at ``scheduler`` (None: a LocalCluster of ``jobs``
    workers) and write each report as it ends; as :func:`.pool.run_reports` does locally."""
    from .kernel import DEFAULT_TIMEOUT

    state = journal.state
    try:  # written by the build before any page that loads it
        record, problem = shared_runtime(out, state.runtime), None
    except OSError as exc:
        record, problem = None, write_problem(exc)
    runtime = runtime_for_pages(record)
    inline_js = vega_bundle() if RUNTIME_MODE == "inline" else None
    ordered = sorted(todo, key=lambda p: -float(state.record(p.report.slug).seconds or 0.0))
    tasks = [
        Task(
            plan=p,
            timeout=p.report.timeout or timeout or DEFAULT_TIMEOUT,
            thumb=state.record(p.report.slug).thumb,
            thumb_on_disk=p.report.outputs(out)["thumb"].is_file(),
            alternates=alternates.get(p.report.slug, []),
            runtime=runtime,
            inline_js=inline_js,
        )
        for p in ordered
    ]
    if problem is not None:  # the pages would load a runtime that is not there
        finished = [_failed(t.plan, problem) for t in tasks]
        for n, result in enumerate(finished, 1):
            progress(n, len(tasks), result)
        return Run(tuple(finished), False, None)
    with _client(scheduler, jobs) as client:
        finished, interrupted = _run_all(client, tasks, incidents, out, journal, progress)
    return Run(tuple(finished), interrupted, record)


@contextlib.contextmanager
def _client(scheduler: str | None, jobs: int | None) -> Iterator:
    """A client of the scheduler at ``scheduler``, or of a LocalCluster started here."""
    import dask
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        # one report per worker at a time: a dying worker takes no queued report with it
        with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
            cluster = LocalCluster(
                n_workers=max(1, jobs or DEFAULT_WORKERS),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        client.run_on_scheduler(_allowed_failures(RETRIES_ON_WORKER_DEATH))
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _allowed_failures(n: int) -> Callable:
    """A function for ``run_on_scheduler`` that sets how many worker deaths a task survives
    (made here, so it travels by value: the scheduler needs no taxfirewall)."""

    def set_on(dask_scheduler) -> None:
        dask_scheduler.allowed_failures = n

    return set_on


def _run_all(client, tasks: list[Task], incidents: Mapping, out: Path, journal: Journal, progress):
    """Submit every task, write each report as it comes back; the results in the order they
    ended, and whether Ctrl-C stopped them."""
    from distributed import as_completed

    data = {}  # each dataset sent to the cluster once
    for task in tasks:
        where = (task.plan.incident, task.plan.lang)
        if where not in data:
            incident = incidents.get(where)
            data[where] = None if incident is None else client.scatter(incident, hash=False)
    build = uuid.uuid4().hex[:8]
    futures = {
        client.submit(
            run_on_worker,
            task,
            data[(task.plan.incident, task.plan.lang)],
            key=f"taxfirewall-{task.plan.report.slug}-{build}",
            pure=False,
            retries=0,  # a notebook that raised fails again: only a worker's death is retried
        ): task
        for task in tasks
    }
    finished: list[Result] = []
    try:
        for future in as_completed(futures):
            finished.append(_written(future, futures[future], out, journal))
            progress(len(finished), len(tasks), finished[-1])
    except KeyboardInterrupt:
        client.cancel(list(futures))
        return finished, True
    return finished, False


def _written(future, task: Task, out: Path, journal: Journal) -> Result:
    """Write what a task sent back; the report's result."""
    from distributed import KilledWorker

    plan = task.plan
    try:
        outcome: Outcome = future.result()
    except KilledWorker:
        tries = RETRIES_ON_WORKER_DEATH + 1
        return _failed(plan, f"worker died while running {plan.report.slug} (tried {tries} times)")
    except Exception as exc:  # e.g. a worker without the project installed
        return _failed(plan, f"{type(exc).__name__}: {exc}")
    if outcome.rendered is None:
        if outcome.result.status is Status.FAILED:
            return write_failed_copy(outcome.result, plan, outcome.failed_copy, out)
        return outcome.result
    seconds = outcome.result.seconds
    return write_rendered(plan, outcome.rendered, out=out, journal=journal, elapsed=lambda: seconds)


def _failed(plan: Plan, why: str) -> Result:
    return Result(plan.report.slug, Status.FAILED, 0.0, f"{plan.report.notebook_label}: {why}")


def run_on_worker(task: Task, incident) -> Outcome:
    """On a worker: run the report's notebook in a fresh kernel under its time limit, then
    render its outputs. Never raises: a failure is the report's failed result."""
    from .kernel import Job, run_notebook
    from .pages import failed_copy, render_page
    from .startup import skip_optional_imports

    skip_optional_imports()  # a no-op once the worker has imported jsonschema
    with tempfile.TemporaryDirectory(prefix=scratch_prefix()) as tmp:
        job = Job(
            plan=task.plan,
            timeout=task.timeout,
            scratch=Path(tmp),
            thumb=task.thumb,
            forks=_worker_forks(task.plan),
        )
        watchdog = threading.Timer(task.timeout, _time_up, (job,))
        watchdog.daemon = True
        watchdog.start()
        try:
            nb = run_notebook(job, threading.Event())
        finally:
            watchdog.cancel()
        if isinstance(nb, Result):
            return Outcome(nb, failed_copy=failed_copy(job) if nb.status is Status.FAILED else None)
        try:
            rendered = render_page(
                job,
                nb,
                incident=incident,
                alternates=task.alternates,
                runtime=task.runtime,
                inline_js=task.inline_js,
                thumb_on_disk=task.thumb_on_disk,
            )
        except Exception as exc:  # a bug in rendering: the report fails, the build goes on
            return Outcome(_failed(task.plan, f"{type(exc).__name__}: {exc}"))
        return Outcome(Result(job.slug, Status.BUILT, job.elapsed()), rendered)


def _worker_forks(plan):
    """This worker's fork server (None where kernels start fresh), started by its first
    report and kept for its life: the libraries are imported once per worker, and each
    edition readied (:mod:`.warm`) before its first report here. The server ends when the
    worker does (its request pipe closes)."""
    from .forkserver import start_server

    with _forks_lock:
        if "server" not in _forks:
            scratch = Path(tempfile.mkdtemp(prefix=scratch_prefix()))
            _forks["server"] = start_server(scratch, ROOT)
            _forks["primed"] = set()
            atexit.register(_close_forks, _forks["server"], scratch)
        edition = (plan.incident, plan.lang)
        if _forks["server"] is not None and plan.incident is not None and edition not in _forks["primed"]:
            _forks["primed"].add(edition)
            _forks["server"].prime([edition])
        return _forks["server"]


def _close_forks(server, scratch: Path) -> None:
    if server is not None:
        server.close()
    shutil.rmtree(scratch, ignore_errors=True)


def _time_up(job) -> None:
    """The report's time limit passed: kill its kernel (it then fails as timed out)."""
    job.timed_out = True
    job.kill()
