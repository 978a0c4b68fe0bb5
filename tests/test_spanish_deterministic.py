"""The Spanish edition has the same bytes from the same inputs: a report page, the chart
exports and the data summary, built twice into different folders."""

from __future__ import annotations

import pytest

from conftest import IRS
from taxfirewall.cli import main
from test_build import report, run_cli, write_manifest

pytestmark = pytest.mark.slow


def _files(folder) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "_executed" not in p.parts and not p.name.startswith(".build")
    }


def test_a_spanish_report_page_has_the_same_bytes_when_built_twice(tmp_path):
    manifest = write_manifest(tmp_path / "reports.toml", [report("funnel-es", "02_funnel", lang="es")])
    for name in ("a", "b"):
        assert run_cli(manifest, tmp_path / name) == 0
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert "funnel-es.html" in a and a == b


def test_spanish_exports_and_data_summary_have_the_same_bytes_when_written_twice(tmp_path, capsys):
    for name in ("a", "b"):
        out = tmp_path / name
        assert (
            main(["export", "--data", str(IRS), "--lang", "es", "--chart", "funnel", "--out", str(out)]) == 0
        )
        assert main(["summary", "--data", str(IRS), "--lang", "es", "--out", str(out / "summary.md")]) == 0
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert any(k.startswith("es/funnel/") for k in a) and "summary.md" in a
    assert a == b
