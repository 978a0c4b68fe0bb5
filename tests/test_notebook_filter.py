"""Git stores notebooks without outputs: tools/clean_notebooks.py is their clean filter."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from conftest import ROOT
from taxfirewall.notebook import clean_for_git, git_text

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# the set-up command the Makefile's .venv rule runs
INSTALL = "tools/clean_notebooks.py --install-git-filter"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "desk",
    "GIT_AUTHOR_EMAIL": "desk@example.org",
    "GIT_COMMITTER_NAME": "desk",
    "GIT_COMMITTER_EMAIL": "desk@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo, *args) -> str:
    env = dict(os.environ, **GIT_ENV)
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    ).stdout


def with_outputs(text: str) -> str:
    """A notebook as JupyterLab autosaves it after a run: outputs, counts, volatile metadata."""
    nb = json.loads(text)
    for i, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = i + 1
        cell["outputs"] = [
            {"output_type": "stream", "name": "stdout", "text": ["47,289 people\n"]},
            {
                "output_type": "execute_result",
                "execution_count": i + 1,
                "metadata": {},
                "data": {"text/plain": ["<Chart>"], "text/html": "<div>\nchart\n</div>"},
            },
        ]
        cell["metadata"]["execution"] = {"iopub.status.busy": "2025-05-01T10:00:00Z"}
    nb["metadata"].setdefault("language_info", {})["version"] = "3.11.7"
    nb["metadata"]["widgets"] = {"state": {}}
    return json.dumps(nb, indent=1) + "\n"


@pytest.fixture
def clone(tmp_path):
    """A git work tree laid out like a fresh clone after the set-up: the project's
    .gitattributes, tools/ and src/, its .venv, and one committed notebook; the filter
    installed by the Makefile's own command."""
    repo = tmp_path / "clone"
    (repo / "notebooks").mkdir(parents=True)
    git(repo, "init", "-q")
    shutil.copy(ROOT / ".gitattributes", repo / ".gitattributes")
    shutil.copy(ROOT / "notebooks" / "01_explore.ipynb", repo / "notebooks" / "01_explore.ipynb")
    for name, target in (("tools", ROOT / "tools"), ("src", ROOT / "src"), (".venv", sys.prefix)):
        (repo / name).symlink_to(target)
    python = repo / ".venv" / "bin" / "python"
    done = subprocess.run([str(python), *INSTALL.split()], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    git(repo, "add", ".gitattributes", "notebooks/01_explore.ipynb")
    git(repo, "commit", "-q", "-m", "clean notebook")
    return repo


def test_makefile_setup_installs_the_filter():
    setup = (ROOT / "Makefile").read_text().split("$(STAMP): ")[1].split("\n\n")[0]
    assert f"$(BIN)/python {INSTALL}" in setup
    assert "notebooks/*.ipynb filter=taxfirewall-notebook" in (ROOT / ".gitattributes").read_text()


def test_filter_is_installed_with_a_work_tree_relative_command(clone):
    clean = git(clone, "config", "filter.taxfirewall-notebook.clean").strip()
    assert "p=.venv/bin/python;" in clean and "tools/clean_notebooks.py --stdin" in clean
    assert git(clone, "config", "filter.taxfirewall-notebook.required").strip() == "true"


def test_commit_stores_the_notebook_without_outputs_and_the_working_copy_keeps_them(clone):
    path = clone / "notebooks" / "01_explore.ipynb"
    clean = path.read_text(encoding="utf-8")
    run = with_outputs(clean)
    path.write_text(run, encoding="utf-8")
    # from a subfolder too: git runs the filter from the top of the work tree
    git(clone / "notebooks", "add", "01_explore.ipynb")
    git(clone, "commit", "-q", "--allow-empty", "-m", "after a run")

    stored = git(clone, "show", "HEAD:notebooks/01_explore.ipynb")
    assert stored == clean
    nb = json.loads(stored)
    assert all(c.get("outputs", []) == [] for c in nb["cells"])
    assert all(c.get("execution_count") is None for c in nb["cells"] if c["cell_type"] == "code")
    assert path.read_text(encoding="utf-8") == run  # the desk keeps its outputs
    assert git(clone, "status", "--porcelain", "notebooks") == ""


def test_a_real_edit_is_committed_with_the_outputs_stripped(clone):
    path = clone / "notebooks" / "01_explore.ipynb"
    nb = json.loads(with_outputs(path.read_text(encoding="utf-8")))
    nb["cells"][0]["source"] = ["# edited by the desk\n"] + nb["cells"][0]["source"]
    path.write_text(json.dumps(nb), encoding="utf-8")
    git(clone, "add", "notebooks/01_explore.ipynb")
    git(clone, "commit", "-q", "-m", "edit")

    stored = git(clone, "show", "HEAD:notebooks/01_explore.ipynb")
    assert "# edited by the desk" in stored
    assert "47,289 people" not in stored and '"execution_count": 1' not in stored
    assert stored == git_text(json.dumps(nb))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_pass_through_the_filter_unchanged(path):
    script = ROOT / "tools" / "clean_notebooks.py"
    done = subprocess.run(
        [sys.executable, str(script), "--stdin"], input=path.read_bytes(), capture_output=True, check=True
    )
    assert done.stdout == path.read_bytes()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_filter_writes_what_nbformat_writes_for_a_notebook_with_outputs(path):
    run = with_outputs(path.read_text(encoding="utf-8"))
    expected = nbformat.writes(nbformat.from_dict(clean_for_git(json.loads(run)))) + "\n"
    assert git_text(run) == expected


def test_filter_imports_neither_pandas_nor_nbformat():
    # git runs it on every `git add` and `git status` of a changed notebook
    script = ROOT / "tools" / "clean_notebooks.py"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(script), "--stdin"],
        input=NOTEBOOKS[0].read_bytes(),
        capture_output=True,
        check=True,
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.decode().splitlines()}
    assert not imported & {"pandas", "nbformat", "numpy", "altair"}


def test_filter_keeps_what_is_not_a_notebook_rather_than_fail():
    script = ROOT / "tools" / "clean_notebooks.py"
    text = b"<<<<<<< HEAD\n{}\n=======\n"
    done = subprocess.run([sys.executable, str(script), "--stdin"], input=text, capture_output=True)
    assert done.returncode == 0 and done.stdout == text
    assert b"not a notebook" in done.stderr


def test_install_outside_a_git_work_tree_does_nothing(tmp_path):
    script = ROOT / "tools" / "clean_notebooks.py"
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(tmp_path.parent))
    done = subprocess.run(
        [sys.executable, str(script), "--install-git-filter"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "not a git work tree" in done.stdout
