"""`taxfirewall build` end to end: kernels run, pages land, failures keep the old page.

Outputs always go to tmp dirs (``--out``), never the real reports/.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from conftest import ROOT, SYNTHETIC, edit_cell, write_notebook
from taxfirewall import __version__, load_incident
from taxfirewall.cli import main
from test_build import report, write_manifest

pytestmark = pytest.mark.slow

CDN_HOSTS = (
    "cdn.jsdelivr.net",
    "unpkg.com",
    "cdnjs.cloudflare.com",
    "requirejs",
    "require.js",
    "mathjax",
    "fonts.googleapis.com",
    "code.jquery.com",
    "widgets.jupyter",
)
TAXFIREWALL = str(Path(sys.executable).parent / "taxfirewall")


def stand_in_notebook(path: Path) -> Path:
    """A tiny notebook (a stand-in chart) that fails or sleeps on request."""
    return write_notebook(
        path,
        "fail = False  # raise in the last cell\nseconds = 0  # sleep this long first",
        new_code_cell("import time\ntime.sleep(seconds)"),
        new_markdown_cell("## A stand-in chart"),
        new_code_cell(
            "import altair as alt\nimport pandas as pd\nfrom taxfirewall.notebook import setup\nsetup()\n"
            "alt.Chart(pd.DataFrame({'x': [1, 2]}), description='Stand-in chart: two bars </script> & more')"
            ".mark_bar().encode(x='x:Q')"
        ),
        new_code_cell("if fail:\n    raise ValueError('stand-in failure <b>')"),
    )


def kernel_pids(build_pid: int) -> list[str]:
    """The build's kernels: its children (fresh kernels) or its fork server's (forked ones)."""

    def children(pid, *pattern):
        return subprocess.run(
            ["pgrep", "-P", str(pid), *pattern], capture_output=True, text=True
        ).stdout.split()

    servers = children(build_pid, "-f", "build.forkserver")
    return children(build_pid, "-f", "ipykernel") + [k for s in servers for k in children(s)]


def run(manifest, out, *extra) -> int:
    return main(["build", "--manifest", str(manifest), "--out", str(out), *extra])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two real reports (the story of the made-up incident, the IRS funnel) built twice,
    into two out folders."""
    tmp = tmp_path_factory.mktemp("build")
    # A long folder name with no break opportunity: the provenance line quotes it, and a
    # phone screen must wrap it rather than scroll sideways (as a deep checkout path would).
    synth = tmp / "synthetic_incident_copied_into_a_folder_whose_long_name_never_breaks"
    import shutil

    shutil.copytree(SYNTHETIC, synth)
    manifest = write_manifest(
        tmp / "reports.toml",
        [
            report("synth-story", "04_story", incident=str(synth), theme="dark"),
            report("irs-funnel", "02_funnel", funnel_scale="log"),
        ],
    )
    out1, out2 = tmp / "out1", tmp / "out2"
    t = time.perf_counter()
    rc1 = run(manifest, out1)
    first = time.perf_counter() - t
    rc2 = run(manifest, out2, "--force", "--jobs", "1")
    return {
        "tmp": tmp,
        "synth": synth,
        "manifest": manifest,
        "out1": out1,
        "out2": out2,
        "rc": (rc1, rc2),
        "seconds": first,
    }


def test_build_writes_each_page_its_executed_notebook_and_an_index(built):
    assert built["rc"] == (0, 0)
    out = built["out1"]
    for slug in ("synth-story", "irs-funnel"):
        assert (out / f"{slug}.html").is_file()
        assert (out / "_executed" / f"{slug}.ipynb").is_file()
        assert (out / "_thumbs" / f"{slug}.svg").read_text().startswith("<svg")
    index = (out / "index.html").read_text()
    assert 'href="synth-story.html"' in index and 'href="irs-funnel.html"' in index and "up to date" in index
    assert not (out / "_failed").exists() or not any((out / "_failed").iterdir())
    runtime = list((out / "_static").glob("vega-runtime-*.js"))
    assert len(runtime) == 1
    assert f'<script src="_static/{runtime[0].name}"></script>' in (out / "irs-funnel.html").read_text()


def test_two_builds_of_the_same_inputs_are_byte_identical(built):
    for name in (
        "synth-story.html",
        "irs-funnel.html",
        "index.html",
        "_executed/synth-story.ipynb",
        "_executed/irs-funnel.ipynb",
        "_thumbs/irs-funnel.svg",
    ):
        assert (built["out1"] / name).read_bytes() == (built["out2"] / name).read_bytes(), name


def test_pages_load_nothing_from_the_network(built):
    for page in built["out1"].glob("*.html"):
        html = page.read_text()
        assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", html), page.name
        assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", html), page.name
        text = html.lower().replace("mathjax_ignore", "")  # the class telling MathJax to leave our text alone
        for host in CDN_HOSTS:
            assert host not in text, (page.name, host)


def test_page_has_alt_text_code_hidden_and_provenance(built):
    html = (built["out1"] / "synth-story.html").read_text()
    nb = json.loads((built["out1"] / "_executed" / "synth-story.ipynb").read_text())
    specs = [
        o["data"]["application/vnd.vegalite.v5+json"]
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "application/vnd.vegalite.v5+json" in o.get("data", {})
    ]
    assert len(specs) == 2
    for spec in specs:
        alt = escape(spec["description"])
        # the alt text once: the caption, which names the chart (role="img") and shows
        # until the chart is drawn
        assert re.sub(r"<script.*?</script>", "", html, flags=re.S).count(alt) == 1
        assert 'role="img" aria-labelledby="chart-' in html
        assert f'aria-hidden="true">{alt}</figcaption>' in html
    assert html.count('<script type="application/json" id="chart-') == 2
    assert "load_incident" not in html and "In&nbsp;[" not in html  # no code, no prompts
    inc = load_incident(built["synth"])
    assert inc.fingerprint in html and f"Built by taxfirewall {__version__}" in html
    assert re.search(r"\d{2}:\d{2}:\d{2}", html) is None  # no wall-clock time
    assert '<html lang="en" data-theme="dark">' in html
    assert "Corrections</h2>" in html and "Methodology</h2>" in html and "Sources</h2>" in html
    assert (
        html.count('data-tf-section="corrections"') == 1
    )  # the story shows it; the back matter does not repeat it


def test_another_incident_renders_with_only_a_parameter_change(built):
    html = (built["out1"] / "synth-story.html").read_text()
    inc = load_incident(built["synth"])
    for _, row in inc.funnel.iterrows():
        assert escape(f"{row['label']}: {row['value_text']}") in html
    assert "Records misused" in html and "ICE" not in html and "IRS" not in html


def test_irs_funnel_page_lists_every_reported_value(built):
    html = (built["out1"] / "irs-funnel.html").read_text()
    inc = load_incident()
    funnel_values = inc.reported_values[inc.reported_values["role"] == "funnel"]
    for text in funnel_values["as_reported"]:
        assert f'<td data-label="Reported as">{escape(str(text))}</td>' in html


def test_unchanged_reports_are_skipped_and_a_changed_dataset_rebuilds_only_its_report(built, capsys):
    out, manifest = built["out1"], built["manifest"]
    before = (out / "irs-funnel.html").stat().st_mtime_ns
    t = time.perf_counter()
    assert run(manifest, out) == 0
    assert time.perf_counter() - t < 1.0
    text = capsys.readouterr().out
    assert "synth-story: skipped (unchanged)" in text and "irs-funnel: skipped (unchanged)" in text
    edit_cell(built["synth"], "figures.csv", "value_id", "read-a", "as_reported", "90,000 records")
    assert run(manifest, out) == 0
    text = capsys.readouterr().out
    assert "synth-story: built" in text and "irs-funnel: skipped (unchanged)" in text
    assert "90,000 records" in (out / "synth-story.html").read_text()
    assert (out / "irs-funnel.html").stat().st_mtime_ns == before


def test_force_rebuilds_an_unchanged_report(built, capsys):
    assert run(built["manifest"], built["out1"], "--force", "--only", "irs-funnel") == 0
    text = capsys.readouterr().out
    assert "irs-funnel: built" in text and "synth-story" not in text.split("report ")[0]


def test_failing_notebook_keeps_the_old_page_and_lands_in_failed(tmp_path, capsys):
    nb = stand_in_notebook(tmp_path / "standin.ipynb")
    ok = {
        "slug": "standin",
        "notebook": str(nb),
        "title": "Stand-in",
        "dek": "A test page.",
        "parameters": {"fail": False},
    }
    other = {
        "slug": "other",
        "notebook": str(nb),
        "title": "Other",
        "dek": "Builds anyway.",
        "parameters": {"seconds": 0},
    }
    manifest = write_manifest(tmp_path / "reports.toml", [ok, other])
    out = tmp_path / "out"
    assert run(manifest, out, "--only", "standin") == 0
    good = (out / "standin.html").read_bytes()
    assert "Stand-in chart: two bars &lt;/script&gt; &amp; more" in good.decode()
    assert (
        "two bars \\u003c/script\\u003e \\u0026 more" in good.decode()
    )  # the spec's JSON cannot close its <script>
    capsys.readouterr()

    write_manifest(tmp_path / "reports.toml", [dict(ok, parameters={"fail": True}), other])
    assert run(manifest, out) == 1
    captured = capsys.readouterr()
    assert (out / "standin.html").read_bytes() == good
    assert (out / "other.html").is_file()
    failed = out / "_failed" / "standin.ipynb"
    assert failed.is_file()
    assert "standin.ipynb: cell 5 (In [5]) raised ValueError: stand-in failure <b>" in captured.err
    assert "FAILED standin" in captured.err
    executed = nbformat.read(failed, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in executed.cells for o in c.get("outputs", []))
    assert "start_time" not in json.dumps(executed.metadata)
    index = (out / "index.html").read_text()
    assert "last build failed, showing the previous version" in index

    write_manifest(tmp_path / "reports.toml", [ok, other])
    assert run(manifest, out, "--only", "standin") == 0
    assert not failed.exists()


def test_a_report_over_its_time_limit_fails_and_the_kernel_is_stopped(tmp_path, capsys):
    nb = stand_in_notebook(tmp_path / "standin.ipynb")
    manifest = write_manifest(
        tmp_path / "reports.toml",
        [
            {
                "slug": "slow",
                "notebook": str(nb),
                "title": "Slow",
                "dek": "Sleeps.",
                "parameters": {"seconds": 60},
            },
        ],
    )
    t = time.perf_counter()
    assert run(manifest, tmp_path / "out", "--timeout", "4") == 1
    assert time.perf_counter() - t < 40
    assert "timed out" in capsys.readouterr().err
    assert not (tmp_path / "out" / "slow.html").exists()


def _ctrl_c_as_in_a_terminal() -> None:
    """In the build about to start: SIGINT as a terminal's foreground job has it. A test run
    started in the background of a script inherits SIGINT ignored (POSIX), and a Python
    started that way keeps ignoring it, so the build would never see the Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_the_kernels_keeps_pages_and_exits_1(tmp_path):
    nb = stand_in_notebook(tmp_path / "standin.ipynb")
    out = tmp_path / "out"
    out.mkdir()
    (out / "slow.html").write_text("<p>previous good page</p>")
    manifest = write_manifest(
        tmp_path / "reports.toml",
        [
            {
                "slug": "slow",
                "notebook": str(nb),
                "title": "Slow",
                "dek": "Sleeps.",
                "parameters": {"seconds": 120},
            },
        ],
    )
    proc = subprocess.Popen(
        [TAXFIREWALL, "build", "--manifest", manifest, "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    deadline = time.time() + 60
    kernels: list[str] = []
    while time.time() < deadline and not kernels:  # wait until the build's kernel runs
        time.sleep(0.5)
        kernels = kernel_pids(proc.pid)
    assert kernels, "no kernel started"
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1, stdout + stderr
    assert "interrupted" in stderr
    assert (out / "slow.html").read_text() == "<p>previous good page</p>"
    state = json.loads((out / ".build-state.json").read_text())
    assert state["reports"].get("slow", {}).get("good") is None
    for pid in kernels:
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        )


@pytest.mark.browser
@pytest.mark.parametrize("width", [1200, 320])
def test_page_draws_its_charts_offline_and_fits_a_phone(built, width, open_page):
    """In Chromium with the network cut: every chart becomes an SVG, no script errors, and
    at 320 px nothing is wider than the screen (the story's tables turn into lists)."""
    page, log = open_page((built["out1"] / "synth-story.html").as_uri(), width=width)
    page.wait_for_function("document.querySelectorAll('.chart-view svg').length === 2", timeout=15000)
    assert log.blocked == [] and log.errors == []
    sticking_out = page.evaluate(
        """w => Array.from(document.querySelectorAll('body *'))
            .filter(e => !e.closest('.output.html, .visually-hidden')  // the story's own tables fit too
                         && e.getBoundingClientRect().right > w + 0.5)
            .map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 60))""",
        width,
    )
    assert sticking_out == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def accessible_names(page, selector: str) -> list[str]:
    """Chromium's own accessible names (what a screen reader announces) of the matches."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    names = []
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
        ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"][0]
        names.append(ax.get("name", {}).get("value", ""))
    return names


@pytest.mark.browser
def test_chart_is_named_by_its_caption_which_shows_only_when_the_chart_is_not_drawn(built, open_page):
    url = (built["out1"] / "synth-story.html").as_uri()
    nb = json.loads((built["out1"] / "_executed" / "synth-story.ipynb").read_text())
    alts = [
        o["data"]["application/vnd.vegalite.v5+json"]["description"]
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "application/vnd.vegalite.v5+json" in o.get("data", {})
    ]
    caption_widths = "[...document.querySelectorAll('.chart-alt')].map(e => e.getBoundingClientRect().width)"
    page, _ = open_page(url, width=800)
    page.wait_for_function("document.querySelectorAll('.chart-view.drawn svg').length === 2", timeout=15000)
    assert accessible_names(page, ".chart-view") == alts
    assert all(w <= 1 for w in page.evaluate(caption_widths))  # drawn: the caption leaves the screen
    page, _ = open_page(url, width=800, scripts=False)
    assert accessible_names(page, ".chart-view") == alts
    assert all(w > 100 for w in page.evaluate(caption_widths))  # not drawn: the caption is the chart


@pytest.mark.browser
def test_a_phone_gets_each_charts_phone_layout_and_a_wider_window_the_article_one(built, open_page):
    from taxfirewall.layouts import LAYOUTS_MIME

    nb = json.loads((built["out1"] / "_executed" / "synth-story.ipynb").read_text())
    phones = [
        o["data"][LAYOUTS_MIME]["layouts"]["320"]
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if LAYOUTS_MIME in o.get("data", {})
    ]
    assert len(phones) == 2
    drawn_at = "w => [...document.querySelectorAll('.chart-view.drawn')].filter(e => e.dataset.layout === w).length === 2"
    svg_widths = "[...document.querySelectorAll('.chart-view svg')].map(s => +s.getAttribute('width'))"
    page, log = open_page((built["out1"] / "synth-story.html").as_uri(), width=320)
    page.wait_for_function(drawn_at, arg="320", timeout=15000)
    assert all(abs(w - 320) <= 2 for w in page.evaluate(svg_widths))
    # the page rebuilt each phone spec from its difference: every text of the layout is drawn
    drawn_texts = page.evaluate(
        "[...document.querySelectorAll('.chart-view svg')].map(s => [...s.querySelectorAll('text')].map(t => t.textContent))"
    )
    for spec, texts in zip(phones, drawn_texts):
        wanted = {
            r["text"]
            for rows in spec["datasets"].values()
            for r in rows
            if isinstance(r.get("text"), str) and r["text"].strip()
        }
        assert wanted and wanted <= set(texts)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.wait_for_function(drawn_at, arg="600", timeout=15000)
    assert all(abs(w - 600) <= 2 for w in page.evaluate(svg_widths))
    assert log.errors == [] and log.blocked == []


def test_a_missing_story_is_told_to_the_desk_in_the_notebook_never_to_the_reader(built):
    page = (built["out1"] / "synth-story.html").read_text(encoding="utf-8")
    executed = (built["out1"] / "_executed" / "synth-story.ipynb").read_text(encoding="utf-8")
    assert "No story.md in" in executed and "generated summary" in executed
    assert "story.md" not in page and "generated summary" not in page and "tf-narrative" in page
