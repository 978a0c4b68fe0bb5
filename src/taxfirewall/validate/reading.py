"""Read one CSV table as a spreadsheet saves it, or say exactly why it cannot be read."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import Problem
from ..schema import Table

# A table of sourced facts is a few kilobytes; anything this big is the wrong file, and
# refusing it before reading keeps a 50 MB export from hanging a build.
MAX_TABLE_BYTES = 5 * 1024 * 1024
_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}


def read_table(folder: Path, table: Table) -> tuple[list[str], list[list[str]], list[int], list[Problem]]:
    """Read one CSV into (header, rows, spreadsheet row numbers, problems).

    Accepts what spreadsheets save: a UTF-8 byte-order mark, Windows line endings, and
    spaces around cells (stripped). Rejects everything else with a located problem.
    """
    text, problem = _read_text(folder / table.path, table)
    if text is not None:
        records, problem = _parse(table.path, text)
    if problem is not None:
        return [], [], [], [problem]
    header = [c.strip() for c in records[0]]
    problems = _delimiter_problems(table.path, header) or _check_header(table.path, header, table)
    if problems:
        return [], [], [], problems
    rows, numbers, problems = _rows(table, header, records)
    return list(table.field_names), rows, numbers, problems


def _read_text(path: Path, table: Table) -> tuple[str | None, Problem | None]:
    """The file's text, or the one problem that stops it being read at all."""
    name = table.path
    expected_header = ",".join(table.field_names)
    if not path.is_file():
        return None, _whole_file(
            name, f"file is missing (expected a CSV table with header {expected_header})"
        )
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        return None, _whole_file(
            name,
            f"file is {size / 1e6:.1f} MB, too large to be a table of sourced facts (expected at most {MAX_TABLE_BYTES // (1024 * 1024)} MB; was the right sheet exported?)",
        )
    raw = path.read_bytes()
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n"):
        return None, _whole_file(name, f"file is empty (expected a header row: {expected_header})")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        first_line = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
        header = [c.strip() for c in _cells(first_line)]
        row, column = _locate_bad_bytes(raw, exc, header)
        message = f"byte 0x{raw[exc.start]:02x} is not UTF-8 text (expected UTF-8; re-save as 'CSV UTF-8')"
        return None, Problem(name, row, column, message)


def _whole_file(name: str, message: str) -> Problem:
    return Problem(name, 0, "-", message)


def _parse(name: str, text: str) -> tuple[list[list[str]], Problem | None]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""))), None
    except csv.Error as exc:
        return [], _whole_file(name, f"cannot be read as CSV: {exc} (expected comma-separated values)")


def _cells(line: str) -> list[str]:
    """Split one line as CSV, tolerating stray carriage returns or quotes."""
    try:
        return next(csv.reader([line.replace("\r", "")]), [])
    except csv.Error:
        return line.split(",")


def _locate_bad_bytes(raw: bytes, exc: UnicodeDecodeError, header: list[str] | None) -> tuple[int, str]:
    """Spreadsheet row and column of the first byte that is not UTF-8."""
    row = raw.count(b"\n", 0, exc.start) + 1
    column = "-"
    if header:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        prefix = raw[line_start : exc.start].decode("utf-8", errors="replace")
        cells = _cells(prefix) or [""]
        if 0 < len(cells) <= len(header):
            column = header[len(cells) - 1]
    return row, column


def _delimiter_problems(name: str, header: list[str]) -> list[Problem]:
    """A one-column header holding another delimiter: the sheet was saved with the wrong one."""
    if len(header) != 1:
        return []
    for delimiter, label in _DELIMITERS.items():
        if delimiter in header[0]:
            return [
                Problem(
                    name,
                    1,
                    "-",
                    f"columns are separated by {label} (expected commas; re-save as 'CSV UTF-8 (comma delimited)')",
                )
            ]
    return []


def _check_header(name: str, header: list[str], table: Table) -> list[Problem]:
    expected = table.field_names
    problems = []
    seen = set()
    for column in header:
        if column in seen:
            problems.append(Problem(name, 1, column, "column appears twice (expected each column once)"))
        seen.add(column)
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    # A missing and an extra column at the same position is most likely a rename.
    for column in list(extra):
        pos = header.index(column)
        if pos < len(expected) and expected[pos] in missing:
            problems.append(
                Problem(
                    name,
                    1,
                    column,
                    f"unknown column where '{expected[pos]}' was expected (renamed? expected '{expected[pos]}')",
                )
            )
            missing.remove(expected[pos])
            extra.remove(column)
    for column in missing:
        problems.append(
            Problem(name, 1, column, f"column is missing (expected columns {','.join(expected)})")
        )
    for column in extra:
        label = column or "(blank)"
        problems.append(
            Problem(
                name,
                1,
                label,
                f"unknown column '{label}' (expected only {','.join(expected)}; add new fields to datapackage.json first)",
            )
        )
    return problems


def _rows(
    table: Table, header: list[str], records: list[list[str]]
) -> tuple[list[list[str]], list[int], list[Problem]]:
    """The records after the header, cells stripped and put in the schema's column order."""
    order = [header.index(f) for f in table.field_names]
    rows, numbers, problems = [], [], []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines that spreadsheets leave at the end
        if len(record) != len(header):
            problems.append(
                Problem(
                    table.path,
                    number,
                    "-",
                    f"has {len(record)} cells (expected {len(header)}, one per column; check for an unquoted comma)",
                )
            )
            continue
        rows.append([record[i].strip() for i in order])
        numbers.append(number)
    return rows, numbers, problems
