"""Rules for ``figures.csv``: each reported value against its bounds and its bound kind."""

from __future__ import annotations

import pandas as pd

from .. import dates
from ..errors import Problem
from ..missing import present
from ..quantity import POINTS
from .dated import window_problems


def figure_problems(file: str, figures: pd.DataFrame) -> list[Problem]:
    problems = []
    for row, r in figures.iterrows():
        low, high = r.get("low"), r.get("high")
        if present(low) and present(high) and low > high:
            problems.append(
                Problem(file, row, "low", f"low {low} is above high {high} (expected low <= high)")
            )
        problems += _bound_problems(file, row, r)
        if "as_of" in figures and present(r.get("as_of")):
            as_of = str(r["as_of"])
            problems += window_problems(file, row, "as_of", as_of, dates.precision_of(as_of) or "day")
    return problems


def _bound_problems(file: str, row: int, r) -> list[Problem]:
    """``value`` against the bound kind (the codebook's table): one problem per row at most,
    so a value that breaks both its kind and its bounds is reported for its kind."""
    bound, value = r.get("bound"), r.get("value")
    if bound == "exact":
        return _exact_problems(file, row, value, r.get("low"), r.get("high"))
    if bound in POINTS and not present(value):
        return [
            Problem(
                file,
                row,
                "value",
                f"is empty but bound is {bound} (expected the number the source gave, with low <= value <= high)",
            )
        ]
    if present(bound) and bound not in POINTS and present(value):
        return [
            Problem(
                file,
                row,
                "value",
                f"value {value} is given but bound is {bound} (expected an empty value: only rounded, about and exact carry a value)",
            )
        ]
    # rounded, about, or a bound the schema already rejected: the value must sit inside its bounds
    return _value_within(file, row, value, r.get("low"), r.get("high"))


def _exact_problems(file: str, row: int, value, low, high) -> list[Problem]:
    if not present(value):
        return [
            Problem(
                file,
                row,
                "value",
                "is empty but bound is exact (expected value = low = high: the count the source gave)",
            )
        ]
    if present(low) and present(high) and not value == low == high:
        return [
            Problem(
                file,
                row,
                "value",
                f"value {value}, low {low} and high {high} differ but bound is exact (expected value = low = high)",
            )
        ]
    return []


def _value_within(file: str, row: int, value, low, high) -> list[Problem]:
    if present(value) and present(low) and value < low:
        return [
            Problem(file, row, "value", f"value {value} is below low {low} (expected low <= value <= high)")
        ]
    if present(value) and present(high) and value > high:
        return [
            Problem(file, row, "value", f"value {value} is above high {high} (expected low <= value <= high)")
        ]
    return []
