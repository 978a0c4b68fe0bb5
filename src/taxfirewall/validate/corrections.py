"""Rules for ``corrections.csv``: each correction names a row that exists."""

from __future__ import annotations

import pandas as pd

from ..errors import Problem
from ..missing import present
from ..schema import PackageSchema


def correction_problems(schema: PackageSchema, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    corrections = frames.get("corrections")
    if corrections is None or not len(corrections):
        return []
    path = schema.paths
    keys = {t.name: (t.primary_key[0] if t.primary_key else None) for t in schema.tables}
    problems = []
    for row, r in corrections.iterrows():
        table, record = r.get("table"), r.get("record_id")
        known = present(table) and present(record) and table in frames and keys.get(table)
        if known and not (frames[table][keys[table]] == record).any():
            problems.append(
                Problem(
                    path["corrections"],
                    row,
                    "record_id",
                    f"'{record}' is not a {keys[table]} in {path.get(table, table)} (expected the id of the corrected row)",
                )
            )
    return problems
