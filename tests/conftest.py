"""Shared fixtures: copies of incident folders that tests may corrupt."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IRS = ROOT / "data" / "irs-dhs"
SYNTHETIC = Path(__file__).resolve().parent / "fixtures" / "synthetic-incident"


@pytest.fixture
def incident(tmp_path) -> Path:
    """A writable copy of the IRS–DHS incident folder."""
    dest = tmp_path / "irs-dhs"
    shutil.copytree(IRS, dest)
    return dest


@pytest.fixture
def synthetic(tmp_path) -> Path:
    """A writable copy of a small made-up incident with four funnel stages."""
    dest = tmp_path / "synthetic"
    shutil.copytree(SYNTHETIC, dest)
    return dest


def read_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(rows[0].keys())
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def edit_cell(folder: Path, file: str, key: str, key_value: str, column: str, new: str) -> int:
    """Set one cell; returns the spreadsheet row number of the edited row."""
    path = folder / file
    rows = read_rows(path)
    for i, row in enumerate(rows):
        if row[key] == key_value:
            row[column] = new
            write_rows(path, rows, list(rows[0].keys()))
            return i + 2
    raise KeyError(key_value)
