"""Two builds at once: one output folder is built by one build at a time (the other waits,
or with --no-wait exits 3 naming the holder), a lock left by a killed build is taken over
and its leftovers swept, and kernels started from several processes at once never collide."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from taxfirewall.build.lock import LOCK_NAME, SCRATCH_PREFIX, folder_lock
from test_hardening import tiny_manifest, tiny_notebook

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-m", "taxfirewall.cli"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """A tiny report built once, so that the builds below have nothing to run."""
    tmp = tmp_path_factory.mktemp("lock")
    manifest = tiny_manifest(tmp, tiny_notebook(tmp / "tiny.ipynb"))
    out = tmp / "out"
    assert _build(manifest, out).returncode == 0
    return {"manifest": manifest, "out": out, "tmp": tmp}


def _build(manifest, out, *extra, wait=True) -> subprocess.CompletedProcess | subprocess.Popen:
    args = [*CLI, "build", "--manifest", str(manifest), "--out", str(out), *extra]
    if wait:
        return subprocess.run(args, capture_output=True, text=True, timeout=300)
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_build_refuses_with_no_wait_naming_the_holder(built):
    with folder_lock(built["out"], say=lambda _: None):
        proc = _build(built["manifest"], built["out"], "--no-wait")
    assert proc.returncode == 3, proc.stderr
    assert f"is being built by process {os.getpid()} (since " in proc.stderr
    assert "not waiting (--no-wait)" in proc.stderr and "Traceback" not in proc.stderr


def test_a_second_build_waits_for_the_first_then_runs(built):
    with folder_lock(built["out"], say=lambda _: None):
        proc = _build(built["manifest"], built["out"], wait=False)
        time.sleep(3)
        assert proc.poll() is None  # still waiting for the folder
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert err.startswith(f"waiting: {built['out']} is being built by process {os.getpid()}")


def test_builds_into_different_folders_run_side_by_side(built, tmp_path):
    other = tmp_path / "other"
    with folder_lock(built["out"], say=lambda _: None):
        proc = _build(built["manifest"], other, "--no-wait")
    assert proc.returncode == 0, proc.stderr
    assert (other / "page.html").is_file()


HOLD = "from pathlib import Path; from taxfirewall.build.lock import folder_lock\n"
HOLD += "with folder_lock(Path({out!r})):\n    print('held', flush=True)\n    import time; time.sleep(600)\n"


def test_a_lock_left_by_a_killed_build_is_taken_over_and_its_leftovers_swept(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD.format(out=str(out))], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    leftover = out / "_executed" / ".page.ipynb.abc123.tmp"  # a write_atomic temp file, mid-write
    leftover.parent.mkdir(parents=True)
    leftover.write_text("{half a notebo")
    scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{holder.pid}-"))
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert f"process {holder.pid}" in (out / LOCK_NAME).read_text()  # the dead build's claim is still written
    said = []
    started = time.monotonic()
    with folder_lock(out, wait=False, say=said.append):
        assert time.monotonic() - started < 2  # never trusted: taken over at once
        assert f"process {os.getpid()}" in (out / LOCK_NAME).read_text()
    assert said and f"process {holder.pid}" in said[0] and "stopped before it finished" in said[0]
    assert not leftover.exists() and not scratch.exists()
    assert (out / LOCK_NAME).read_text() == ""  # released cleanly: nothing for the next build to sweep


KERNELS = textwrap.dedent(
    """
    import asyncio, json, sys, tempfile
    from pathlib import Path
    from jupyter_client.manager import AsyncKernelManager
    from taxfirewall.build.kernel import use_ipc

    async def one(scratch):
        km = AsyncKernelManager(kernel_name="python3")
        use_ipc(km, scratch)
        await km.start_kernel()
        try:
            kc = km.client()
            kc.start_channels()
            await kc.wait_for_ready(timeout=60)
            transport = json.loads(Path(km.connection_file).read_text())["transport"]
            kc.stop_channels()
            return transport
        finally:
            await km.shutdown_kernel(now=True)

    async def main():
        with tempfile.TemporaryDirectory(prefix="tfk-") as d:
            print(json.dumps(await asyncio.gather(*(one(Path(d)) for _ in range(2)))))

    asyncio.run(main())
    """
)


def test_kernels_started_from_several_processes_at_once_never_collide():
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", KERNELS], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=240) for p in procs]
    for p, (out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err[-2000:]
        assert json.loads(out) == ["ipc", "ipc"]
