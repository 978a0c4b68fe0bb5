"""A ``[[matrix]]`` in reports.toml expands into many reports, each checked before anything
runs exactly like a hand-written ``[[report]]`` (no kernels here, except the one slow test)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell

from conftest import ROOT, write_notebook
from taxfirewall.build import build
from taxfirewall.build import plan as buildplan
from taxfirewall.manifest import ManifestError, check_reports, load_manifest
from taxfirewall.matrix import MAX_REPORTS
from test_build import NB, report, run_cli, write_manifest

FUNNEL = "funnel-{funnel_scale}-{theme}"
WHERE = f"matrix 1 ('{FUNNEL}')"


def matrix_toml(
    slug=FUNNEL,
    notebook="02_funnel",
    title="A title",
    dek="A dek.",
    **extra,
) -> str:
    """One [[matrix]] table; ``over`` and ``parameters`` dicts become its sub-tables, other
    ``extra`` keys are written as they are."""
    over = extra.pop("over", {"theme": ["light", "dark"], "funnel_scale": ["zoom", "linear", "log"]})
    parameters = extra.pop("parameters", None)
    lines = ["[[matrix]]", f"slug = {json.dumps(slug)}", f"notebook = {json.dumps(NB[notebook])}"]
    lines += [f"title = {json.dumps(title)}", f"dek = {json.dumps(dek)}"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    for name, table in (("parameters", parameters), ("over", over)):
        if table is not None:
            lines.append(f"[matrix.{name}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def manifest_of(tmp_path, *parts: str | dict) -> str:
    """A manifest of these pieces in this order: TOML text, or a dict written as a [[report]]."""
    texts = []
    for part in parts:
        if isinstance(part, dict):
            part = Path(write_manifest(tmp_path / "piece.toml", [part])).read_text(encoding="utf-8")
        texts.append(part)
    path = tmp_path / "reports.toml"
    path.write_text("\n".join(texts), encoding="utf-8")
    return str(path)


def problems_of(manifest: str, tmp_path) -> list[str]:
    with pytest.raises(ManifestError) as err:
        check_reports(load_manifest(manifest), tmp_path / "out")
    return err.value.problems


def test_a_matrix_expands_where_it_is_written_last_key_fastest(tmp_path):
    manifest = manifest_of(
        tmp_path,
        report("first"),
        matrix_toml(title="The funnel ({funnel_scale}, {theme})", parameters={"annotate": True}),
        report("last", "03_timeline"),
    )
    m = load_manifest(manifest)
    assert [r.slug for r in m.reports] == [
        "first",
        "funnel-zoom-light",
        "funnel-linear-light",
        "funnel-log-light",
        "funnel-zoom-dark",
        "funnel-linear-dark",
        "funnel-log-dark",
        "last",
    ]
    dark_log = m.get("funnel-log-dark")
    assert dark_log.parameters == {"annotate": True, "theme": "dark", "funnel_scale": "log"}
    assert dark_log.notebook_label == NB["02_funnel"]
    assert (dark_log.source, m.get("first").source) == (WHERE, "")
    assert dark_log.title == "The funnel (log, dark)"


def test_title_and_dek_are_templates_and_booleans_read_as_in_toml(tmp_path):
    manifest = manifest_of(
        tmp_path,
        matrix_toml(
            "timeline-{annotate}",
            "03_timeline",
            title="The timeline, notes {annotate}",
            dek="Same dek.",
            timeout=30,
            over={"annotate": [True, False]},
        ),
    )
    plans = check_reports(load_manifest(manifest), tmp_path / "out")
    assert [(p.report.slug, p.report.title, p.report.dek) for p in plans] == [
        ("timeline-true", "The timeline, notes true", "Same dek."),
        ("timeline-false", "The timeline, notes false", "Same dek."),
    ]
    assert [p.parameters["annotate"] for p in plans] == [True, False]
    assert all(p.report.timeout == 30.0 for p in plans)


def test_incident_in_a_template_is_the_folder_name(tmp_path, synthetic):
    manifest = manifest_of(
        tmp_path,
        matrix_toml("story-{incident}", "04_story", over={"incident": ["data/irs-dhs", str(synthetic)]}),
    )
    plans = check_reports(load_manifest(manifest), tmp_path / "out")
    assert [p.report.slug for p in plans] == ["story-irs-dhs", "story-synthetic"]
    assert plans[1].incident == synthetic and plans[1].parameters["incident"] == str(synthetic)


@pytest.mark.parametrize(
    "matrix, expected",
    [
        (matrix_toml(FUNNEL + "-{colour}"), "'slug' has unknown placeholder(s) {colour} (the keys of"),
        (matrix_toml(title="The {scale} funnel"), "'title' has unknown placeholder(s) {scale}"),
        (matrix_toml(dek="{}"), "'dek' has unknown placeholder(s) {}"),
        (matrix_toml(over={"theme": [], "funnel_scale": ["log"]}), "over.theme is an empty list"),
        (
            matrix_toml(over={"theme": "dark", "funnel_scale": ["log"]}),
            "over.theme must be a list of values, e.g. theme = [...]; got 'dark'",
        ),
        (
            matrix_toml(parameters={"theme": "dark"}),
            "'theme' is in both [matrix.parameters] and [matrix.over]; keep one",
        ),
        (matrix_toml("funnel-{theme}"), "the slug template does not use {funnel_scale}: every key"),
        (matrix_toml(over={}), "'over' must be a table of one or more lists"),
        (matrix_toml(colour=1), "unknown key(s) colour (expected dek, notebook, over, parameters,"),
        (matrix_toml(title=""), "'title' is missing or not a non-empty string"),
        (
            matrix_toml(
                "p-{theme}-{funnel_scale}-{n}",
                over={"theme": ["a"] * 10, "funnel_scale": ["b"] * 10, "n": list(range(11))},
            ),
            f"expands to 1,100 reports (theme 10 × funnel_scale 10 × n 11); the limit is {MAX_REPORTS:,}",
        ),
    ],
)
def test_a_matrix_that_cannot_expand_is_one_clear_problem(tmp_path, matrix, expected):
    with pytest.raises(ManifestError) as err:
        load_manifest(manifest_of(tmp_path, report("fine"), matrix))
    (problem,) = err.value.problems
    assert problem.startswith("matrix 1 ('") and f"'): {expected}" in problem, problem


def test_a_slug_twice_names_both_the_report_and_the_matrix(tmp_path):
    manifest = manifest_of(tmp_path, matrix_toml(), report("funnel-log-dark"))
    with pytest.raises(ManifestError) as err:
        load_manifest(manifest)
    assert err.value.problems == [
        f"report #1 'funnel-log-dark': duplicate slug 'funnel-log-dark' (also {WHERE}, report 'funnel-log-dark')"
    ]
    twice = manifest_of(tmp_path, matrix_toml(), matrix_toml(title="Again"))
    with pytest.raises(ManifestError) as err:
        load_manifest(twice)
    assert len(err.value.problems) == 6
    assert err.value.problems[0] == (
        f"matrix 2 ('{FUNNEL}'), report 'funnel-zoom-light': duplicate slug 'funnel-zoom-light' "
        f"(also {WHERE}, report 'funnel-zoom-light')"
    )


def test_each_expanded_report_is_checked_and_a_shared_problem_is_said_once(tmp_path, synthetic):
    manifest = manifest_of(
        tmp_path,
        matrix_toml(over={"theme": ["light", "sepia"], "funnel_scale": ["zoom", "linear", "log", "Wide"]}),
        matrix_toml("story-{incident}", "04_story", over={"incident": ["data/irs-dhs", "data/no-such"]}),
        matrix_toml("x-{scale}", over={"scale": ["log"]}),
        matrix_toml(
            "t-{theme}-{timeline_start}",
            "03_timeline",
            over={"theme": ["sepia"], "timeline_start": [f"2025-0{m}-01" for m in range(1, 5)]},
        ),
    )
    problems = problems_of(manifest, tmp_path)
    assert problems[:2] == [
        f"{WHERE}, reports 'funnel-Wide-light', 'funnel-Wide-sepia': slug must match [a-z0-9][a-z0-9-]* "
        "(lower-case letters, digits, '-'); a matrix puts its values in the slug as written",
        f"{WHERE}, reports 'funnel-zoom-sepia', 'funnel-linear-sepia', 'funnel-log-sepia': "
        "parameter 'theme' = 'sepia' should be one of \"light\", \"dark\"",
    ]
    assert problems[2].startswith(
        "matrix 2 ('story-{incident}'), report 'story-no-such': incident folder 'data/no-such' does not exist"
    )
    assert len(problems) == 5
    assert problems[4] == (
        "matrix 4 ('t-{theme}-{timeline_start}'), reports 't-sepia-2025-01-01', 't-sepia-2025-02-01', "
        "'t-sepia-2025-03-01' and 1 more: parameter 'theme' = 'sepia' should be one of \"light\", \"dark\""
    )
    assert problems[3].startswith("matrix 3 ('x-{scale}'), report 'x-log': unknown parameter 'scale'")


def test_a_bad_matrix_exits_2_listing_every_problem_and_runs_nothing(tmp_path, capsys):
    manifest = manifest_of(
        tmp_path,
        matrix_toml(over={"theme": ["light", "sepia"], "funnel_scale": ["log"]}),
        matrix_toml("b-{x}", over={"x": []}),
    )
    out = tmp_path / "out"
    assert run_cli(manifest, out) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "1 problem(s); nothing was run" in err  # shape problems stop before the parameters are read
    assert "matrix 2 ('b-{x}'): over.x is an empty list (it would give no reports)" in err
    assert not out.exists()
    manifest = manifest_of(tmp_path, matrix_toml(over={"theme": ["light", "sepia"], "funnel_scale": ["log"]}))
    assert run_cli(manifest, out) == 2
    err = capsys.readouterr().err
    assert f"{WHERE}, report 'funnel-log-sepia': parameter 'theme' = 'sepia'" in err
    assert not out.exists()


def test_only_takes_an_expanded_slug_and_plan_build_sees_every_expanded_report(tmp_path):
    m = load_manifest(manifest_of(tmp_path, report("first"), matrix_toml()))
    out = tmp_path / "out"
    plans = check_reports(m, out, only=["funnel-linear-dark"])
    work = buildplan.plan_build(plans, out, buildplan.BuildState(), only=["funnel-linear-dark"], force=False)
    assert [p.report.slug for p in work.plans] == [r.slug for r in m.reports] and len(work.plans) == 7
    assert (
        [p.report.slug for p in work.selected] == [p.report.slug for p in work.todo] == ["funnel-linear-dark"]
    )
    assert len(set(work.keys.values())) == 7  # each expansion has its own build key
    with pytest.raises(ManifestError, match=r"--only funnel-\{funnel_scale\}-\{theme\}: no such report"):
        check_reports(m, out, only=[FUNNEL])


def documented_examples() -> list[str]:
    """The [[matrix]] examples in the reports.toml comments and the README."""
    text = (ROOT / "reports.toml").read_text(encoding="utf-8")
    commented = text[text.index("#   [[matrix]]") :].split("\n\n")[0]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    fenced = (
        readme[readme.index("### Many variants: report matrices") :].split("```toml\n")[1].split("```")[0]
    )
    return ["\n".join(line.removeprefix("#   ") for line in commented.splitlines()), fenced]


def test_the_shipped_manifest_has_no_matrix_and_the_documented_examples_are_valid(tmp_path):
    reports = load_manifest(ROOT / "reports.toml").reports
    assert len(reports) == 11 and all(r.source == "" for r in reports)
    (tmp_path / "notebooks").symlink_to(ROOT / "notebooks")
    for example in documented_examples():
        (tmp_path / "reports.toml").write_text(example, encoding="utf-8")
        plans = check_reports(load_manifest(tmp_path / "reports.toml"), tmp_path / "out")
        slugs = [p.report.slug for p in plans]
        assert slugs[::5] == ["funnel-zoom-light", "funnel-log-dark"] and len(slugs) == 6, example


@pytest.mark.slow
def test_a_two_by_one_matrix_builds_two_pages_and_an_index(tmp_path):
    notebook = write_notebook(
        tmp_path / "tiny.ipynb",
        'word = "one"  # the word the page prints\nloud = False  # print it in capitals',
        new_code_cell("print(word.upper() if loud else word)"),
    )
    manifest = tmp_path / "reports.toml"
    manifest.write_text(
        "[[matrix]]\n"
        'slug = "tiny-{word}-{loud}"\n'
        f"notebook = {json.dumps(str(notebook))}\n"
        'title = "Tiny: {word}"\n'
        'dek = "One printed word."\n'
        "[matrix.over]\n"
        'word = ["alpha", "beta"]\n'
        "loud = [true]\n",
        encoding="utf-8",
    )
    out, stdout, stderr = tmp_path / "out", io.StringIO(), io.StringIO()
    assert build(manifest, out, jobs=1, stdout=stdout, stderr=stderr) == 0, (
        stdout.getvalue() + stderr.getvalue()
    )
    assert "ALPHA" in (out / "tiny-alpha-true.html").read_text(encoding="utf-8")
    assert "BETA" in (out / "tiny-beta-true.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Tiny: alpha" in index and "Tiny: beta" in index


def test_a_manifest_needs_a_report_or_a_matrix(tmp_path):
    with pytest.raises(ManifestError) as err:
        load_manifest(manifest_of(tmp_path, "# nothing yet\n"))
    assert err.value.problems == ["expected one or more [[report]] or [[matrix]] tables"]


def test_a_table_header_inside_a_string_keeps_every_report_hand_written_first(tmp_path):
    tricky = matrix_toml(over={"theme": ["dark"], "funnel_scale": ["log"]}) + "dek2 = 0\n"
    tricky = tricky.replace("dek2 = 0", '[matrix.parameters]\ntitle = """\n[[report]]\n"""')
    manifest = manifest_of(tmp_path, tricky, report("last"))
    reports = load_manifest(manifest).reports  # the header order cannot be trusted: reports, then matrices
    assert [r.slug for r in reports] == ["last", "funnel-log-dark"]
    assert reports[1].parameters["title"] == "[[report]]\n"
