"""``taxfirewall build``: run the report notebooks and write ``reports/``.

1. Check ``reports.toml`` and every report's parameters against its notebook (no kernel).
2. Key each report by the sha256 of what it is made from: the notebook, its parameters,
   title and dek, every file of its incident folder, the package's source and templates,
   and the versions of the libraries that shape the output. A report whose key matches
   the last good build (``reports/.build-state.json``) is skipped; this path imports
   neither papermill, nbconvert nor altair and takes well under a second.
3. Validate each dataset still to be used (bad data: its problem list, exit 2).
4. Execute the notebooks with papermill, each in a fresh ``python3`` kernel started in
   the project root, several at once in threads (``--jobs``, default one per CPU), then
   convert each to HTML (:mod:`taxfirewall.report`) and write it atomically.
5. Write ``index.html``, the state file and a table of what happened.

Speed: every Python process that imports jsonschema (Frictionless, altair and nbformat all
do) also imports its optional ``rfc3987-syntax`` plug-in, which compiles a grammar for
1.1-1.6 s, only to check the "iri" string formats that none of our schemas (Vega-Lite,
Frictionless, nbformat) use. The build's own process and its kernels leave that plug-in out
(:data:`SKIPPED_IMPORTS`): a third of each kernel's start-up, with identical outputs.

A failing notebook keeps its last good page; its executed copy goes to
``_failed/<slug>.ipynb`` and the message names the notebook, the cell and the exception;
the command exits 1 after the other reports are built. A page, index or state file that
cannot be written (read-only folder, full disk) fails the same way, in one line naming the
file and the reason, and leaves the file as it was. Ctrl-C kills the running kernels,
keeps every page already there intact and exits 1.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .manifest import Plan, check_reports, load_manifest
from .output import write_atomic
from .paths import MANIFEST, PACKAGE_DIR, REPORTS_DIR, ROOT

STATE_NAME = ".build-state.json"
STATE_FORMAT = 1
KERNEL_NAME = "python3"
DEFAULT_TIMEOUT = 600.0
RUNTIME_MODE = "shared"  # "shared": one _static/<bundle>.js for every page; "inline": in each page
# Optional plug-ins the build's processes do without (see the module docstring).
SKIPPED_IMPORTS = ("rfc3987_syntax",)
VERSIONED = (
    "altair",
    "vl-convert-python",
    "nbconvert",
    "nbclient",
    "papermill",
    "ipykernel",
    "pandas",
    "jinja2",
)


# --------------------------------------------------------------------------- input keys


def _digest_files(base: Path, files) -> str:
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def package_digest() -> str:
    """The package's Python source and templates (what renders a page)."""
    files = sorted(
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and (p.suffix == ".py" or "templates" in p.relative_to(PACKAGE_DIR).parts)
    )
    return _digest_files(PACKAGE_DIR, files)


def folder_digest(folder: Path) -> str:
    """Every file in an incident folder."""
    return _digest_files(folder, sorted(p for p in folder.rglob("*") if p.is_file()))


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in VERSIONED:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = ""
    return out


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def skip_optional_imports() -> None:
    """Leave :data:`SKIPPED_IMPORTS` out of this process, if jsonschema is not loaded yet."""
    if "jsonschema" not in sys.modules:
        for name in SKIPPED_IMPORTS:
            sys.modules.setdefault(name, None)


def _kernel_arguments() -> list[str]:
    """Kernel command-line options: do the same in each kernel before the notebook runs."""
    code = "import sys; " + "; ".join(f"sys.modules.setdefault({n!r}, None)" for n in SKIPPED_IMPORTS)
    return [f"--IPKernelApp.exec_lines={code}"] if SKIPPED_IMPORTS else []


class Keys:
    """Input keys of reports, sharing the digests of common inputs."""

    def __init__(self):
        self._files: dict[Path, str] = {}
        self._folders: dict[Path, str] = {}
        self.package = package_digest()
        self.versions = library_versions()

    def key(self, plan: Plan) -> str:
        nb = plan.report.notebook
        if nb not in self._files:
            self._files[nb] = hashlib.sha256(nb.read_bytes()).hexdigest()
        data = ""
        if plan.incident is not None:
            if plan.incident not in self._folders:
                self._folders[plan.incident] = folder_digest(plan.incident)
            data = self._folders[plan.incident]
        r = plan.report
        return hashlib.sha256(
            canonical(
                {
                    "format": STATE_FORMAT,
                    "notebook": self._files[nb],
                    "parameters": plan.parameters,
                    "report": {"slug": r.slug, "title": r.title, "dek": r.dek, "notebook": r.notebook_label},
                    "dataset": data,
                    "package": self.package,
                    "taxfirewall": __version__,
                    "versions": self.versions,
                    "runtime": RUNTIME_MODE,
                }
            ).encode()
        ).hexdigest()


# --------------------------------------------------------------------------- state


def load_state(out: Path) -> dict:
    try:
        state = json.loads((out / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"format": STATE_FORMAT, "reports": {}}
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        return {"format": STATE_FORMAT, "reports": {}}
    state.setdefault("reports", {})
    return state


def save_state(out: Path, state: dict) -> None:
    write_atomic(out / STATE_NAME, json.dumps(state, indent=1, sort_keys=True) + "\n")


# --------------------------------------------------------------------------- jobs


@dataclass
class Result:
    slug: str
    status: str  # built, failed, skipped (unchanged), cancelled
    seconds: float = 0.0
    message: str = ""
    size: int = 0
    thumb: str | None = None  # key of the thumbnail written or kept


@dataclass
class Job:
    plan: Plan
    key: str
    timeout: float
    started: float | None = None
    timed_out: bool = False
    killed: bool = False
    kernels: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    log_path: Path | None = None
    thumb: str | None = None  # key of the thumbnail from the last good build

    @property
    def slug(self) -> str:
        return self.plan.report.slug

    def attach(self, km) -> None:
        with self.lock:
            self.kernels.append(km)
            kill = self.killed
        if kill:
            _kill_kernel(km)

    def kill(self) -> None:
        with self.lock:
            self.killed = True
            kernels = list(self.kernels)
        for km in kernels:
            _kill_kernel(km)


def _kill_kernel(km) -> None:
    """Kill a kernel's process group from any thread; its client then sees a dead kernel."""
    prov = getattr(km, "provisioner", None)
    pgid, proc = getattr(prov, "pgid", None), getattr(prov, "process", None)
    try:
        if pgid and hasattr(os, "killpg"):
            os.killpg(pgid, signal.SIGKILL)
        elif proc is not None and proc.poll() is None:
            proc.kill()
    except (OSError, ProcessLookupError):
        pass


_current = threading.local()


def _kernel_manager_class():
    """An AsyncKernelManager that starts its kernel in the project root (papermill's own
    ``cwd=`` changes the whole process's directory, unsafe with threads), sends the
    kernel's own stderr to a log, and registers itself with the job so the watchdog or
    Ctrl-C can kill it."""
    from jupyter_client.manager import AsyncKernelManager

    class BuildKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):
            job = getattr(_current, "job", None)
            kw.setdefault("cwd", str(ROOT))
            kw["extra_arguments"] = [*kw.get("extra_arguments", []), *_kernel_arguments()]
            log = open(job.log_path, "ab") if job is not None and job.log_path else None  # noqa: SIM115
            if log is not None:
                kw.setdefault("stderr", log)
            try:
                result = await super().start_kernel(**kw)
            finally:
                if log is not None:
                    log.close()
            if job is not None:
                job.attach(self)
            return result

    return BuildKernelManager


@dataclass
class Context:
    out: Path
    tmp: Path
    incidents: dict
    runtime_future: object
    km_class: type
    cancel: threading.Event = field(default_factory=threading.Event)
    inline_js: str | None = None


def _log_tail(job: Job, lines: int = 5) -> str:
    try:
        text = job.log_path.read_text(encoding="utf-8", errors="replace") if job.log_path else ""
    except OSError:
        return ""
    keep = [
        line
        for line in text.splitlines()
        if line.strip() and "without encryption" not in line and "Debugger warning" not in line
    ]
    return " | ".join(keep[-lines:])


def write_problem(exc: OSError) -> str:
    """'could not write /out/x.html: No space left on device' (one line, no traceback)."""
    where = f" {exc.filename}" if exc.filename else ""
    return f"could not write{where}: {exc.strerror or exc}"


def _fail(job: Job, ctx: Context, tmp_nb: Path, message: str, seconds: float) -> Result:
    import nbformat

    if tmp_nb.is_file() and not ctx.cancel.is_set():
        from .notebook import strip_volatile

        nb = nbformat.read(tmp_nb, as_version=4)
        nb = strip_volatile(nb, input_path=job.plan.report.notebook_label)
        try:
            write_atomic(job.plan.report.outputs(ctx.out)["failed"], nbformat.writes(nb) + "\n")
        except OSError as exc:  # a read-only or full out folder: the failure itself still gets reported
            message += f" (executed copy not kept: {write_problem(exc)})"
    return Result(job.slug, "failed", seconds, message)


def _run(job: Job, ctx: Context) -> Result:
    """Execute one report's notebook and write its page (in a worker thread)."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from . import report as page
    from .notebook import source_cell_number, strip_volatile

    r = job.plan.report
    if ctx.cancel.is_set():
        return Result(job.slug, "cancelled")
    _current.job = job
    job.log_path = ctx.tmp / f"{job.slug}.kernel.log"
    tmp_nb = ctx.tmp / f"{job.slug}.ipynb"
    job.started = time.monotonic()
    try:
        try:
            nb = papermill.execute_notebook(
                str(r.notebook),
                str(tmp_nb),
                parameters=job.plan.parameters,
                kernel_name=KERNEL_NAME,
                request_save_on_cell_execute=False,
                progress_bar=False,
                log_output=False,
                execution_timeout=job.timeout,
                kernel_manager_class=ctx.km_class,
            )
        except PapermillExecutionError as exc:
            seconds = time.monotonic() - job.started
            if job.killed:
                return _interrupted(job, ctx, tmp_nb, seconds)
            cell = exc.cell_index + 1
            if tmp_nb.is_file():
                cell = source_cell_number(nbformat.read(tmp_nb, as_version=4), exc.cell_index)
            message = (
                f"{r.notebook_label}: cell {cell} (In [{exc.exec_count}]) raised {exc.ename}: {exc.evalue}"
            )
            return _fail(job, ctx, tmp_nb, message, seconds)
        except Exception as exc:  # dead kernel, cell timeout, kernel that would not start ...
            seconds = time.monotonic() - job.started
            if job.killed:
                return _interrupted(job, ctx, tmp_nb, seconds)
            tail = _log_tail(job)
            message = f"{r.notebook_label}: {type(exc).__name__}: {exc}".rstrip(": ")
            return _fail(job, ctx, tmp_nb, message + (f" (kernel log: {tail})" if tail else ""), seconds)
        if ctx.cancel.is_set() or job.killed:
            return _interrupted(job, ctx, tmp_nb, time.monotonic() - job.started)
        nb = strip_volatile(nb, input_path=r.notebook_label)
        try:
            runtime = ctx.runtime_future.result()
        except OSError as exc:  # the shared runtime could not be written
            return Result(
                job.slug,
                "failed",
                time.monotonic() - job.started,
                f"{r.notebook_label}: {write_problem(exc)}",
            )
        html = page.render(
            nb,
            title=r.title,
            dek=r.dek,
            incident=ctx.incidents.get(job.plan.incident),
            theme=job.plan.theme,
            notebook=r.notebook_label,
            parameters=job.plan.parameters,
            runtime=runtime,
            inline_js=ctx.inline_js,
        )
        outputs = r.outputs(ctx.out)
        thumb_key = page.thumbnail_key(nb)
        keep_thumb = thumb_key is not None and thumb_key == job.thumb and outputs["thumb"].is_file()
        thumb = None if keep_thumb or thumb_key is None else page.thumbnail_svg(nb)
        if ctx.cancel.is_set():
            return Result(job.slug, "cancelled", time.monotonic() - job.started)
        data = html.encode("utf-8")
        try:  # a read-only or full out folder fails this report (its last good page stays), not the build
            write_atomic(outputs["executed"], nbformat.writes(nb) + "\n")
            if thumb:
                write_atomic(outputs["thumb"], thumb)
            elif not keep_thumb:
                outputs["thumb"].unlink(missing_ok=True)
                thumb_key = None
            write_atomic(outputs["html"], data)
            outputs["failed"].unlink(missing_ok=True)
        except OSError as exc:
            return Result(
                job.slug,
                "failed",
                time.monotonic() - job.started,
                f"{r.notebook_label}: {write_problem(exc)}",
            )
        return Result(job.slug, "built", time.monotonic() - job.started, size=len(data), thumb=thumb_key)
    finally:
        _current.job = None


def _interrupted(job: Job, ctx: Context, tmp_nb: Path, seconds: float) -> Result:
    if job.timed_out:
        return _fail(
            job, ctx, tmp_nb, f"{job.plan.report.notebook_label}: timed out after {job.timeout:g} s", seconds
        )
    return Result(job.slug, "cancelled", seconds)


# --------------------------------------------------------------------------- the build


def _load_incidents(folders) -> dict:
    """Validate and load every dataset that will be used (raises DataError)."""
    from .data import load_incident

    loaded = {}
    for folder in sorted(f for f in folders if f is not None):
        incident = load_incident(folder)
        for view in ("reported_values", "preferred", "funnel", "context", "timeline", "fingerprint"):
            getattr(incident, view)  # compute the cached views once, before threads share them
        loaded[folder] = incident
    return loaded


def _runtime(out: Path, state: dict):
    """The vega runtime for the pages. The shared file's name is cached in the state (by the
    versions that make the bundle), so an unchanged runtime is not rebuilt."""
    from .report import Runtime, shared_runtime

    if RUNTIME_MODE != "shared":
        return Runtime(src=None)
    versions = {k: v for k, v in library_versions().items() if k in ("altair", "vl-convert-python")}
    cached = state.get("runtime", {})
    if cached.get("versions") == versions and cached.get("src") and (out / cached["src"]).is_file():
        return Runtime(src=cached["src"])
    runtime = shared_runtime(out)
    state["runtime"] = {"src": runtime.src, "versions": versions}
    return runtime


def _status(plan: Plan, key: str, out: Path, state: dict) -> str:
    entry = state["reports"].get(plan.report.slug, {})
    has_html = plan.report.outputs(out)["html"].is_file()
    attempt = entry.get("attempt", {})
    if has_html and entry.get("good") == key:
        return "current"
    if attempt.get("key") == key and not attempt.get("ok"):
        return "stale" if has_html else "failed"
    return "outdated" if has_html else "missing"


def write_index(manifest_reports: list[Plan], keys: dict[str, str], out: Path, state: dict) -> Path:
    from . import report as page

    entries = []
    for plan in manifest_reports:
        r = plan.report
        outputs = r.outputs(out)
        status = _status(plan, keys[r.slug], out, state)
        entries.append(
            {
                "slug": r.slug,
                "title": r.title,
                "dek": r.dek,
                "status": status,
                "href": f"{r.slug}.html" if outputs["html"].is_file() else None,
                "thumb": f"_thumbs/{r.slug}.svg" if outputs["thumb"].is_file() else None,
                "card": page.card_svg(r.title),
            }
        )
    html = page.render_index(entries, title="taxfirewall reports", version=__version__)
    path = out / "index.html"
    if not path.is_file() or path.read_text(encoding="utf-8") != html:
        write_atomic(path, html)
    return path


def _table(results: list[Result], total: float) -> str:
    width = max([len("report")] + [len(r.slug) for r in results])
    lines = [f"{'report':<{width}}  {'status':<20}  {'seconds':>7}", f"{'-' * width}  {'-' * 20}  {'-' * 7}"]
    for r in results:
        secs = f"{r.seconds:7.1f}" if r.status in ("built", "failed") else f"{'':>7}"
        lines.append(f"{r.slug:<{width}}  {r.status:<20}  {secs}")
    counts = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    lines.append(f"{len(results)} report(s): {summary}; {total:.1f} s")
    return "\n".join(lines)


def build(
    manifest: str | Path = MANIFEST,
    out: str | Path = REPORTS_DIR,
    *,
    jobs: int | None = None,
    only: list[str] | None = None,
    force: bool = False,
    timeout: float | None = None,
    stdout=None,
    stderr=None,
) -> int:
    """Build the reports; returns the exit status (0 ok, 1 a report failed or Ctrl-C).
    Raises ManifestError or DataError (exit 2) before anything runs."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    t0 = time.monotonic()

    def say(text: str = "", err: bool = False) -> None:
        stream = stderr if err else stdout
        print(text, file=stream, flush=True)

    try:
        return _build(manifest, Path(out).absolute(), jobs, only, force, timeout, say, t0)
    except KeyboardInterrupt:
        say("interrupted; reports already written are complete, nothing half-written was kept", err=True)
        return 1
    except OSError as exc:  # e.g. the out folder is a file, or unwritable before any report ran
        where = f"{exc.filename}: " if exc.filename else ""
        say(
            f"build failed: {where}{exc.strerror or exc}; pages already there were left as they were",
            err=True,
        )
        return 1


def _build(manifest, out, jobs, only, force, timeout, say, t0) -> int:
    m = load_manifest(manifest)
    plans = check_reports(m, out, only)
    keys_of = Keys()
    keys = {p.report.slug: keys_of.key(p) for p in plans}
    state = load_state(out)
    selected = [p for p in plans if not only or p.report.slug in set(only)]
    todo, results = [], {}
    for p in selected:
        slug = p.report.slug
        good = state["reports"].get(slug, {}).get("good")
        if force or good != keys[slug] or not p.report.outputs(out)["html"].is_file():
            todo.append(p)
        else:
            results[slug] = Result(slug, "skipped (unchanged)")
            say(f"{slug}: skipped (unchanged)")
            entry = state["reports"][slug]
            if entry.get("attempt", {}).get("key") != good:  # back to inputs that built: the failure is stale
                entry["attempt"] = {"key": good, "ok": True}
                p.report.outputs(out)["failed"].unlink(missing_ok=True)

    interrupted = False
    runtime = state.get("runtime", {}).get("src")
    if not todo and RUNTIME_MODE == "shared" and runtime and not (out / runtime).is_file():
        _runtime(out, state)  # the pages are current but their shared runtime was deleted
    if todo:
        skip_optional_imports()
        incidents = _load_incidents({p.incident for p in todo})
        interrupted = _execute(todo, keys, out, state, incidents, jobs, timeout, results, say)

    ordered = [results[p.report.slug] for p in selected if p.report.slug in results]
    unwritten = []  # read-only or full out folder: said after the table, exit 1
    try:
        write_index(plans, keys, out, state)
    except OSError as exc:
        unwritten.append(write_problem(exc))
    try:
        save_state(out, state)
    except OSError as exc:
        unwritten.append(write_problem(exc))
    say()
    say(_table(ordered, time.monotonic() - t0))
    failed = [r for r in ordered if r.status == "failed"]
    for r in failed:
        say(f"FAILED {r.slug}: {r.message}", err=True)
    if failed:
        kept = [r for r in failed if _plan_of(selected, r.slug).report.outputs(out)["failed"].is_file()]
        say(
            f"{len(failed)} report(s) failed; their last good pages were kept"
            + (f", executed copies are in {out / '_failed'}" if kept else ""),
            err=True,
        )
    for problem in unwritten:
        say(f"index or build state not updated: {problem}", err=True)
    if interrupted:
        say(
            "interrupted: kernels stopped; reports already written are complete, the others were left as they were",
            err=True,
        )
    return 1 if failed or interrupted or unwritten else 0


def _plan_of(plans: list[Plan], slug: str) -> Plan:
    return next(p for p in plans if p.report.slug == slug)


def _execute(todo, keys, out, state, incidents, jobs, timeout, results, say) -> bool:
    """Run ``todo`` in parallel; fills ``results`` and ``state``. True when interrupted."""
    import papermill  # noqa: F401  (import once here, not racing in the worker threads)

    from .vendor import vega_bundle

    jobs = max(1, jobs or os.cpu_count() or 1)
    with (
        tempfile.TemporaryDirectory(prefix="taxfirewall-build-") as tmp,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="runtime") as side,
    ):
        runtime_future = side.submit(_runtime, out, state)  # built while the kernels run
        ctx = Context(
            out=out,
            tmp=Path(tmp),
            incidents=incidents,
            runtime_future=runtime_future,
            km_class=_kernel_manager_class(),
            inline_js=vega_bundle() if RUNTIME_MODE == "inline" else None,
        )
        worker_pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="report")
        job_list = [
            Job(
                plan=p,
                key=keys[p.report.slug],
                timeout=p.report.timeout or timeout or DEFAULT_TIMEOUT,
                thumb=state["reports"].get(p.report.slug, {}).get("thumb"),
            )
            for p in todo
        ]
        # Longest first (by the last build's time), so no long report starts last.
        job_list.sort(key=lambda j: -float(state["reports"].get(j.slug, {}).get("seconds", 0.0)))
        futures = {worker_pool.submit(_run, job, ctx): job for job in job_list}
        pending = set(futures)
        done_count = 0
        try:
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for fut in done:
                    job = futures[fut]
                    try:
                        res = fut.result()
                    except Exception as exc:  # a bug in rendering: the report fails, the build goes on
                        res = Result(
                            job.slug,
                            "failed",
                            0.0,
                            f"{job.plan.report.notebook_label}: {type(exc).__name__}: {exc}",
                        )
                    done_count += 1
                    results[job.slug] = res
                    entry = state["reports"].setdefault(job.slug, {})
                    entry["attempt"] = {"key": job.key, "ok": res.status == "built"}
                    if res.status == "built":
                        entry["good"] = job.key
                        entry["thumb"] = res.thumb
                        entry["seconds"] = round(res.seconds, 1)
                    line = f"[{done_count}/{len(job_list)}] {job.slug}: {res.status} in {res.seconds:.1f} s"
                    say(
                        line
                        + (f" ({res.size / 1024:.0f} KB)" if res.size else "")
                        + (f": {res.message}" if res.message else "")
                    )
                now = time.monotonic()
                for fut in pending:
                    job = futures[fut]
                    if job.started is not None and not job.timed_out and now - job.started > job.timeout:
                        job.timed_out = True
                        job.kill()
        except KeyboardInterrupt:
            ctx.cancel.set()
            for job in job_list:
                job.kill()
            worker_pool.shutdown(wait=True, cancel_futures=True)
            for job in job_list:
                results.setdefault(job.slug, Result(job.slug, "cancelled"))
            return True
        worker_pool.shutdown(wait=True)
    return False
