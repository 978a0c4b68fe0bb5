"""A jupyter_client provisioner whose kernel is forked by the build's fork server
(:mod:`.forkserver`) instead of started as a new interpreter.

It is jupyter_client's local provisioner with the launch swapped: the kernel's process is
not the build's child, so :class:`ForkedProcess` stands in for the ``Popen`` object, acting
on the forked pid and its process group (``Job.kill`` and the watchdog kill the group, as
for a fresh kernel). A command that is not ``python -m ipykernel_launcher``, or a server
that cannot fork, starts the kernel fresh.
"""

from __future__ import annotations

import os
import select
import signal
import time
from pathlib import Path
from typing import Any

from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from .forkserver import ForkServer, ForkServerGone, launcher_arguments


class ForkedProcess:
    """The part of ``subprocess.Popen`` jupyter_client uses, for a process that is not our
    child: it is gone once the server has reaped it (a pidfd, where there is one, rules out
    a reused pid)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._signalled: int | None = None
        try:
            self._pidfd = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None
        except OSError:  # already ended and reaped
            self._pidfd, self.returncode = None, 1

    def poll(self) -> int | None:
        if self.returncode is None and not self._alive():
            # the exit status is the server's to collect: report the signal we sent, else 1
            self.returncode = -self._signalled if self._signalled else 1
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        return self.returncode

    def _alive(self) -> bool:
        if self._pidfd is not None:
            return not select.select([self._pidfd], [], [], 0)[0]  # readable once it has exited
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"kernel {self.pid} still running")
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            self._signalled = signum
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Starts its kernel through ``server`` (set before the kernel starts)."""

    server: ForkServer | None = None
    forked = False  # whether this kernel came from the server

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        argv = launcher_arguments(cmd)
        if self.server is None or argv is None:
            return await super().launch_kernel(cmd, **kwargs)
        stderr = getattr(kwargs.get("stderr"), "name", os.devnull)
        env = {**(kwargs.get("env") or os.environ), "JPY_PARENT_PID": str(os.getpid())}  # as launch_kernel
        cwd = str(kwargs.get("cwd") or Path.cwd())
        try:
            pid = self.server.spawn(argv, env, cwd, str(stderr))
        except ForkServerGone:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid  # the child leads its own process group
        self.cwd = cwd
        self.forked = True
        return self.connection_info
