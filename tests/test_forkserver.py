"""Kernels forked by the build's fork server: as isolated as fresh ones, same pages.

Each report gets its own forked process: what one report changes (a variable, a patched
module, the working folder, the random generators) is not seen by the next; the pages are
byte-identical to a fresh kernel's; a time limit and a kernel that dies end as before.
Outputs go to tmp dirs, never the real reports/.
"""

from __future__ import annotations

import filecmp
import os
import re
import time
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell

from conftest import ROOT, write_notebook
from taxfirewall.build import build
from taxfirewall.build.forkserver import MODE_ENV, kernel_mode
from test_build import write_manifest
from test_hardening import assert_clean_failure, run_build, tiny_manifest, tiny_notebook

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(kernel_mode() != "fork" and MODE_ENV not in os.environ, reason="no fork here"),
]

# Checks that nothing of an earlier report is here, then leaves traces of its own.
CHECK_AND_POLLUTE = """\
import json, os, random, sys
import numpy, taxfirewall
warm = 'pandas' in sys.modules  # imported by the fork server, not by this notebook
assert 'leak' not in globals(), 'a variable of another report'
assert not hasattr(json.dumps, 'leaked_by') and not hasattr(taxfirewall, 'leaked_by'), 'a patched module'
assert os.getcwd() == ROOT, ('another working folder', os.getcwd())
print(f'{name}: warm={warm} random={random.random()!r} numpy={numpy.random.random()!r}')
leak = name
json.dumps = lambda *a, _dumps=json.dumps, **k: _dumps(*a, **k)  # the kernel itself uses json.dumps
json.dumps.leaked_by = name
taxfirewall.leaked_by = name
os.chdir(os.path.dirname(ROOT))
"""


@pytest.fixture
def fork_kernels(monkeypatch):
    monkeypatch.setenv(MODE_ENV, "fork")


def test_a_report_sees_nothing_an_earlier_report_changed(tmp_path, fork_kernels):
    nb = write_notebook(
        tmp_path / "polluter.ipynb",
        "name = 'a'",
        new_code_cell(f"ROOT = {str(ROOT)!r}\n" + CHECK_AND_POLLUTE),
    )
    pages = _first_and_second(tmp_path, nb)
    lines = {}
    for slug, page in pages.items():
        lines[slug] = re.search(rf"{slug}: warm=(\w+) random=(\S+) numpy=([\d.e-]+)", page).groups()
    assert lines["first"][0] == lines["second"][0] == "True"  # both kernels were forked warm
    assert lines["first"][1] != lines["second"][1]  # random re-seeded in each kernel
    assert lines["first"][2] != lines["second"][2]  # numpy's global generator too


def _first_and_second(tmp_path, nb) -> dict[str, str]:
    """Build the notebook twice, as reports "first" then "second" (name = the slug), one
    job: each page's text."""
    manifest = write_manifest(
        tmp_path / "reports.toml",
        [
            {"slug": s, "notebook": str(nb), "title": s, "dek": "Runs.", "parameters": {"name": s}}
            for s in ("first", "second")
        ],
    )
    rc, stdout, stderr = run_build(manifest, tmp_path / "out")
    assert rc == 0, stdout + stderr
    return {slug: (tmp_path / "out" / f"{slug}.html").read_text() for slug in ("first", "second")}


def test_fork_and_fresh_kernels_write_byte_identical_pages(tmp_path, monkeypatch):
    outs = {}
    for mode in ("fresh", "fork"):
        monkeypatch.setenv(MODE_ENV, mode)
        outs[mode] = tmp_path / mode
        rc = build(ROOT / "reports.toml", outs[mode], only=["funnel-linear"], force=True, jobs=1)
        assert rc == 0
    ignore = ["_executed", "_failed", "_screens", ".build-state.json", ".build.lock"]
    cmp = filecmp.dircmp(outs["fresh"], outs["fork"], ignore=ignore)
    assert _differences(cmp) == []
    assert (outs["fork"] / "funnel-linear.html").is_file()


def _differences(cmp: filecmp.dircmp) -> list[str]:
    out = [*cmp.left_only, *cmp.right_only, *cmp.diff_files, *cmp.funny_files]
    for sub in cmp.subdirs.values():
        out += _differences(sub)
    return out


def test_a_forked_kernel_over_its_time_limit_is_killed(tmp_path, fork_kernels):
    pid_file = tmp_path / "kernel.pid"
    nb = write_notebook(
        tmp_path / "slow.ipynb",
        "seconds = 0",
        new_code_cell(
            f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(seconds)"
        ),
    )
    manifest = write_manifest(
        tmp_path / "reports.toml",
        [
            {
                "slug": "page",
                "notebook": str(nb),
                "title": "Slow",
                "dek": "Sleeps.",
                "parameters": {"seconds": 60},
            }
        ],
    )
    t = time.perf_counter()
    rc, stdout, stderr = run_build(manifest, tmp_path / "out", timeout=4)
    assert rc == 1 and "timed out after 4 s" in stderr, stdout + stderr
    assert time.perf_counter() - t < 40
    pid = int(pid_file.read_text())
    assert not _running(pid), "the forked kernel outlived its time limit"


def _running(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text().lower()


def test_a_forked_kernel_that_dies_fails_its_report_in_one_line(tmp_path, fork_kernels, capfd):
    notebook = tiny_notebook(tmp_path / "tiny.ipynb")
    rc, stdout, stderr = run_build(tiny_manifest(tmp_path, notebook, die=True), tmp_path / "out")
    assert_clean_failure(rc, stdout, stderr, capfd, "tiny.ipynb", "Kernel died")


# Loads the readied dataset, checks no earlier report changed it, then changes it.
LOAD_AND_CHANGE = """\
import sys
from pathlib import Path
from taxfirewall import data, load_incident
ready = (Path(incident).resolve(), 'en') in data._PRELOADED
inc = load_incident(incident)
first = next(iter(inc.tables.values()))
assert not hasattr(inc, 'changed_by') and first.iat[0, 0] != 'changed', 'the dataset as another report left it'
inc.changed_by = name
first.iat[0, 0] = 'changed'
print(f"{name}: ready={ready} warm={'pandas' in sys.modules}")
"""


def test_each_forked_kernel_gets_the_readied_dataset_as_the_server_loaded_it(
    tmp_path, fork_kernels, synthetic
):
    nb = write_notebook(
        tmp_path / "loader.ipynb",
        f"incident = {str(synthetic)!r}\nname = 'a'",
        new_code_cell(LOAD_AND_CHANGE),
    )
    for slug, page in _first_and_second(tmp_path, nb).items():  # readying started no thread: forked
        assert f"{slug}: ready=True warm=True" in page
