"""Rules for ``translations.csv``: each row translates a reader-facing text that exists.

Which texts are translatable, and how a row names its record, is defined in
:mod:`taxfirewall.translations`; duplicate keys, empty text and the column enums are the
descriptor's own checks.
"""

from __future__ import annotations

import pandas as pd

from .. import i18n
from .. import translations as tr
from ..errors import Problem
from ..missing import present
from ..schema import PackageSchema


def translation_problems(schema: PackageSchema, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    rows = frames.get(tr.RESOURCE)
    if rows is None or not len(rows):
        return []
    file, keys = schema.paths[tr.RESOURCE], tr.record_keys(schema, frames)
    problems = []
    for row, r in rows.iterrows():
        table, record, field, lang = (r.get(c) for c in ("table", "record_id", "field", "lang"))
        if present(lang) and (lang not in i18n.LANGS or lang == i18n.DEFAULT):
            others = ", ".join(x for x in i18n.LANGS if x != i18n.DEFAULT)
            problems.append(
                Problem(
                    file,
                    row,
                    "lang",
                    f"'{lang}' is not a language we translate into (expected one of: {others})",
                )
            )
        if not (present(table) and present(record) and present(field)):
            continue  # the schema check reports the empty cell
        if table not in keys:
            known = ", ".join(sorted(keys))
            problems.append(
                Problem(file, row, "table", f"'{table}' has no translatable text (expected one of: {known})")
            )
            continue
        problems += _row_problems(schema, frames, file, row, r, keys[table])
    return problems


def _row_problems(schema, frames, file: str, row: int, r, ids: dict[str, int]) -> list[Problem]:
    table, record, field = str(r["table"]), str(r["record_id"]), str(r["field"])
    allowed = tr.TRANSLATABLE[table] + tr.GLOSSES.get(table, ())
    if field not in allowed:
        return [
            Problem(
                file,
                row,
                "field",
                f"'{field}' of {table} is not translatable: a reader sees it as published "
                f"or not at all (expected one of: {', '.join(allowed)})",
            )
        ]
    if record not in ids:
        return [
            Problem(
                file, row, "record_id", f"'{record}' is not a row of {table} (expected {_key_help(table)})"
            )
        ]
    if table == tr.PACKAGE:
        return []
    value = frames[table].at[ids[record], field]
    gloss = field in tr.GLOSSES.get(table, ())
    if not gloss and not tr.is_translatable(table, field, value):
        why = "is empty" if not present(value) else "is a published title (kept as published)"
        return [Problem(file, row, "field", f"{field} of {table} {record} {why} (expected no translation)")]
    limit = schema.table(table).field(field).constraints.get("maxLength")
    text = r.get("text")
    if limit and present(text) and len(str(text)) > limit and not gloss:
        return [
            Problem(
                file,
                row,
                "text",
                f"is {len(str(text))} characters (expected at most {limit}, as {table}.{field})",
            )
        ]
    return []


def _key_help(table: str) -> str:
    if table == "corrections":
        return "date/table/record_id of a correction, e.g. 2026-03-02/events/E7"
    if table == tr.PACKAGE:
        return "package"
    return "an id in its first column"
