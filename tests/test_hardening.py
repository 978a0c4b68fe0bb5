"""Builds and exports that go wrong end cleanly: one clear line per problem, exit 1 (2 for bad
input), no Python traceback, the previous pages byte-identical and no temporary files left.

Simulated here: a kernel that dies mid-run, a read-only output folder, a full disk while
pages are written, an export into an unwritable or full target, and report slugs that could
escape the output folder. (Ctrl-C and a report over its time limit are in test_build_run.py.)
Outputs always go to tmp dirs, never the real reports/.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from conftest import write_notebook
from taxfirewall.build import build
from taxfirewall.cli import main
from taxfirewall.manifest import ManifestError, check_reports, load_manifest
from test_build import report, write_manifest

SLUG = "page"


def tiny_notebook(path: Path) -> Path:
    """A notebook with one parameters cell whose kernel ends its own process on request."""
    return write_notebook(
        path,
        "die = False  # end the kernel process (os._exit) in the third cell",
        new_markdown_cell("## A tiny page"),
        new_code_cell("print('the page body')"),
        new_code_cell("if die:\n    import os\n    os._exit(1)"),
        new_code_cell("print('after')"),
    )


def tiny_manifest(folder: Path, notebook: Path, die: bool = False) -> str:
    return write_manifest(
        folder / "reports.toml",
        [
            {
                "slug": SLUG,
                "notebook": str(notebook),
                "title": "A tiny page",
                "dek": "One printed line.",
                "parameters": {"die": die},
            },
        ],
    )


def run_build(manifest, out, **kw) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    rc = build(manifest, out, jobs=1, stdout=stdout, stderr=stderr, **kw)
    return rc, stdout.getvalue(), stderr.getvalue()


def html_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.html"))}


def leftovers(out: Path) -> list[str]:
    return [str(p.relative_to(out)) for p in out.rglob("*") if p.name.endswith(".tmp")]


def assert_clean_failure(rc: int, stdout: str, stderr: str, capfd, *expected: str) -> None:
    captured = capfd.readouterr()  # anything printed past the streams (loggers, threads)
    everything = stdout + stderr + captured.out + captured.err
    assert rc == 1, everything
    assert "Traceback" not in everything, everything
    failed = [line for line in stderr.splitlines() if line.startswith(f"FAILED {SLUG}: ")]
    assert len(failed) == 1, stderr
    for text in expected:
        assert text in failed[0], (text, failed[0])


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    """One good build of the tiny page (its kernel runs once for the module)."""
    tmp = tmp_path_factory.mktemp("hardening")
    notebook = tiny_notebook(tmp / "tiny.ipynb")
    out = tmp / "out"
    rc, stdout, stderr = run_build(tiny_manifest(tmp, notebook), out)
    assert rc == 0, stdout + stderr
    assert "the page body" in (out / f"{SLUG}.html").read_text()
    return {"notebook": notebook, "out": out}


@pytest.fixture
def previous(golden, tmp_path):
    """A copy of the good build to break, with its manifest."""
    out = tmp_path / "out"
    shutil.copytree(golden["out"], out)
    return {
        "out": out,
        "manifest": tiny_manifest(tmp_path, golden["notebook"]),
        "html": html_files(out),
        "notebook": golden["notebook"],
        "tmp": tmp_path,
    }


@pytest.mark.slow
def test_a_kernel_that_dies_mid_run_fails_its_report_and_keeps_the_page(previous, capfd):
    out = previous["out"]
    manifest = tiny_manifest(previous["tmp"], previous["notebook"], die=True)
    rc, stdout, stderr = run_build(manifest, out)
    assert_clean_failure(rc, stdout, stderr, capfd, "tiny.ipynb", "Kernel died")
    assert html_files(out)[f"{SLUG}.html"] == previous["html"][f"{SLUG}.html"]
    assert "last build failed, showing the previous version" in (out / "index.html").read_text()
    if not (out / "_failed" / f"{SLUG}.ipynb").exists():  # nothing claims a copy that is not there
        assert "_failed" not in stderr
    assert leftovers(out) == []


def _root_can_write(folder: Path) -> bool:
    """os.access answers yes for root whatever the mode: try a real write."""
    probe = folder / ".probe"
    try:
        probe.write_text("x")
    except PermissionError:
        return False
    probe.unlink()
    return True


def _inside(path, folder: Path) -> bool:
    try:
        Path(path).resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _refuse_writes_in(monkeypatch, folder: Path, error: OSError, names=lambda name: True) -> None:
    """Make new files under ``folder`` (whose final name passes ``names``) fail with ``error``,
    at the point the operating system would: creating the temporary file (read-only) or
    renaming it into place after writing (a full disk)."""
    if error.errno == errno.EACCES:
        real = tempfile.mkstemp

        def mkstemp(*a, **kw):
            if _inside(kw.get("dir") or folder.parent, folder) and names(kw.get("prefix", "").strip(".")):
                raise PermissionError(errno.EACCES, "Permission denied")
            return real(*a, **kw)

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    else:
        real_replace = os.replace

        def replace(src, dst, *a, **kw):
            if _inside(dst, folder) and names(Path(dst).name):
                raise OSError(error.errno, os.strerror(error.errno))
            return real_replace(src, dst, *a, **kw)

        monkeypatch.setattr(os, "replace", replace)


@pytest.mark.slow
def test_a_read_only_out_folder_fails_the_report_and_keeps_every_page(previous, monkeypatch, capfd):
    out = previous["out"]
    folders = [out, *(p for p in out.rglob("*") if p.is_dir())]
    for d in folders:
        d.chmod(0o555)
    try:
        if _root_can_write(out):  # root ignores the mode bits: refuse the writes instead
            _refuse_writes_in(monkeypatch, out, PermissionError(errno.EACCES, "Permission denied"))
        rc, stdout, stderr = run_build(previous["manifest"], out, force=True)
    finally:
        for d in folders:
            d.chmod(0o755)
    assert_clean_failure(
        rc, stdout, stderr, capfd, "tiny.ipynb", "could not write", str(out), "Permission denied"
    )
    assert html_files(out) == previous["html"]  # the page and the index
    assert "index or build state not updated" in stderr
    assert leftovers(out) == []


@pytest.mark.slow
def test_a_full_disk_while_writing_pages_fails_cleanly(previous, monkeypatch, capfd):
    out = previous["out"]
    _refuse_writes_in(
        monkeypatch,
        out,
        OSError(errno.ENOSPC, "No space left on device"),
        names=lambda name: name.endswith(".html"),
    )
    rc, stdout, stderr = run_build(previous["manifest"], out, force=True)
    assert_clean_failure(
        rc,
        stdout,
        stderr,
        capfd,
        "tiny.ipynb",
        f"could not write {out / (SLUG + '.html')}",
        "No space left on device",
    )
    assert html_files(out) == previous["html"]
    assert leftovers(out) == []  # the temporary files written before the rename were removed


def test_an_out_folder_that_is_a_file_is_one_line_and_exit_1(tmp_path, capsys):
    target = tmp_path / "not-a-folder"
    target.write_text("a file")
    assert main(["export", "--out", str(target), "--chart", "funnel"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: ") and str(target) in err and "Not a directory" in err
    assert target.read_text() == "a file"


def test_export_into_a_read_only_folder_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys):
    out = tmp_path / "charts"
    out.mkdir()
    out.chmod(0o555)
    try:
        if _root_can_write(out):
            _refuse_writes_in(monkeypatch, out, PermissionError(errno.EACCES, "Permission denied"))
        rc = main(["export", "--out", str(out), "--chart", "funnel"])
    finally:
        out.chmod(0o755)
    err = capsys.readouterr().err
    assert rc == 1, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"error: {out}") and "Permission denied" in err
    assert not any(p.is_file() for p in out.rglob("*"))


@pytest.mark.slow
def test_export_onto_a_full_disk_is_one_line_and_leaves_no_temporary_files(tmp_path, monkeypatch, capsys):
    """The disk fills while the chart workers write their images (in forked processes)."""
    out = tmp_path / "charts"
    _refuse_writes_in(
        monkeypatch,
        out,
        OSError(errno.ENOSPC, "No space left on device"),
        names=lambda name: name.endswith(".png"),
    )
    rc = main(["export", "--out", str(out), "--chart", "funnel"])
    err = capsys.readouterr().err
    assert rc == 1, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"error: {out / 'funnel'}") and ".png: No space left on device" in err
    assert leftovers(out) == []
    assert not (out / "funnel" / "index.html").exists()  # the page is written last, after every image


@pytest.mark.parametrize("slug", ["../evil", "/abs", "a/b", "x y", "UPPER"])
def test_a_manifest_slug_that_could_escape_is_refused_with_exit_2(tmp_path, capsys, slug):
    manifest = write_manifest(tmp_path / "reports.toml", [report(slug), report("fine")])
    out = tmp_path / "out"
    assert main(["build", "--manifest", manifest, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "1 problem(s); nothing was run" in err
    assert f"report '{slug}': slug must match [a-z0-9][a-z0-9-]*" in err
    assert not out.exists() and not (tmp_path / "evil.html").exists()


@pytest.mark.parametrize("only", ["../fine", "../../etc/passwd", "/fine", "fine/", "FINE"])
def test_only_with_a_path_or_unknown_slug_is_refused_with_exit_2(tmp_path, capsys, only):
    manifest = write_manifest(tmp_path / "reports.toml", [report("fine")])
    out = tmp_path / "out"
    assert main(["build", "--manifest", manifest, "--out", str(out), "--only", only]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"--only {only}: no such report (known: fine)" in err
    assert not out.exists()


def test_an_out_folder_given_with_dot_dots_keeps_every_output_inside_it(tmp_path):
    manifest = write_manifest(tmp_path / "reports.toml", [report("fine")])
    out = tmp_path / "a" / ".." / "out"
    (plan,) = check_reports(load_manifest(manifest), out)
    for path in plan.report.outputs(out).values():
        assert path.resolve().is_relative_to((tmp_path / "out").resolve()), path


def test_check_reports_refuses_the_same_slugs_without_the_command_line(tmp_path):
    manifest = write_manifest(tmp_path / "reports.toml", [report("/abs"), report("x y")])
    with pytest.raises(ManifestError) as err:
        check_reports(load_manifest(manifest), tmp_path / "out")
    assert len(err.value.problems) == 2
