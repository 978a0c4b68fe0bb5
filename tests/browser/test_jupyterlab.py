"""JupyterLab itself: open a notebook, run every cell, see the charts render offline."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TOKEN = "taxfirewall-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on 127.0.0.1 over a copy of the notebooks (so autosave cannot
    write outputs into the repository)."""
    work = tmp_path / "lab"
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"),
    )
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("jupyter")),
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={work}",
            "--ServerApp.open_browser=False",
            "--allow-root",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("jupyter lab did not start within 60 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


# the explorer's charts carry one layout; the story's also carry their phone layouts under a
# mimetype of ours, which JupyterLab must pass over for the Vega-Lite one
@pytest.mark.parametrize("notebook", ["01_explore", "04_story"])
def test_notebook_runs_in_jupyterlab_and_charts_render(lab, open_page, notebook):
    # a tall window keeps every cell on screen: JupyterLab only renders what is visible
    page, log = open_page(f"{lab}/lab/tree/notebooks/{notebook}.ipynb?token={TOKEN}", width=1400, height=8000)
    page.wait_for_selector(".jp-Notebook", timeout=60000)
    # wait until the kernel has started and reports idle, then Run > Run All Cells
    page.wait_for_function(
        "() => /\\|\\s*Idle/.test(document.querySelector('.jp-StatusBar-Widget')?.parentElement?.textContent || '')",
        timeout=120000,
    )
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # every code cell gets an execution count once it has run
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=180000,
    )
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60000)
    errors = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()
    assert not [e for e in errors if "Traceback" in e or "Error" in e], errors
    assert page.locator(".jp-OutputArea-output:has-text('Traceback')").count() == 0
    # the altair charts render natively in the output area (vega, no CDN)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-OutputArea-output svg.marks, .jp-OutputArea-output canvas.marks')].length >= 2",
        timeout=60000,
    )
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('.jp-OutputArea-output svg.marks, .jp-OutputArea-output canvas.marks')].map(e => e.getBoundingClientRect().width * e.getBoundingClientRect().height)"
    )
    assert all(s > 0 for s in sizes)
    assert page.locator(".jp-OutputArea-output:has-text('No renderer could be found')").count() == 0
    blocked = [u for u in log.blocked if "127.0.0.1" not in u]
    assert blocked == [], blocked
