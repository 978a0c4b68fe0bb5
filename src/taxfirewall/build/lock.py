"""One build per output folder at a time, and nothing left behind by a build that was killed.

The lock is an advisory ``flock`` on ``<out>/.build.lock``: the operating system drops it
when its process ends, however it ends, so a lock is never left held by a dead build. The
file says who holds it (process id and since when) while a build runs and is emptied when
the build ends; a file still naming a holder when the lock is free was left by a build that
was killed, and the build taking over says so and sweeps what that build left: temporary
files beside the outputs and its scratch folder.

Where ``fcntl`` is missing (Windows) builds are not serialised: run one at a time there.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

LOCK_NAME = ".build.lock"
SCRATCH_PREFIX = "taxfirewall-build-"
POLL = 0.2  # seconds between attempts while waiting


class FolderBusy(Exception):
    """Another build holds the folder and the caller would not wait (exit status 3)."""


def _open(path: Path) -> int | None:
    """A descriptor to lock: read-write, or read-only in a read-only folder (nothing can
    be written there anyway); None when the file cannot even be created."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        try:
            return os.open(path, os.O_RDONLY)
        except OSError:
            return None


def _holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 400).decode("utf-8", "replace").strip()


def _set_holder(fd: int, text: str) -> None:
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, text.encode("utf-8"))
    except OSError:  # a read-only descriptor: the lock itself still holds
        pass


def _try(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


@contextmanager
def folder_lock(out: Path, *, wait: bool = True, say: Callable[[str], None] = print) -> Iterator[None]:
    """Hold ``out`` for one build: wait for (or, with ``wait=False``, refuse) a build that
    holds it; take over, and clean up after, one that was killed."""
    fd = _acquire(out, wait, say) if fcntl is not None else None
    try:
        yield
    finally:
        if fd is not None:
            _set_holder(fd, "")  # an empty file: the last build ended, nothing to sweep
            os.close(fd)  # releases the lock


def _acquire(out: Path, wait: bool, say) -> int | None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # the build reports the unwritable folder itself
    fd = _open(out / LOCK_NAME)
    if fd is None:
        return None
    told = False
    while not _try(fd):
        holder = _holder(fd) or "another build"
        if not wait:
            os.close(fd)
            raise FolderBusy(f"{out} is being built by {holder}; not waiting (--no-wait)")
        if not told:
            say(f"waiting: {out} is being built by {holder}")
            told = True
        time.sleep(POLL)
    left = _holder(fd)
    if left:
        say(f"the build by {left} was stopped before it finished: taking over {out} and cleaning up after it")
    sweep(out)
    since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    _set_holder(fd, f"process {os.getpid()} (since {since})\n")
    return fd


def sweep(out: Path) -> None:
    """Remove what killed builds leave: temporary files beside the outputs (written then
    renamed into place, so never a page) and scratch folders of processes that are gone."""
    for tmp in out.rglob(".*.tmp"):
        tmp.unlink(missing_ok=True)
    for scratch in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        pid = scratch.name.removeprefix(SCRATCH_PREFIX).split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(scratch, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def scratch_prefix() -> str:
    """The scratch folder's name prefix: it names this process, so a later build can tell
    a dead build's folder from a running one's."""
    return f"{SCRATCH_PREFIX}{os.getpid()}-"
