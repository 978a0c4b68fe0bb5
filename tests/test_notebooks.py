"""The notebooks as stored in git, and as papermill runs them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, SYNTHETIC
from taxfirewall.notebook import VEGALITE_MIME, clean_for_git, parse_parameters, read_parameters

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PAPERMILL = str(Path(sys.executable).parent / "papermill")
EXPECTED_PARAMETERS = [
    "incident",
    "theme",
    "lang",
    "title",
    "as_of",
    "funnel_scale",
    "timeline_start",
    "timeline_end",
    "timeline_categories",
    "annotate",
]


def test_the_four_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == [
        "01_explore.ipynb",
        "02_funnel.ipynb",
        "03_timeline.ipynb",
        "04_story.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_valid_and_without_outputs_or_volatile_metadata(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert set(nb.metadata) <= {"kernelspec", "language_info"}
    assert nb.metadata.kernelspec.name == "python3"
    assert set(nb.metadata.get("language_info", {})) <= {"name"}
    for cell in nb.cells:
        assert set(cell.metadata) <= {"tags"}, cell.id
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.id
            assert cell.execution_count is None, cell.id
    # stored exactly as the cleaner writes it: a save from Jupyter shows up as a diff
    clean = nbformat.writes(nbformat.from_dict(clean_for_git(json.loads(path.read_text()))))
    assert clean == nbformat.writes(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_one_documented_parameters_cell(path):
    params = read_parameters(path)
    assert list(params) == EXPECTED_PARAMETERS
    assert params["incident"].default == "data/irs-dhs"
    assert params["theme"].choices == ("light", "dark")
    assert params["funnel_scale"].choices == ("zoom", "linear", "log")
    for p in params.values():
        assert p.doc, f"{p.name} has no comment documenting it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_figure_is_typed_into_a_markdown_cell(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"\d", cell.source), (cell.id, cell.source)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_is_thin(path):
    """Notebooks import from taxfirewall and display; the work lives in the package."""
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "from taxfirewall" in code
    assert not re.search(r"^\s*def |^\s*class ", code, re.M)
    assert sum(len(c.source.splitlines()) for c in nb.cells if c.cell_type == "code") < 60


def test_parameters_cell_parser_rejects_code_it_cannot_check():
    with pytest.raises(ValueError, match="not a literal"):
        parse_parameters("x = compute()  # no")
    with pytest.raises(ValueError, match="only 'name = literal'"):
        parse_parameters("for i in range(3): pass")
    params = parse_parameters("a: Optional[str] = None  # doc a\nb = 3  # one of 1, 2\nc: bool = True")
    assert params["a"].check("x") is None and params["a"].check(3) == "str or None"
    assert params["b"].check(4) is None  # 'one of' needs quoted values; an int default keeps its type
    assert params["b"].check("4") == "int"
    assert params["c"].check(1) == "bool"


def _vegalite_outputs(nb: dict) -> list[dict]:
    return [
        o["data"][VEGALITE_MIME]
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if VEGALITE_MIME in o.get("data", {})
    ]


@pytest.mark.slow
def test_papermill_cli_runs_the_funnel_notebook_from_the_project_root(tmp_path):
    out = tmp_path / "out.ipynb"
    proc = subprocess.run(
        [
            PAPERMILL,
            "notebooks/02_funnel.ipynb",
            str(out),
            "-p",
            "incident",
            "data/irs-dhs",
            "-p",
            "funnel_scale",
            "log",
            "--no-progress-bar",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Passed unknown parameter" not in proc.stderr
    nb = json.loads(out.read_text())
    specs = _vegalite_outputs(nb)
    assert len(specs) == 1 and specs[0]["description"]
    html = "".join(
        "".join(o["data"].get("text/html", ""))
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "data" in o
    )
    assert "47,289" in html  # the reported-values table


@pytest.mark.slow
def test_papermill_runs_a_notebook_from_notebooks_dir_on_another_incident(tmp_path):
    """Run from notebooks/, with only the incident parameter changed: the made-up incident."""
    out = tmp_path / "out.ipynb"
    proc = subprocess.run(
        [
            PAPERMILL,
            "03_timeline.ipynb",
            str(out),
            "-p",
            "incident",
            str(SYNTHETIC.relative_to(ROOT)),
            "--no-progress-bar",
        ],
        cwd=ROOT / "notebooks",
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    nb = json.loads(out.read_text())
    html = "".join(
        "".join(o["data"].get("text/html", ""))
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "data" in o
    )
    assert "Agency admits leak" in html and "IRS" not in html
    assert _vegalite_outputs(nb)
