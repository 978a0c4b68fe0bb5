"""`make lab` as the desk meets it: tools/lab.py, which the Makefile's lab target runs."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT
from taxfirewall.notebook import git_text

LAB = ROOT / "tools" / "lab.py"
NOTEBOOK = "notebooks/01_explore.ipynb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """tools/lab.py on a free port over a copy of the notebooks (autosave cannot touch the
    repository), with fresh Jupyter config, runtime and workspace folders; yields the
    address it prints, the port, and the copy."""
    work = tmp_path / "lab"
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"),
    )
    env.pop("JUPYTER_TOKEN", None)  # the script makes one and must print it
    log = open(tmp_path / "lab.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, str(LAB), "--no-browser", "--port", str(port), "--root", str(work)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    address, deadline = None, time.monotonic() + 120
    while address is None and time.monotonic() < deadline:
        try:
            m = re.match(r"JupyterLab: open (\S+)$", lines.get(timeout=1).strip())
            address = m and m.group(1)
        except queue.Empty:
            if proc.poll() is not None:
                break
    try:
        if address is None:
            pytest.fail(f"no address printed within 120 s:\n{(tmp_path / 'lab.log').read_text()[-3000:]}")
        yield address, port, work
    finally:
        proc.terminate()  # the script passes it on to JupyterLab
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_make_lab_runs_the_launcher():
    # under `make test` the parent make's flags ask for "Entering/Leaving directory" lines
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", "lab"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert done.stdout.strip().splitlines()[-1].endswith("python tools/lab.py")


@pytest.mark.browser
@pytest.mark.slow
def test_lab_opens_on_the_explorer_at_the_printed_address_without_a_pop_up(lab, open_page):
    address, port, work = lab
    assert re.fullmatch(rf"http://127\.0\.0\.1:{port}/lab/tree/{NOTEBOOK}\?token=\w{{32,}}", address)
    # the address is needed: the server does not answer without its token
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/notebooks", timeout=10)
    assert refused.value.code == 403

    page, log = open_page(address, width=1200, height=900)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90000)
    current = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
    assert current.inner_text() == "01_explore.ipynb"
    # the news question appears once the app is restored and the kernel is up: wait for that
    page.wait_for_function(
        "() => /\\|\\s*Idle/.test(document.querySelector('.jp-StatusBar-Widget')?.parentElement?.textContent || '')",
        timeout=120000,
    )
    page.wait_for_timeout(3000)
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    assert toasts == [], toasts
    assert [u for u in log.blocked if "127.0.0.1" not in u] == []

    # a save from JupyterLab adds kernel details; through the git filter it is the stored notebook
    stored = (work / NOTEBOOK).read_text(encoding="utf-8")
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+s")
    page.wait_for_selector(
        "#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current:not(.jp-mod-dirty)", timeout=30000
    )
    saved = (work / NOTEBOOK).read_text(encoding="utf-8")
    assert git_text(saved) == git_text(stored)
