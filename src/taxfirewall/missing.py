"""One test for "this cell has a value", shared by every module that reads the tables."""

from __future__ import annotations

import pandas as pd


def present(value) -> bool:
    """False for None, NaN, NaT and pandas' NA; True for anything else (0 and "" included)."""
    return value is not None and not pd.isna(value)
