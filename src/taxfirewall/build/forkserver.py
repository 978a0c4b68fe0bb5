"""Warm kernels without shared state: a fork server, started once per build.

A fresh ``python3`` kernel spends most of a report's time importing pandas, altair,
matplotlib and taxfirewall. The fork server is one process, started by the build before
any report runs, that imports them once and then, for each report, forks a single-use
kernel: the child runs ipykernel's ``IPKernelApp`` on the report's connection file, exactly
as ``python -m ipykernel_launcher -f <file>`` would, and is never reused.

What the child shares with the server is only what a fresh interpreter would have after the
same imports: IPython makes the notebook a new ``__main__`` and namespace; the child takes
the job's environment, working folder (the project root), ``sys.argv`` and ``sys.path`` as
the launcher sets them; ``random`` and numpy's global generator are seeded again from the
system; stdin is /dev/null and stderr the report's kernel log. Differences from a fresh
kernel, none visible in outputs: the string hash seed is the server's (the same in every
forked kernel), the kernelspec's ``-X`` interpreter options (``frozen_modules=off``, for
the debugger) are not applied, and BLAS runs on one thread (so that no thread exists in
the server when it forks: forking a process with threads can deadlock the child; the
server checks before each fork).

The child starts a session and process group of its own, as jupyter_client starts a fresh
kernel, before the server hands its pid to the build, so the watchdog and Ctrl-C kill it as
they kill a fresh kernel: :class:`~taxfirewall.build.provisioner.ForkProvisioner` hands
jupyter_client a process object for it. The server reaps its children at once, so a dead kernel's pid is
gone and the build sees the kernel die.

Choose with ``TAXFIREWALL_KERNELS=fork|fresh``: ``fork`` is the default on Linux; macOS
(fork is unsafe with the system frameworks), Windows (no fork) and ``fresh`` start every
kernel as a new interpreter. A server that fails to start or dies only costs speed: each
kernel it cannot fork starts fresh.

The server runs as ``python -m taxfirewall.build.forkserver <request fd> <reply fd>`` and
reads one JSON request a line (the launcher's ``argv``, ``env``, ``cwd``, ``stderr``),
answering with the child's ``pid`` or an ``error``; a ``prime`` request (the editions the
build's reports read, readied by :mod:`.warm` before the next fork) has no answer.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

MODE_ENV = "TAXFIREWALL_KERNELS"
LAUNCHER = ["-m", "ipykernel_launcher"]  # what a python3 kernelspec runs
SINGLE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
WARM_MODULES = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.font_manager",
    "matplotlib.textpath",
    "altair",
    "IPython",
    "IPython.display",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",  # debugpy, which every kernel imports as it starts
    "IPython.core.debugger",
    "IPython.extensions.storemagic",
    "sqlite3",  # IPython's history
    "frictionless",  # what load_incident validates with
    "jinja2",
    "taxfirewall",
    "taxfirewall.charts",
    "taxfirewall.charts.render.vega",  # drawn on display, not imported with the charts
    "taxfirewall.charts.render.locale",
    "taxfirewall.layouts",
    "taxfirewall.vendor",
    "taxfirewall.validate",
    "taxfirewall.templating",
    "taxfirewall.notebook",
    "taxfirewall.story",
    "taxfirewall.prose",
    "taxfirewall.explore",
    "taxfirewall.summary",
)


def kernel_mode() -> str:
    """``fork`` or ``fresh``: the setting where fork is safe, else ``fresh``."""
    wanted = os.environ.get(MODE_ENV, "fork").strip().lower()
    forkable = hasattr(os, "fork") and sys.platform.startswith("linux")
    return "fork" if wanted == "fork" and forkable else "fresh"


def launcher_arguments(cmd: list[str]) -> list[str] | None:
    """The kernel's own arguments in a kernel command ``python [-X...] -m ipykernel_launcher
    ...``, or None for another command (that kernel starts fresh). ``-X`` options only tune
    the interpreter (``frozen_modules=off`` is for the debugger, which builds do not use)."""
    for i in range(1, len(cmd)):
        if cmd[i : i + len(LAUNCHER)] == LAUNCHER:
            return cmd[i + len(LAUNCHER) :]
        if not cmd[i].startswith("-X"):
            return None
    return None


class ForkServerGone(RuntimeError):
    """The server could not fork a kernel (it failed to start or died): start one fresh."""


class ForkServer:
    """The build's end of the server: :meth:`spawn` asks for a kernel, from any thread."""

    def __init__(self, scratch: Path, cwd: Path):
        req_r, self._req_w = os.pipe()
        self._rep_r, rep_w = os.pipe()
        env = {**os.environ, **dict.fromkeys(SINGLE_THREAD, "1")}
        with open(scratch / "forkserver.log", "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(req_r), str(rep_w)],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stderr=log,
                pass_fds=(req_r, rep_w),
                start_new_session=True,  # Ctrl-C is the build's to handle
            )
        os.close(req_r)
        os.close(rep_w)
        self._replies = os.fdopen(self._rep_r, "rb")
        self._lock = threading.Lock()
        self._gone = False

    def spawn(self, argv: list[str], env: dict, cwd: str, stderr: str) -> int:
        """The pid of a new kernel running ``argv`` (a kernelspec's command line)."""
        request = json.dumps({"argv": argv, "env": env, "cwd": cwd, "stderr": stderr}) + "\n"
        with self._lock:
            if self._gone:
                raise ForkServerGone("the fork server is not running")
            try:
                os.write(self._req_w, request.encode())
                reply = json.loads(self._replies.readline() or b"{}")
            except (OSError, ValueError) as exc:
                reply = {"error": str(exc)}
            if "pid" not in reply:
                self._gone = True
                raise ForkServerGone(reply.get("error", "the fork server ended"))
        return int(reply["pid"])

    def prime(self, editions: list[tuple[str, str]]) -> None:
        """Have the server ready these (incident folder, language) pairs before it forks the
        next kernel (:mod:`.warm`); no answer is awaited."""
        request = json.dumps({"prime": [[str(folder), lang] for folder, lang in editions]}) + "\n"
        with self._lock, contextlib.suppress(OSError):
            if not self._gone:
                os.write(self._req_w, request.encode())

    def close(self) -> None:
        """End the server (its running kernels are left to their jobs)."""
        with contextlib.suppress(OSError):
            os.close(self._req_w)  # the server ends at the end of its requests
        try:
            self.process.wait(timeout=0.5)  # at once when idle; still importing (a build refused), killed
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._replies.close()


def start_server(scratch: Path, cwd: Path) -> ForkServer | None:
    """A fork server for one build, or None where kernels start fresh."""
    return ForkServer(scratch, cwd) if kernel_mode() == "fork" else None


# ------------------------------------------------------------------ the server process


def _warm_up() -> None:
    """Import what every report imports, with no thread started (checked before each fork)."""
    for name in SINGLE_THREAD:
        os.environ.setdefault(name, "1")
    # a fresh kernel sets this before the notebook imports matplotlib, which reads it once
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    from .startup import skip_optional_imports

    skip_optional_imports()
    import importlib

    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError as exc:  # a missing optional module only costs its import time
            print(f"fork server: not preloaded: {name}: {exc}", file=sys.stderr)


def _threads() -> int:
    """Threads in this process: Python's, and native ones where /proc shows them."""
    try:
        return max(threading.active_count(), len(os.listdir("/proc/self/task")))
    except OSError:
        return threading.active_count()


def _reap(signum, frame) -> None:
    """Reap ended kernels at once, so that their pids are gone for the build."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def serve(req_fd: int, rep_fd: int) -> None:
    _warm_up()
    signal.signal(signal.SIGCHLD, _reap)
    requests = os.fdopen(req_fd, "rb")
    for line in requests:
        request = json.loads(line)
        if "prime" in request:
            from .warm import prime

            prime(request["prime"])
            continue
        if _threads() != 1:
            reply = {"error": f"fork server has {_threads()} threads: cannot fork safely"}
        else:
            sys.stdout.flush()
            sys.stderr.flush()
            settled_r, settled_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                _become_kernel(request, (req_fd, rep_fd, settled_r), settled_w)
            os.close(settled_w)
            os.read(settled_r, 1)  # its own session is made (or it died): a group kill reaches it
            os.close(settled_r)
            reply = {"pid": pid}
        os.write(rep_fd, (json.dumps(reply) + "\n").encode())


def _become_kernel(request: dict, server_fds: tuple[int, ...], settled: int) -> None:
    """In the forked child: set up as ``python -m ipykernel_launcher`` would, run the kernel
    and exit (never returns to the server's loop)."""
    code = 1
    try:
        os.setsid()  # a session and process group of its own, as jupyter_client starts kernels
        os.close(settled)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _redirect(request["stderr"], server_fds)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        _fresh_interpreter_state(request)
        # watch the server (this process's parent), which ends when the build does: the
        # class default read JPY_PARENT_PID when the server imported ipykernel, before any
        # build asked, so it is given here (killed builds leave no kernel behind)
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        sys.argv.append(f"--IPKernelApp.parent_handle={os.getppid()}")
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        import atexit

        atexit._run_exitfuncs()  # what a normal interpreter exit runs
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _redirect(stderr: str, server_fds: tuple[int, ...]) -> None:
    """stdin from /dev/null, stderr to the job's log; the server's pipes closed."""
    for fd in server_fds:
        os.close(fd)
    null = os.open(os.devnull, os.O_RDONLY)
    log = os.open(stderr, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(null, 0)
    os.dup2(log, 2)
    os.close(null)
    os.close(log)


def _fresh_interpreter_state(request: dict) -> None:
    """``sys.argv``/``sys.path`` as the launcher leaves them, and new random seeds."""
    import random
    from importlib.util import find_spec

    import numpy

    launcher = find_spec("ipykernel_launcher")  # found, not imported: in a fresh kernel it is __main__
    sys.argv = [launcher.origin if launcher else "", *request["argv"]]
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    random.seed()
    numpy.random.seed()


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
    sys.stderr.flush()
    os._exit(0)  # no teardown of the preloaded modules (0.6 s), which only the build waits for
