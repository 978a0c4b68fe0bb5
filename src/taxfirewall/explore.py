"""The desk's explorer: every table of an incident as a page made for checking data.

A contents list links to each table; each table sits in a collapsible block whose summary
gives its name, what it holds and its size, inside a frame of bounded height and width with
its own scrollbars (the header row and the row numbers stay in view). Nothing is cut short:
long text wraps, every value is shown in full, and all of it is escaped as text.

The same markup serves JupyterLab and the report pages. JupyterLab gets the few styles it
needs in a ``<style scoped>`` block scoped to the view, which the report build strips (its
page stylesheet carries the same rules); no script, no external file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from .data import Incident
from .i18n import _, n_
from .templating import call

TEMPLATE = "explore/view.html.j2"
# a column with a value longer than LONG characters wraps at a readable width instead of
# widening its table; past LONGER, at a wider one (fewer lines per row)
LONG, LONGER = 40, 160


def cell_text(value) -> str:
    """A value as the explorer shows it: in full, missing as empty, dates without a midnight time,
    floats as their shortest exact reading, lists joined by "; "."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {cell_text(v)}" for k, v in value.items())
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(sep=" ")
    if isinstance(value, float):
        return repr(float(value))
    return str(value)


def anchor(name: str, prefix: str = "tf-explore") -> str:
    """A stable id for a table (same name, same id): letters, digits and hyphens only."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")
    return f"{prefix}-{slug or 'table'}"


def _column(frame: pd.DataFrame, i: int, name, cells: list[list[str]]) -> dict:
    dtype = frame.dtypes.iloc[i]
    numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    longest = max((len(row[i]) for row in cells), default=0)
    kind = "num" if numeric else "longer" if longest > LONGER else "long" if longest > LONG else "short"
    return {"name": str(name), "kind": kind}


def table(frame: pd.DataFrame, name: str, *, title: str = "", description: str = "", prefix="tf-explore"):
    """What the template needs to show one table: its columns, rows (row label and cells, as
    text) and the words of its summary."""
    cells = [[cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    rows, columns = frame.shape
    return {
        "name": str(name),
        "id": anchor(name, prefix),
        "title": title,
        "description": description,
        "size": _(
            "{rows}, {columns}",
            rows=n_("{n} row", "{n} rows", rows),
            columns=n_("{n} column", "{n} columns", columns),
        ),
        "index_name": " / ".join(str(n) for n in frame.index.names if n is not None),
        "columns": [_column(frame, i, c, cells) for i, c in enumerate(frame.columns)],
        "rows": [{"label": cell_text(label), "cells": row} for label, row in zip(frame.index, cells)],
    }


def view_html(
    tables: Mapping[str, pd.DataFrame],
    *,
    about: Mapping[str, tuple[str, str]] | None = None,
    contents: bool | None = None,
    open: bool = True,
    prefix: str = "tf-explore",
) -> str:
    """``tables`` (name: frame) as the explorer shows them. ``about`` gives a table's title and
    description by name; ``contents`` adds the linked list of tables (default: with more than
    one table); ``open=False`` starts every table collapsed."""
    about = about or {}
    shown = [
        table(frame, name, **dict(zip(("title", "description"), about.get(name, ()))), prefix=prefix)
        for name, frame in tables.items()
    ]
    return call(TEMPLATE, "view", shown, len(shown) > 1 if contents is None else contents, open)


def tables_html(incident: Incident, *, open: bool = True) -> str:
    """Every table of ``incident`` as loaded (typed; the row label is the spreadsheet row), each
    with the title and description its datapackage gives it."""
    about = {t.name: (t.title, t.description) for t in incident.schema.tables}
    return view_html(incident.tables, about=about, open=open)
