"""Run one report's notebook with papermill, in a single-use ``python3`` kernel that the
watchdog (a time limit) or Ctrl-C can kill from another thread: forked by the build's fork
server (:mod:`.forkserver`, the default on Linux) or started as a fresh interpreter.

Imports papermill (and so jsonschema): import it after
:func:`~taxfirewall.build.startup.skip_optional_imports`.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from papermill.exceptions import PapermillExecutionError

from ..manifest import Plan
from ..notebook import source_cell_number, strip_volatile
from ..paths import ROOT
from .forkserver import ForkServer
from .provisioner import ForkProvisioner
from .results import Result, Status
from .startup import kernel_arguments

KERNEL_NAME = "python3"
DEFAULT_TIMEOUT = 600.0


@dataclass(eq=False)
class Job:
    """One report's run, shared by its worker thread and the thread watching the clock."""

    plan: Plan
    timeout: float  # seconds
    scratch: Path  # the build's temporary folder
    thumb: str | None = None  # key of the thumbnail from the last good build
    started: float | None = None  # monotonic clock, once the kernel is asked for
    timed_out: bool = False
    killed: bool = False
    kernels: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    forks: ForkServer | None = None  # the build's fork server (None: a fresh interpreter)
    # seconds: "kernel start" (until it answers), "execute", "render" (page), "write"
    phases: dict = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.plan.report.slug

    @property
    def executed_path(self) -> Path:
        """Where papermill writes the executed notebook (kept in ``_failed/`` on failure)."""
        return self.scratch / f"{self.slug}.ipynb"

    @property
    def log_path(self) -> Path:
        """The kernel process's own stderr (quoted when the kernel dies)."""
        return self.scratch / f"{self.slug}.kernel.log"

    def elapsed(self) -> float:
        return time.monotonic() - self.started if self.started is not None else 0.0

    def over_time(self, now: float) -> bool:
        return self.started is not None and not self.timed_out and now - self.started > self.timeout

    def attach(self, km) -> None:
        """Register a started kernel (killed at once if the job already was)."""
        with self.lock:
            self.kernels.append(km)
            kill = self.killed
        if kill:
            kill_kernel(km)

    def kill(self) -> None:
        with self.lock:
            self.killed = True
            kernels = list(self.kernels)
        for km in kernels:
            kill_kernel(km)


def kill_kernel(km) -> None:
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


def kernel_manager_for(job: Job) -> type[AsyncKernelManager]:
    """The kernel manager class for ``job`` (nbclient makes the manager from a class, so the
    job is bound into a class made for it). Its kernel starts in the project root
    (papermill's own ``cwd=`` changes the whole process's directory, unsafe with threads),
    sends its stderr to the job's log, and registers with the job so it can be killed."""

    class JobKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):
            use_ipc(self, job.scratch)
            if job.forks is not None and self.provisioner is None:
                self.kernel_id = self.kernel_id or str(uuid.uuid4())
                self.provisioner = ForkProvisioner(
                    kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
                )
                self.provisioner.server = job.forks
            kw.setdefault("cwd", str(ROOT))
            kw["extra_arguments"] = [*kw.get("extra_arguments", []), *kernel_arguments()]
            with open(job.log_path, "ab") as log:
                kw.setdefault("stderr", log)
                started = await super().start_kernel(**kw)
            job.attach(self)
            return started

        def client(self, **kw):
            kc = super().client(**kw)

            async def wait_for_ready(timeout: float | None = None):  # its start-up is over
                await wait_until_ready(kc, timeout)
                job.phases["kernel start"] = job.elapsed()

            kc.wait_for_ready = wait_for_ready
            return kc

    return JobKernelManager


async def wait_until_ready(kc, timeout: float | None) -> None:
    """Wait until the kernel answers ``kernel_info`` and its IOPub channel is connected, as
    jupyter_client's ``wait_for_ready`` does, but without then waiting for IOPub to stay
    silent for 0.2 s (a fixed cost on every report): messages left over from start-up are
    read away here, and the client matches every later one to its own request anyway."""
    deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
    while True:
        kc.kernel_info()
        try:
            reply = await kc.shell_channel.get_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await kc.iopub_channel.get_msg(timeout=0.2)  # none: IOPub not connected yet, ask again
            except Empty:
                pass
            else:
                kc._handle_kernel_info_reply(reply)
                break
        if not await kc._async_is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
    with contextlib.suppress(Empty):
        while True:
            await kc.iopub_channel.get_msg(timeout=0)


_kernel_numbers = itertools.count(1)
MAX_SOCKET_PATH = 90  # AF_UNIX paths stop at 104-108 bytes; ipc adds "-<port>" to this


def use_ipc(km, scratch: Path) -> None:
    """Talk to the kernel over Unix sockets in the build's scratch folder, not TCP ports:
    a TCP port is picked free and bound later by the kernel, so two processes starting
    kernels at once (two builds, a build beside JupyterLab) can pick the same one. A socket
    path is unique to its kernel. Where there are no Unix sockets (Windows), or the scratch
    path is too long for one, the kernel keeps TCP."""
    base = scratch / f"k{next(_kernel_numbers)}"
    if os.name != "posix" or len(str(base)) > MAX_SOCKET_PATH:
        return
    km.transport = "ipc"
    km.connection_file = str(base) + ".json"
    km.ip = str(base)


def run_notebook(job: Job, cancel: threading.Event) -> nbformat.NotebookNode | Result:
    """Execute the job's notebook (in a worker thread). Returns the executed notebook,
    stripped of what differs between runs, or the report's failed or cancelled result."""
    r = job.plan.report
    job.started = time.monotonic()
    try:
        nb = papermill.execute_notebook(
            str(r.notebook),
            str(job.executed_path),
            parameters=job.plan.parameters,
            kernel_name=KERNEL_NAME,
            request_save_on_cell_execute=False,
            progress_bar=False,
            log_output=False,
            execution_timeout=job.timeout,
            kernel_manager_class=kernel_manager_for(job),
        )
    except Exception as exc:  # a cell raised; a dead kernel, a cell timeout, a kernel that would not start
        seconds = job.elapsed()
        if job.killed:
            return _stopped(job, seconds)
        return Result(job.slug, Status.FAILED, seconds, _why(job, exc))
    if cancel.is_set() or job.killed:
        return _stopped(job, job.elapsed())
    job.phases["execute"] = job.elapsed() - job.phases.get("kernel start", 0.0)
    return strip_volatile(nb, input_path=r.notebook_label)


def _stopped(job: Job, seconds: float) -> Result:
    """The result of a job whose kernel was killed: by the watchdog, or by Ctrl-C."""
    if job.timed_out:
        message = f"{job.plan.report.notebook_label}: timed out after {job.timeout:g} s"
        return Result(job.slug, Status.FAILED, seconds, message)
    return Result(job.slug, Status.CANCELLED, seconds)


def _why(job: Job, exc: Exception) -> str:
    """One line naming the notebook and, for a cell that raised, the cell and the exception."""
    label = job.plan.report.notebook_label
    if isinstance(exc, PapermillExecutionError):
        cell = exc.cell_index + 1
        if job.executed_path.is_file():
            cell = source_cell_number(nbformat.read(job.executed_path, as_version=4), exc.cell_index)
        return f"{label}: cell {cell} (In [{exc.exec_count}]) raised {exc.ename}: {exc.evalue}"
    tail = _log_tail(job.log_path)
    message = f"{label}: {type(exc).__name__}: {exc}".rstrip(": ")
    return message + (f" (kernel log: {tail})" if tail else "")


def _log_tail(path: Path, lines: int = 5) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    keep = [
        line
        for line in text.splitlines()
        if line.strip() and "without encryption" not in line and "Debugger warning" not in line
    ]
    return " | ".join(keep[-lines:])
