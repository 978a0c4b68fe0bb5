"""A build killed outright (SIGKILL) at random moments loses nothing.

Twenty builds, each after a small edit to the data (a figure flips between two values), are
killed at a random moment of their run. After each: every page, executed notebook and
thumbnail on disk is exactly the bytes of a clean build of one of the two datasets (the
previous or the new, never a mix or a torn file); the state file is whole JSON; no kernel of
the killed build outlives it. Then one build runs to the end and leaves exactly a clean
build's pages, a second has nothing to do (its state is trusted), and no temporary file,
scratch folder or kernel is left behind.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell

from conftest import IRS, edit_cell, write_notebook
from taxfirewall.build.lock import SCRATCH_PREFIX
from test_build import write_manifest

pytestmark = pytest.mark.slow
ROUNDS = 20
VALUES = ("47289", "47311")  # the two datasets: the returned count as it is, and edited
FILES = ("funnel.html", "_executed/funnel.ipynb", "_thumbs/funnel.svg")


# A light report of the dataset (no pandas or altair in the kernel, so twenty builds stay
# quick): the edited count printed and drawn as a one-bar Vega-Lite chart, so the page, its
# executed notebook and its thumbnail all change with the data.
CELL = """import csv, pathlib
from IPython.display import display
with open(pathlib.Path(incident) / "figures.csv", encoding="utf-8") as fh:
    value = int(next(r for r in csv.DictReader(fh) if r["value_id"] == "F2-checkpoint-2026-02")["value"])
print(f"returned: {value:,}")
spec = {"mark": "bar", "data": {"values": [{"v": value}]}, "encoding": {"x": {"field": "v", "type": "quantitative"}}}
display({"application/vnd.vegalite.v5+json": spec}, raw=True)"""


def _report(tmp: Path, data: Path) -> str:
    notebook = write_notebook(
        tmp / "count.ipynb", 'incident = ""  # the incident folder', new_code_cell(CELL)
    )
    entry = {"slug": "funnel", "notebook": str(notebook), "title": "The count", "dek": "One figure."}
    return write_manifest(tmp / "reports.toml", [{**entry, "parameters": {"incident": str(data)}}])


def _set(data: Path, value: str) -> None:
    for column in ("value", "low", "high"):
        edit_cell(data, "figures.csv", "value_id", "F2-checkpoint-2026-02", column, value)


def _start(manifest, out, *extra) -> subprocess.Popen:
    args = [
        sys.executable,
        "-m",
        "taxfirewall.cli",
        "build",
        "--manifest",
        manifest,
        "--out",
        str(out),
        *extra,
    ]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _kernels_of(pids: set[int]) -> list[int]:
    """Processes of the given builds that outlive them: kernels (fresh or forked) and the
    fork server, found by a descriptor into the build's scratch folder (their stderr logs
    are there), whatever their command line says."""
    marks = [f"{SCRATCH_PREFIX}{pid}-" for pid in pids]
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        if int(proc.name) == os.getpid():
            continue
        try:
            links = [os.readlink(fd) for fd in (proc / "fd").iterdir()]
        except OSError:
            continue
        if any(mark in link for link in links for mark in marks):
            found.append(int(proc.name))
    return found


def _leftovers(out: Path, pids: set[int]) -> list[str]:
    tmp = Path(tempfile.gettempdir())
    scratch = [p.name for pid in pids for p in tmp.glob(f"{SCRATCH_PREFIX}{pid}-*")]
    return scratch + [str(p) for p in out.rglob(".*.tmp")]


def _gone(pids: set[int], seconds: float = 20.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (alive := _kernels_of(pids)) and time.monotonic() < deadline:
        time.sleep(0.25)
    return alive


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("killed")
    data = tmp / "data"
    shutil.copytree(IRS, data)
    manifest = _report(tmp, data)
    refs, seconds = {}, []
    for value in VALUES:  # a clean build of each dataset: the only bytes a page may have
        _set(data, value)
        started = time.monotonic()
        proc = _start(manifest, tmp / f"ref-{value}")
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
        seconds.append(time.monotonic() - started)
        refs[value] = {name: (tmp / f"ref-{value}" / name).read_bytes() for name in FILES}
    assert refs[VALUES[0]]["funnel.html"] != refs[VALUES[1]]["funnel.html"]
    return {"data": data, "manifest": manifest, "refs": refs, "seconds": max(seconds), "out": tmp / "site"}


def _check_whole(out: Path, refs: dict) -> None:
    for name in FILES:
        path = out / name
        if path.exists():
            assert path.read_bytes() in (refs[VALUES[0]][name], refs[VALUES[1]][name]), name
    state = out / ".build-state.json"
    if state.exists():
        assert json.loads(state.read_text(encoding="utf-8"))["format"] == 1
    index = out / "index.html"
    if index.exists():
        assert index.read_text(encoding="utf-8").endswith("</html>\n")


def test_builds_killed_at_random_moments_leave_whole_pages_and_a_trusted_state(setup):
    rng = random.Random(14)
    out, pids = setup["out"], set()
    for round_ in range(ROUNDS):
        _set(setup["data"], VALUES[round_ % 2])
        proc = _start(setup["manifest"], out)
        pids.add(proc.pid)
        time.sleep(rng.uniform(0.0, setup["seconds"] * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _gone({proc.pid}) == [], f"round {round_}: kernels outlived their build"
        _check_whole(out, setup["refs"])
    final = VALUES[(ROUNDS - 1) % 2]
    finish = _start(setup["manifest"], out)
    pids.add(finish.pid)
    assert finish.wait(timeout=300) == 0, finish.stderr.read()
    for name in FILES:
        assert (out / name).read_bytes() == setup["refs"][final][name], name
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "taxfirewall.cli",
            "build",
            "--manifest",
            setup["manifest"],
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0 and "1 skipped" in again.stdout, again.stdout + again.stderr
    assert _leftovers(out, pids) == [] and _gone(pids) == []
    assert (out / ".build.lock").read_text() == ""
    assert os.path.getsize(out / ".build-state.json") > 0
