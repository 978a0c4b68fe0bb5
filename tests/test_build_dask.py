"""`taxfirewall build --executor dask`: the reports run on a Dask cluster (a LocalCluster of
two worker processes here), the build writes the same bytes and state as a local build.

Outputs always go to tmp dirs (``--out``), never the real reports/.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell

from conftest import write_notebook
from taxfirewall.cli import main
from test_build import report, write_manifest
from test_build_run import stand_in_notebook

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

TIMING = ("seconds", "phases")  # state fields that measure time, not content


@pytest.fixture(scope="module")
def scheduler():
    """A LocalCluster of two worker processes, one thread each, for the whole module."""
    import dask

    with (
        dask.config.set({"distributed.scheduler.worker-saturation": 1.0}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
        yield cluster.scheduler_address


def sleeper_notebook(path: Path) -> Path:
    """A notebook that writes its kernel's pid and parent's pid to a file, then sleeps."""
    return write_notebook(
        path,
        'seconds = 0  # sleep this long\npid_file = ""  # where to write the pids',
        new_code_cell(
            "import os, pathlib, time\n"
            "if pid_file:\n"
            "    pathlib.Path(pid_file).write_text(f'{os.getpid()} {os.getppid()}')\n"
            "time.sleep(seconds)\n"
            "print('slept', seconds)"
        ),
    )


def worker_of(parent: int) -> int:
    """The Dask worker process of a kernel's parent: the worker, or its fork server."""
    import psutil

    process = psutil.Process(parent)
    if any("forkserver" in part for part in process.cmdline()):
        process = process.parent()
    return process.pid


def build(manifest, out, *extra) -> int:
    return main(["build", "--manifest", str(manifest), "--out", str(out), *extra])


def files(out: Path) -> dict[str, bytes]:
    """Every file of an out folder (but the lock) by relative path."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".build-lock")
    }


def untimed(state: bytes) -> dict:
    """The state file without the fields that measure time."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in TIMING}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(json.loads(state))


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dask")
    light = [
        report("funnel", "02_funnel"),
        report("funnel-dark", "02_funnel", theme="dark", funnel_scale="linear"),
        {
            "slug": "short-nap",
            "notebook": str(sleeper_notebook(tmp / "sleeper.ipynb")),
            "title": "A nap",
            "dek": "No chart.",
            "parameters": {"seconds": 0},
        },
    ]
    return write_manifest(tmp / "reports.toml", light)


def test_dask_build_writes_the_same_bytes_as_a_local_build(tmp_path, manifest, scheduler, capsys):
    assert build(manifest, tmp_path / "local") == 0
    assert build(manifest, tmp_path / "dask", "--executor", "dask", "--scheduler", scheduler) == 0
    local, dask = files(tmp_path / "local"), files(tmp_path / "dask")
    assert sorted(local) == sorted(dask)
    assert any(name.startswith("_thumbs/") for name in dask)
    for name in local:
        if name == ".build-state.json":
            assert untimed(local[name]) == untimed(dask[name])
        else:
            assert local[name] == dask[name], name

    capsys.readouterr()
    before = files(tmp_path / "dask")
    assert build(manifest, tmp_path / "dask", "--executor", "dask", "--scheduler", scheduler) == 0
    said = capsys.readouterr().out
    assert "3 report(s): 3 skipped (unchanged)" in said, said
    assert files(tmp_path / "dask") == before  # a no-op rebuild writes nothing, as locally


def test_a_report_whose_worker_dies_fails_and_the_others_finish(tmp_path, scheduler, capsys):
    sleeper = sleeper_notebook(tmp_path / "sleeper.ipynb")
    pid_file = tmp_path / "worker.pid"

    def entries(seconds: int, pid: str) -> list[dict]:
        nap = {"seconds": seconds, "pid_file": pid}
        return [
            {"slug": "nap", "notebook": str(sleeper), "title": "Nap", "dek": "d.", "parameters": nap},
            {"slug": "a", "notebook": str(sleeper), "title": "A", "dek": "d.", "parameters": {"seconds": 0}},
            {"slug": "b", "notebook": str(sleeper), "title": "B", "dek": "d.", "parameters": {"seconds": 1}},
        ]

    out = tmp_path / "out"
    assert build(write_manifest(tmp_path / "good.toml", entries(0, "")), out) == 0
    good_page = (out / "nap.html").read_bytes()
    manifest = write_manifest(tmp_path / "long.toml", entries(120, str(pid_file)))
    status = []
    thread = threading.Thread(
        target=lambda: status.append(
            build(manifest, out, "--force", "--executor", "dask", "--scheduler", scheduler)
        )
    )
    thread.start()
    for _ in range(1 + 1):  # the report is run once more after the first death, then fails
        # generous: a replacement worker starts its fork server first, slow on a busy machine
        deadline = time.monotonic() + 240
        while not pid_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pid_file.is_file(), "the report never started on a worker"
        time.sleep(0.3)  # the pids are written whole
        kernel, parent = (int(pid) for pid in pid_file.read_text().split())
        pid_file.unlink()
        os.kill(worker_of(parent), signal.SIGKILL)
        os.kill(kernel, signal.SIGKILL)  # went with its machine
    thread.join(timeout=300)
    assert status == [1]
    captured = capsys.readouterr()
    assert "worker died while running nap (tried 2 times)" in captured.out + captured.err
    assert (out / "nap.html").read_bytes() == good_page  # the last good page stays
    state = json.loads((out / ".build-state.json").read_text())
    assert (out / "a.html").is_file() and (out / "b.html").is_file()
    assert state["reports"]["a"]["good"] and state["reports"]["b"]["good"]


def test_a_scheduler_without_the_dask_executor_is_refused(tmp_path, capsys):
    manifest = write_manifest(tmp_path / "reports.toml", [report("funnel", "02_funnel")])
    assert build(manifest, tmp_path / "out", "--scheduler", "tcp://127.0.0.1:8786") == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_failing_notebook_fails_on_dask_as_it_does_locally(tmp_path, scheduler, capsys):
    notebook = stand_in_notebook(tmp_path / "stand_in.ipynb")
    entry = {"slug": "broken", "notebook": str(notebook), "title": "T", "dek": "D."}
    manifest = write_manifest(tmp_path / "reports.toml", [{**entry, "parameters": {"fail": True}}])
    said = {}
    for name, extra in (("local", ()), ("dask", ("--executor", "dask", "--scheduler", scheduler))):
        capsys.readouterr()
        assert build(manifest, tmp_path / name, *extra) == 1
        said[name] = [line for line in capsys.readouterr().err.splitlines() if "raised ValueError" in line]
    assert said["dask"] == said["local"] and said["local"]
    assert (
        files(tmp_path / "dask")["_failed/broken.ipynb"] == files(tmp_path / "local")["_failed/broken.ipynb"]
    )
    assert not (tmp_path / "dask" / "broken.html").exists()
