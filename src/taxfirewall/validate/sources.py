"""Rules for ``sources.csv``: each publication date against the precision it claims."""

from __future__ import annotations

import pandas as pd

from ..errors import Problem
from ..missing import present
from .dated import written_date_problems


def source_problems(file: str, sources: pd.DataFrame) -> list[Problem]:
    problems = []
    for row, r in sources.iterrows():
        precision, published = r.get("published_precision"), r.get("published")
        if not present(precision):
            continue
        if precision != "unknown":
            problems += written_date_problems(file, row, "published", published, precision)
        elif present(published):
            problems.append(
                Problem(
                    file,
                    row,
                    "published",
                    f"'{published}' is given but precision is unknown (expected empty, or a precision of day, month or year)",
                )
            )
    return problems
