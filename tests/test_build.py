"""`taxfirewall build` checks everything it can before a kernel starts (no kernels here)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conftest import ROOT, edit_cell
from taxfirewall.build import plan as buildplan
from taxfirewall.cli import main
from taxfirewall.manifest import ManifestError, check_reports, load_manifest

NB = {
    name: str(ROOT / "notebooks" / f"{name}.ipynb")
    for name in ("01_explore", "02_funnel", "03_timeline", "04_story")
}


def write_manifest(path, reports: list[dict]) -> str:
    """A reports.toml from dicts (a 'parameters' dict becomes the [report.parameters] table)."""
    lines = []
    for r in reports:
        lines.append("[[report]]")
        for k, v in r.items():
            if k != "parameters":
                lines.append(f"{k} = {json.dumps(v)}")
        if "parameters" in r:
            lines.append("[report.parameters]")
            for k, v in r["parameters"].items():
                lines.append(f"{k} = {json.dumps(v)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return str(path)


def report(slug="funnel", notebook="02_funnel", **parameters) -> dict:
    return {
        "slug": slug,
        "notebook": NB[notebook],
        "title": f"Title {slug}",
        "dek": "A dek.",
        "parameters": parameters,
    }


def run_cli(manifest, out, *extra):
    return main(["build", "--manifest", manifest, "--out", str(out), *extra])


def test_shipped_manifest_is_valid_and_lists_the_required_reports(tmp_path):
    m = load_manifest(ROOT / "reports.toml")
    plans = check_reports(m, tmp_path)
    slugs = [p.report.slug for p in plans]
    for slug in (
        "story-light",
        "story-dark",
        "funnel-zoom",
        "funnel-linear",
        "funnel-log",
        "timeline-full",
        "timeline-2025",
        "explore",
    ):
        assert slug in slugs
    window = next(p for p in plans if p.report.slug == "timeline-2025").parameters
    assert (window["timeline_start"], window["timeline_end"]) == ("2025-01-01", "2025-12-31")
    assert all(p.report.title and p.report.dek for p in plans)


def test_parameter_errors_are_listed_together_and_nothing_runs(tmp_path, capsys):
    manifest = write_manifest(
        tmp_path / "reports.toml",
        [
            report("unknown-name", scale="log"),
            report("wrong-type", funnel_scale=3),
            report("wrong-bool", "03_timeline", annotate="yes"),
            report("bad-choice", theme="sepia"),
            report("missing-folder", incident="data/no-such-incident"),
            report("Bad_Slug"),
            report("good"),
        ],
    )
    out = tmp_path / "out"
    assert run_cli(manifest, out) == 2
    err = capsys.readouterr().err
    assert "6 problem(s); nothing was run" in err
    assert "report 'unknown-name': unknown parameter 'scale'" in err
    assert (
        'report \'wrong-type\': parameter \'funnel_scale\' = 3 should be one of "zoom", "linear", "log"'
        in err
    )
    assert "report 'wrong-bool': parameter 'annotate' = 'yes' should be bool" in err
    assert "report 'bad-choice': parameter 'theme' = 'sepia' should be one of \"light\", \"dark\"" in err
    assert "report 'missing-folder': incident folder 'data/no-such-incident' does not exist" in err
    assert "report 'Bad_Slug': slug must match [a-z0-9][a-z0-9-]*" in err
    assert "'good'" not in err
    assert not out.exists()


def test_a_none_default_accepts_a_string_but_not_a_number(tmp_path):
    ok = write_manifest(
        tmp_path / "ok.toml", [report("t", "03_timeline", timeline_start="2025-01-01", as_of="2025")]
    )
    check_reports(load_manifest(ok), tmp_path)
    bad = write_manifest(tmp_path / "bad.toml", [report("t", "03_timeline", timeline_start=2025)])
    with pytest.raises(ManifestError, match="'timeline_start' = 2025 should be str or None"):
        check_reports(load_manifest(bad), tmp_path)


@pytest.mark.parametrize("slug", ["../escape", "a/b", "-lead", "UPPER", "dot.html", ""])
def test_slugs_that_could_escape_the_out_folder_are_refused(tmp_path, slug):
    manifest = write_manifest(tmp_path / "reports.toml", [report(slug)])
    with pytest.raises(ManifestError) as err:
        check_reports(load_manifest(manifest), tmp_path / "out")
    assert "slug" in str(err.value)


def test_manifest_shape_errors(tmp_path):
    path = tmp_path / "reports.toml"
    path.write_text(
        '[[report]]\nslug = "a"\nnotebook = "nope.ipynb"\ntitle = "T"\ndek = "D"\ncolour = 1\n'
        '[[report]]\nslug = "a"\nnotebook = "nope.ipynb"\ntitle = ""\ndek = "D"\n',
        encoding="utf-8",
    )
    with pytest.raises(ManifestError) as err:
        load_manifest(path)
    text = str(err.value)
    assert "unknown key(s) colour" in text and "'title' is missing" in text
    path.write_text(
        '[[report]]\nslug = "a"\nnotebook = "nope.ipynb"\ntitle = "T"\ndek = "D"\n'
        '[[report]]\nslug = "a"\nnotebook = "nope.ipynb"\ntitle = "T"\ndek = "D"\n',
        encoding="utf-8",
    )
    with pytest.raises(ManifestError) as err:
        check_reports(load_manifest(path), tmp_path)
    assert "duplicate slug 'a'" in str(err.value) or "duplicate slug" in str(err.value)
    path.write_text("[[report]\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="not valid TOML"):
        load_manifest(path)


def test_missing_notebook_and_unknown_only_slug(tmp_path, capsys):
    manifest = write_manifest(
        tmp_path / "reports.toml",
        [
            {"slug": "ghost", "notebook": "notebooks/ghost.ipynb", "title": "T", "dek": "D"},
        ],
    )
    assert run_cli(manifest, tmp_path / "out", "--only", "nobody") == 2
    err = capsys.readouterr().err
    assert "notebook notebooks/ghost.ipynb does not exist" in err
    assert "--only nobody: no such report" in err


def test_bad_dataset_prints_its_problems_and_exits_2_before_any_kernel(
    tmp_path, synthetic, capsys, monkeypatch
):
    edit_cell(synthetic, "figures.csv", "value_id", "held-a", "value", "1.2 million")
    manifest = write_manifest(tmp_path / "reports.toml", [report("synth", incident=str(synthetic))])

    def no_kernels(*a, **k):
        raise AssertionError("a kernel was about to start")

    from taxfirewall.build import pool

    monkeypatch.setattr(pool, "run_reports", no_kernels)
    assert run_cli(manifest, tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "problem(s) with the dataset" in err and "figures.csv:2:value" in err


def test_report_key_changes_with_each_input(tmp_path, synthetic):
    manifest = write_manifest(tmp_path / "reports.toml", [report("synth", incident=str(synthetic))])
    plan = check_reports(load_manifest(manifest), tmp_path)[0]
    key = buildplan.Keys().key(plan)
    assert key == buildplan.Keys().key(plan)
    (synthetic / "notes.txt").write_text("any file in the incident folder counts")
    assert buildplan.Keys().key(plan) != key
    write_manifest(tmp_path / "reports.toml", [report("synth", incident=str(synthetic), funnel_scale="log")])
    plan2 = check_reports(load_manifest(manifest), tmp_path)[0]
    assert buildplan.Keys().key(plan2) != buildplan.Keys().key(plan)


def _all_built(tmp_path, reports: list[dict]):
    """A manifest and an out folder whose state says every report is built."""
    manifest = write_manifest(tmp_path / "reports.toml", reports)
    out = tmp_path / "out"
    plans = check_reports(load_manifest(manifest), out)
    keys = buildplan.Keys()
    state = buildplan.BuildState()
    for p in plans:
        good = buildplan.Record(good=keys.key(p), attempt=buildplan.Attempt(keys.key(p), True))
        state = state.with_record(p.report.slug, good)
        (out / f"{p.report.slug}.html").parent.mkdir(parents=True, exist_ok=True)
        (out / f"{p.report.slug}.html").write_text("<p>old</p>")
    buildplan.save_state(out, state)
    return manifest, out


def test_an_unchanged_index_is_not_rendered_again_but_a_changed_or_lost_one_is(tmp_path):
    """The index is rendered (templates, Jinja, Babel) only when what it is made of changed
    or the file is gone: a build with nothing to do imports none of that."""
    import subprocess
    import sys

    manifest, out = _all_built(tmp_path, [report("a")])
    code = (
        "import sys; from taxfirewall.cli import main; "
        f"rc = main(['build', '--manifest', {manifest!r}, '--out', {str(out)!r}]); "
        "print('RESULT', rc, [m for m in ('jinja2', 'babel', 'taxfirewall.report') if m in sys.modules])"
    )

    def run() -> str:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        return next(x for x in proc.stdout.splitlines() if x.startswith("RESULT"))

    assert run().startswith("RESULT 0 ['jinja2'")  # the first build writes the index
    first = (out / "index.html").read_bytes()
    assert run() == "RESULT 0 []"
    (out / "index.html").unlink()
    assert run().startswith("RESULT 0 ['jinja2'") and (out / "index.html").read_bytes() == first
    text = Path(manifest).read_text().replace('title = "Title a"', 'title = "A new title"')
    Path(manifest).write_text(text)
    run()
    assert "A new title" in (out / "index.html").read_text()


def test_unchanged_path_is_fast_and_imports_no_heavy_library(tmp_path):
    """With state saying everything is built, a build skips all and stays light."""
    import subprocess
    import sys

    manifest, out = _all_built(tmp_path, [report("a"), report("b", "03_timeline")])
    code = (
        "import sys, time; t = time.perf_counter(); from taxfirewall.cli import main; "
        f"rc = main(['build', '--manifest', {manifest!r}, '--out', {str(out)!r}]); "
        "heavy = [m for m in ('papermill', 'nbconvert', 'altair', 'pandas', 'nbformat') if m in sys.modules]; "
        "print('RESULT', rc, heavy, time.perf_counter() - t)"
    )
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT"))
    assert line.startswith("RESULT 0 []"), proc.stdout + proc.stderr
    assert "a: skipped (unchanged)" in proc.stdout and "b: skipped (unchanged)" in proc.stdout
    assert float(line.split()[-1]) < 1.0
    assert wall < 2.0  # interpreter start included, on a busy machine
    assert (out / "index.html").is_file()
    assert (out / "a.html").read_text() == "<p>old</p>"


def test_the_state_file_reads_and_writes_back_byte_for_byte(tmp_path):
    """The state file's format is unchanged by reading it into typed records: a report that
    built then failed, one that never built, and the shared runtime."""
    text = (
        json.dumps(
            {
                "format": buildplan.STATE_FORMAT,
                "reports": {
                    "built-then-failed": {
                        "attempt": {"key": "k2", "ok": False},
                        "good": "k1",
                        "seconds": 6.0,
                        "thumb": None,
                    },
                    "never-built": {"attempt": {"key": "k3", "ok": False}},
                },
                "runtime": {"src": "_static/vega-runtime-x.js", "versions": {"altair": "5.5.0"}},
            },
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )
    (tmp_path / buildplan.STATE_NAME).write_text(text, encoding="utf-8")
    state = buildplan.load_state(tmp_path)
    assert state.record("built-then-failed").good == "k1"
    assert state.record("never-built").attempt == buildplan.Attempt("k3", False)
    buildplan.save_state(tmp_path / "again", state)
    assert (tmp_path / "again" / buildplan.STATE_NAME).read_text(encoding="utf-8") == text


def test_a_report_list_that_is_not_tables_is_one_clear_problem(tmp_path):
    path = tmp_path / "reports.toml"
    path.write_text("report = [1]\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"report #1: expected a \[\[report\]\] table, got int"):
        load_manifest(path)
