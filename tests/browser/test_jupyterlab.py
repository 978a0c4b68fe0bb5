"""JupyterLab itself: open a notebook, run every cell, see the charts render offline; the
story's outputs read in JupyterLab as on its report page (dollar amounts stay text, never
maths; the tables styled as on the page; the charts drawn alike, with no version warning)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import LOCAL, ROOT, PageLog

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TOKEN = "taxfirewall-test-token"
# our outputs, and every chart drawn in them (the reports draw SVG, and so does JupyterLab)
OUTPUTS = ".jp-OutputArea-output:not(:has(.tf-control))"
CHARTS = ".jp-OutputArea-output svg.marks, .jp-OutputArea-output canvas.marks"
# a cell of maths added to the story's copy: once it is typeset, MathJax has run
CONTROL = "from IPython.display import HTML\nHTML('<p class=\"tf-control\">$x^2$</p>')"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _lab_server(tmp_path: Path):
    """A JupyterLab server on 127.0.0.1 over a copy of the notebooks (so autosave cannot
    write outputs into the repository); yields (url, the copy's folder)."""
    work = tmp_path / "lab"
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_PATH=str(ROOT / "tools" / "jupyter"),  # `make lab`'s page config: no announcements
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
            "--LabApp.news_url=None",  # as tools/lab.py (`make lab`): an empty URL is still fetched
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("jupyter lab did not start within 60 s")
        yield url, work / "notebooks"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def lab(tmp_path):
    with _lab_server(tmp_path) as (url, _):
        yield url


def _open(browser, url: str, width: int, height: int):
    """A page with the network blocked but local, its console kept: (page, log, console)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    log, console = PageLog(), []

    def route(r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            log.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.goto(url, wait_until="load")
    return page, log, console


def _run_all(page) -> None:
    """Run > Run All Cells once the kernel is idle; return when every cell has run."""
    page.wait_for_selector(".jp-Notebook", timeout=60000)
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


def _assert_ran_cleanly_with_charts(page, log) -> None:
    errors = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()
    assert not [e for e in errors if "Traceback" in e or "Error" in e], errors
    assert page.locator(".jp-OutputArea-output:has-text('Traceback')").count() == 0
    # the altair charts render natively in the output area (vega, no CDN)
    page.wait_for_function(f"() => document.querySelectorAll('{CHARTS}').length >= 2", timeout=60000)
    sizes = page.evaluate(
        f"() => [...document.querySelectorAll('{CHARTS}')].map(e => e.getBoundingClientRect().width * e.getBoundingClientRect().height)"
    )
    assert all(s > 0 for s in sizes)
    assert page.locator(".jp-OutputArea-output:has-text('No renderer could be found')").count() == 0
    blocked = [u for u in log.blocked if "127.0.0.1" not in u]
    assert blocked == [], blocked


# the explorer's charts carry one layout; the story's (below) also carry their phone layouts
# under a mimetype of ours, which JupyterLab must pass over for the Vega-Lite one
def test_notebook_runs_in_jupyterlab_and_charts_render(lab, browser):
    # a tall window keeps every cell on screen: JupyterLab only renders what is visible
    page, log, _ = _open(browser, f"{lab}/lab/tree/notebooks/01_explore.ipynb?token={TOKEN}", 1400, 8000)
    _run_all(page)
    _assert_ran_cleanly_with_charts(page, log)
    page.context.close()


# --------------------------------------------------------------------------- the story


def _story_report(folder: Path) -> Path:
    """The story's report page as the build renders it (taxfirewall.report), from the
    outputs 04_story displays with its default parameters, its vega runtime inlined."""
    import nbformat

    from taxfirewall import load_incident, prose, report
    from taxfirewall.charts import funnel_chart, timeline_chart
    from taxfirewall.notebook import setup
    from taxfirewall.paths import DEFAULT_INCIDENT

    setup()
    data = load_incident(DEFAULT_INCIDENT)
    charts = {
        "funnel": funnel_chart(data, theme="light", scale="zoom"),
        "timeline": timeline_chart(data, theme="light", annotate=True),
    }
    outputs = []
    for part in prose.parts(data, charts):
        bundle, meta = (
            ({"text/html": part.html}, {}) if isinstance(part, prose.Html) else part._repr_mimebundle_()
        )
        outputs.append(nbformat.v4.new_output("display_data", data=bundle, metadata=meta))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=outputs)])
    html = report.render(
        nb,
        title="The story",
        dek="",
        incident=data,
        theme="light",
        notebook="04_story.ipynb",
        parameters={},
        runtime=report.Runtime(),
    )
    path = folder / "story.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def story(browser, tmp_path_factory):
    """04_story run in JupyterLab (with a cell of maths added to its copy, the control), and
    its report page: {"lab": (page, log, console), "report": (page, log, console)}."""
    tmp = tmp_path_factory.mktemp("story")
    with _lab_server(tmp) as (url, notebooks):
        path = notebooks / "04_story.ipynb"
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["cells"].append(
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": CONTROL}
        )
        path.write_text(json.dumps(nb), encoding="utf-8")
        lab = _open(browser, f"{url}/lab/tree/notebooks/04_story.ipynb?token={TOKEN}", 1400, 12000)
        _run_all(lab[0])
        _assert_ran_cleanly_with_charts(*lab[:2])
        # MathJax has typeset the control: it has had its chance at every output
        lab[0].wait_for_selector(".jp-OutputArea-output:has(.tf-control) mjx-container", timeout=60000)
        page = _open(browser, _story_report(tmp).as_uri(), 1400, 12000)
        page[0].wait_for_function(
            "() => document.querySelectorAll('.chart-view.drawn svg.marks').length >= 2"
        )
        yield {"lab": lab, "report": page}
        for p in (lab[0], page[0]):
            p.context.close()


def test_story_dollar_amounts_stay_text_in_jupyterlab_never_maths(story):
    page = story["lab"][0]
    text = "\n".join(page.locator(OUTPUTS).all_inner_texts())
    for amount in ("$96.7 billion", "$96,650,000,000–$96,749,999,999", "$59.4bn", "$37.3bn"):
        assert amount in text
    assert page.locator(f"{OUTPUTS} :is(mjx-container, .MathJax)").count() == 0


# what makes the table read as it does: alignment, weight, spacing, rules, row backgrounds
STYLE_PROPS = [
    "text-align",
    "vertical-align",
    "font-weight",
    "font-size",
    "line-height",
    "white-space",
    "display",
    "padding-top",
    "padding-left",
    "border-bottom-style",
    "border-bottom-width",
]
TABLE_STYLES = """(root) => {
    const t = root.querySelector('table.tf-figures');
    const els = {
        caption: t.querySelector('caption'),
        head: t.querySelector('thead th'),
        group: t.querySelector('tr.tf-figure th'),
        label: t.querySelector('.tf-figure-label'),
        preferred: t.querySelector('.tf-figure-pref'),
        reason: t.querySelector('.tf-reason'),
        ...Object.fromEntries([...t.querySelector('tr.tf-preferred').cells].map((c, i) => ['cell' + i, c])),
    };
    const props = PROPS;
    const out = {};
    for (const [name, el] of Object.entries(els)) {
        const s = getComputedStyle(el);
        for (const p of props) out[name + ' ' + p] = s.getPropertyValue(p);
    }
    out['row background'] = getComputedStyle(t.querySelector('tbody tr:not(.tf-figure)')).backgroundColor;
    out['table layout'] = getComputedStyle(t).tableLayout;
    return out;
}"""


def _table_styles(page, root: str) -> dict:
    js = TABLE_STYLES.replace("PROPS", json.dumps(STYLE_PROPS))
    return page.locator(root).filter(has=page.locator("table.tf-figures")).first.evaluate(js)


def test_story_figures_table_is_styled_in_jupyterlab_as_on_its_report_page(story):
    lab = _table_styles(story["lab"][0], ".jp-OutputArea-output")
    page = _table_styles(story["report"][0], ".output.html")
    # the figure's row: its label bold, the preferred value and the reason not, all left-aligned
    assert lab["group text-align"] == "left" and lab["cell0 text-align"] == "left"
    assert lab["label font-weight"] == "700" and lab["preferred font-weight"] == "400"
    assert {k: v for k, v in lab.items() if v != page[k]} == {}


def _text_marks(page) -> list[list[str]]:
    return page.evaluate(
        "() => [...document.querySelectorAll('svg.marks')].map(svg => [...svg.querySelectorAll('text')].map(t => t.textContent))"
    )


def test_story_charts_draw_in_jupyterlab_as_on_the_report_page_with_no_version_warning(story):
    page, _, console = story["lab"]
    warnings = [m for m in console if "Vega" in m and "version" in m]
    assert warnings == []
    lab, report = _text_marks(page), _text_marks(story["report"][0])
    assert len(lab) == 2 and all(lab)
    assert lab == report
