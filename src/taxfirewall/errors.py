"""One error type for bad data, carrying every problem found, not just the first."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located as ``file:row:column``.

    ``row`` counts as a spreadsheet does: the header is row 1, the first record row 2;
    0 means the file as a whole. ``column`` is a field name, or ``-`` for a whole row/file.
    """

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


def _order(p: Problem) -> tuple:
    """File, row, then column: a story's numbered columns in number order."""
    column = (0, int(p.column), "") if p.column.isdigit() else (1, 0, p.column)
    return (p.file, p.row, column, p.message)


class DataError(Exception):
    """Raised when an incident folder does not hold a valid dataset."""

    def __init__(self, problems: list[Problem], folder: str = ""):
        self.problems = sorted(set(problems), key=_order)
        self.folder = folder
        where = f" in {folder}" if folder else ""
        lines = [f"{len(self.problems)} problem(s) with the dataset{where}:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))
