"""The tables as DataFrames typed by their schema, for the domain rules and the charts."""

from __future__ import annotations

import pandas as pd

from ..schema import Field, Table


def typed_frame(table: Table, rows: list[list[str]], numbers: list[int]) -> pd.DataFrame:
    """Rows as a DataFrame with the schema's types; invalid cells become missing.

    Integers are nullable ``Int64``, dates ``datetime64``, booleans nullable ``boolean``,
    enums ``category`` with the schema's categories in order, other text ``string``.
    The index is the spreadsheet row number, so every rule can locate what it reports.
    """
    frame = pd.DataFrame(rows, columns=table.field_names, dtype="object", index=pd.Index(numbers, name="row"))
    out = {}
    for fld in table.fields:
        col = frame[fld.name].where(frame[fld.name] != "", None) if len(frame) else frame[fld.name]
        out[fld.name] = _typed(fld, col)
    return pd.DataFrame(out, index=frame.index)


def _typed(fld: Field, col: pd.Series) -> pd.Series:
    if fld.type == "integer":
        digits = col.astype("string").str.fullmatch(r"-?\d+").fillna(False).astype(bool)
        return pd.to_numeric(col.where(digits, None), errors="coerce").astype("Int64")
    if fld.type == "number":
        return pd.to_numeric(col, errors="coerce").astype("Float64")
    if fld.type == "date":
        return pd.to_datetime(col, format="%Y-%m-%d", errors="coerce")
    if fld.type == "boolean":
        true_values = set(fld.descriptor.get("trueValues", ["true", "True", "TRUE", "1"]))
        false_values = set(fld.descriptor.get("falseValues", ["false", "False", "FALSE", "0"]))
        return col.map(
            lambda v, yes=true_values, no=false_values: True if v in yes else (False if v in no else None)
        ).astype("boolean")
    if fld.enum:
        return pd.Series(
            pd.Categorical(col.where(col.isin(fld.enum), None), categories=list(fld.enum)), index=col.index
        )
    return col.astype("string")
