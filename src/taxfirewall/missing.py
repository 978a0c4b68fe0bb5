"""One test for "this cell has a value", shared by every module that reads the tables."""

from __future__ import annotations


def present(value) -> bool:
    """False for None, NaN, NaT and pandas' NA; True for anything else (0 and "" included)."""
    import pandas as pd  # here: the page templates use this, and a build with nothing to run loads no pandas

    return value is not None and not pd.isna(value)
