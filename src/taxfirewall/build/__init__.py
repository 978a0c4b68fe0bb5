"""``taxfirewall build``: run the report notebooks and write ``reports/``.

1. Check ``reports.toml`` and every report's parameters against its notebook (no kernel).
2. Key each report by the sha256 of what it is made from (:mod:`.plan`). A report whose key
   matches the last good build (``reports/.build-state.json``) is skipped; this path
   imports neither papermill, nbconvert nor altair and takes well under a second.
3. Validate each dataset still to be used, in each language it is used in, before anything
   is written (:mod:`.preflight`; bad data, a story that does not check or a Spanish
   report of an incident with untranslated texts: the problem list, exit 2). A report's
   language is its ``lang`` parameter; its page is written in that language and links to
   its editions in other languages (:mod:`.editions`).
4. Execute the notebooks with papermill, each in a single-use ``python3`` kernel started in
   the project root (:mod:`.kernel`; on Linux forked warm from a server that imported the
   libraries once, :mod:`.forkserver`, and readied each dataset the reports read,
   :mod:`.warm`; it starts before step 3, which its imports overlap), several at once in threads (``--jobs``, default one per
   CPU; :mod:`.pool`), then convert each to HTML and write it atomically (:mod:`.pages`).
   With ``--executor dask`` the notebooks run and their pages render on the workers of a
   Dask cluster (``--scheduler``, or a LocalCluster), and this process writes what they
   send back, the same bytes and state (:mod:`.dask_executor`, which says how to start one).
   The build's process and its kernels leave out a slow optional import (:mod:`.startup`).
5. Write ``index.html`` (:mod:`.index`), the state file and a table of what happened
   (:mod:`.console`).

A failing notebook keeps its last good page; its executed copy goes to
``_failed/<slug>.ipynb`` and the message names the notebook, the cell and the exception;
the command exits 1 after the other reports are built. A page, index or state file that
cannot be written (read-only folder, full disk) fails the same way, in one line naming the
file and the reason, and leaves the file as it was. Ctrl-C kills the running kernels,
keeps every page already there intact and exits 1.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..manifest import SLUG, outputs_of
from ..paths import MANIFEST, REPORTS_DIR
from .console import Console, write_problem
from .index import runtime_lost, shared_runtime, write_index
from .journal import Journal
from .lock import FolderBusy, folder_lock
from .plan import BuildPlan, BuildState, checked_reports, load_state, plan_build, save_state
from .results import Result, Run, Status


@dataclass(frozen=True)
class Settings:
    """What a build was asked for."""

    manifest: str | Path
    out: Path
    jobs: int | None = None  # kernels at once (default: one per CPU)
    only: Sequence[str] = ()  # slugs (default: every report)
    force: bool = False  # run reports that are current too
    timeout: float | None = None  # seconds per report without a timeout of its own
    wait: bool = True  # for another build of the same out folder (else FolderBusy, exit 3)
    executor: str = "local"  # "dask": run the reports on a Dask cluster (:mod:`.dask_executor`)
    scheduler: str | None = None  # the Dask scheduler's address (None: a LocalCluster)


def build(
    manifest: str | Path = MANIFEST,
    out: str | Path = REPORTS_DIR,
    *,
    jobs: int | None = None,
    only: list[str] | None = None,
    force: bool = False,
    timeout: float | None = None,
    wait: bool = True,
    executor: str = "local",
    scheduler: str | None = None,
    stdout=None,
    stderr=None,
) -> int:
    """Build the reports; returns the exit status (0 ok, 1 a report failed or Ctrl-C).
    Raises ManifestError or DataError (exit 2) before anything runs."""
    console = Console(stdout, stderr)
    started = time.monotonic()
    settings = Settings(
        manifest, Path(out).absolute(), jobs, tuple(only or ()), force, timeout, wait, executor, scheduler
    )
    try:
        plans = checked_reports(manifest, settings.out, settings.only)  # bad input: nothing is created
        with contextlib.ExitStack() as stack:
            incidents, forks = _preflight(settings, plans, console, stack)  # bad data: nothing either
            with folder_lock(settings.out, wait=wait, say=lambda text: console.say(text, err=True)):
                return _build(settings, plans, console, started, incidents, forks)
    except FolderBusy as exc:
        console.say(str(exc), err=True)
        return 3
    except KeyboardInterrupt:
        console.say(
            "interrupted; reports already written are complete, nothing half-written was kept", err=True
        )
        return 1
    except OSError as exc:  # e.g. the out folder is a file, or unwritable before any report ran
        where = f"{exc.filename}: " if exc.filename else ""
        console.say(
            f"build failed: {where}{exc.strerror or exc}; pages already there were left as they were",
            err=True,
        )
        return 1


def _preflight(settings: Settings, plans: list, console: Console, stack: contextlib.ExitStack):
    """Validate and load the datasets of the reports to run, before the out folder is locked
    (so a refusal writes nothing): raises DataError. The state is read unlocked here; the
    build reads it again under the lock and loads any dataset a build since made necessary.
    Returns them and the build's fork server, started first so that its imports overlap the
    validation (None: the reports run elsewhere, or kernels start fresh)."""
    work = plan_build(plans, settings.out, load_state(settings.out), only=settings.only, force=settings.force)
    if not work.todo:  # the unchanged path: no dataset is read
        return {}, None
    forks = _fork_server(settings, work.todo, stack)
    from .preflight import load_incidents

    return load_incidents(work.todo, lambda text: console.say(text, err=True)), forks


def _fork_server(settings: Settings, todo: list, stack: contextlib.ExitStack):
    """A local build's fork server (:mod:`.forkserver`), asked to ready the editions the
    reports read (:mod:`.warm`); it ends with ``stack``."""
    if settings.executor != "local":
        return None
    from ..paths import ROOT
    from .forkserver import start_server
    from .lock import scratch_prefix
    from .preflight import editions_used

    scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix=scratch_prefix()))
    server = start_server(Path(scratch), ROOT)
    if server is not None:
        stack.callback(server.close)
        server.prime(editions_used(todo))
    return server


def _build(settings: Settings, plans: list, console: Console, started: float, incidents: dict, forks) -> int:
    out = settings.out
    state = load_state(out)
    work = plan_build(plans, out, state, only=settings.only, force=settings.force)
    if work.todo:  # checked before anything is removed or written
        from .preflight import load_incidents

        incidents = load_incidents(work.todo, lambda text: console.say(text, err=True), incidents)
    state = _skip_unchanged(work, _retire(work, state, console, out), console, out)
    journal = Journal(out, state, work.keys)  # the state file stays true while pages are written
    run = _run_todo(work, journal, settings, console, incidents, forks) if work.todo else Run()
    state = journal.state.after(run, work.keys)
    if not work.todo and runtime_lost(state, out):  # the pages are current, their runtime file was deleted
        state = state.with_runtime(shared_runtime(out, state.runtime))
    results = _in_order(work, run)
    unwritten = _write_index_and_state(work, state, out)  # read-only or full out folder: exit 1
    failed = [r for r in results if r.status is Status.FAILED]
    kept = [r for r in failed if work.plan_of(r.slug).report.outputs(out)["failed"].is_file()]
    console.summary(
        results,
        time.monotonic() - started,
        copies=out / "_failed" if kept else None,
        unwritten=unwritten,
        interrupted=run.interrupted,
    )
    return 1 if failed or run.interrupted or unwritten else 0


def _retire(work: BuildPlan, state: BuildState, console: Console, out: Path) -> BuildState:
    """Remove the pages of reports no longer in the manifest (only those this folder's
    builds wrote, as its state file records), so the folder holds what a fresh build of
    the same manifest would."""
    listed = {p.report.slug for p in work.plans}
    for slug in sorted(set(state.reports) - listed):
        if SLUG.fullmatch(slug):  # a state file names only files of our own making
            for path in outputs_of(slug, out).values():
                path.unlink(missing_ok=True)
            console.say(f"removed: {slug} (no longer in the report list)")
        state = state.without(slug)
    return state


def _skip_unchanged(work: BuildPlan, state: BuildState, console: Console, out: Path) -> BuildState:
    """Say which reports are current. One whose last attempt failed with other inputs is
    back to the inputs that built: that failure and its executed copy are stale."""
    todo = {p.report.slug for p in work.todo}
    for plan in work.selected:
        slug = plan.report.slug
        if slug in todo:
            continue
        console.skipped(slug)
        record = state.record(slug)
        if record.attempt is None or record.attempt.key != record.good:
            state = state.with_record(slug, record.back_to_good())
            plan.report.outputs(out)["failed"].unlink(missing_ok=True)
    return state


def _run_todo(
    work: BuildPlan, journal: Journal, settings: Settings, console: Console, incidents: dict, forks
) -> Run:
    """Run the reports (``incidents``: their datasets by folder and language, checked;
    ``forks``: a local build's fork server)."""
    from .editions import alternates

    if settings.executor == "dask":
        from .dask_executor import run_reports
    else:
        from .pool import run_reports

    extra = {"scheduler": settings.scheduler} if settings.executor == "dask" else {"forks": forks}
    return run_reports(
        work.todo,
        **extra,
        journal=journal,
        out=settings.out,
        incidents=incidents,
        alternates=alternates(work.plans),
        jobs=settings.jobs,
        timeout=settings.timeout,
        progress=console.progress,
    )


def _in_order(work: BuildPlan, run: Run) -> list[Result]:
    """Each selected report's result, in manifest order: skipped when current, cancelled
    when Ctrl-C stopped it before it ended."""
    ended = {r.slug: r for r in run.finished}
    todo = {p.report.slug for p in work.todo}
    return [
        ended.get(slug) or Result(slug, Status.CANCELLED if slug in todo else Status.SKIPPED)
        for slug in (p.report.slug for p in work.selected)
    ]


def _write_index_and_state(work: BuildPlan, state: BuildState, out: Path) -> list[str]:
    """Write the index and the state file; the problem of each that could not be written."""
    unwritten = []
    try:
        state = state.with_index(write_index(work, state, out))
    except OSError as exc:
        unwritten.append(write_problem(exc))
    try:
        save_state(out, state)
    except OSError as exc:
        unwritten.append(write_problem(exc))
    return unwritten
