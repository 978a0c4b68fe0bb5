"""The incident's own words in another language: ``translations.csv`` in its data package.

English is the source language: every table is written in English, and the optional
``translations`` resource gives, per row and text field, the text in another language.
Which fields a reader sees, and so must be translated, is fixed here (:data:`TRANSLATABLE`):
it follows what the reports, charts and stories show. What a source published stays as
published (a reported value's ``as_reported``, outlets, the titles of published
documents); ``as_reported`` may carry an optional gloss (:data:`GLOSSES`), shown beside
the original words and never in their place (column ``as_reported_gloss``).

A row's ``record_id`` is the id of the row it translates (``source_id``, ``figure_id``,
``value_id``, ``event_id``); a correction has no id of its own, so it is keyed
``<date>/<table>/<record_id>`` (e.g. ``2026-03-02/events/E7``); the package's own words
(its title, description and the headings under its ``taxfirewall`` key) use table and
record_id ``package``.

Loading in a language (:func:`apply`) either gives every reader-facing text in that
language or fails listing the missing ones (:func:`missing`): English is never mixed in.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pandas as pd

from . import i18n
from .errors import DataError, Problem
from .missing import present
from .paths import DESCRIPTOR_NAME

RESOURCE = "translations"
PACKAGE = "package"
META_FIELDS = ("short_title", "funnel_title", "timeline_title", "credit")

# table -> the text fields a reader sees (a source's title only when the desk wrote it)
TRANSLATABLE: dict[str, tuple[str, ...]] = {
    PACKAGE: ("title", "description", *META_FIELDS),
    "sources": ("title", "outlet", "verification"),
    "figure_definitions": ("label", "sentence_label", "description", "share_label", "preferred_reason"),
    "figures": ("attributed_to",),
    "events": ("title", "description", "actors", "seed_wording"),
    "corrections": ("what_changed", "why"),
}
# table -> fields kept as published that may carry a gloss in the reader's language
GLOSSES: dict[str, tuple[str, ...]] = {"figures": ("as_reported",)}
GLOSS_SUFFIX = "_gloss"
_LANGUAGE = {"es": "Spanish"}


def is_translatable(table: str, field: str, value) -> bool:
    """Whether a cell holds desk-written words a reader sees (empty cells need nothing).
    A source's title in brackets is the desk's description; any other is as published; an
    outlet only when the desk describes it (:func:`described_outlet`)."""
    if field not in TRANSLATABLE.get(table, ()) or not present(value):
        return False
    if table == "sources" and field == "outlet":
        return described_outlet(str(value))
    return not (table == "sources" and field == "title" and not str(value).startswith("["))


def described_outlet(outlet: str) -> bool:
    """An outlet the desk describes rather than names ("MS NOW (column quoting The Washington
    Post)", "IRS, filed in ...") or a court ("U.S. District Court for ..."): its words are
    translated. A bare name ("Reuters", "The Washington Post") stays as published."""
    return "(" in outlet or "," in outlet or outlet.startswith("U.S. ")


def record_keys(schema, frames: dict[str, pd.DataFrame]) -> dict[str, dict[str, int]]:
    """table -> {record_id: spreadsheet row} for every table a translation can point into."""
    keys: dict[str, dict[str, int]] = {PACKAGE: {PACKAGE: 0}}
    for table in TRANSLATABLE.keys() - {PACKAGE}:
        frame = frames.get(table)
        if frame is None:
            continue
        if table == "corrections":
            ids = [_correction_key(r) for _, r in frame.iterrows()]
        else:
            ids = [str(x) for x in frame[schema.table(table).primary_key[0]]]
        keys[table] = dict(zip(ids, (int(i) for i in frame.index)))
    return keys


def _correction_key(r) -> str:
    date = r["date"].strftime("%Y-%m-%d") if present(r["date"]) else ""
    return f"{date}/{r['table']}/{r['record_id']}"


def _package_texts(schema) -> dict[str, str]:
    texts = {f: schema.descriptor.get(f) for f in ("title", "description")}
    texts |= {f: schema.meta.get(f) for f in META_FIELDS}
    return {f: str(v) for f, v in texts.items() if present(v)}


def _needed(schema, frames: dict[str, pd.DataFrame]):
    """(file, row, table, record_id, field) of every text that needs a translation."""
    for field in _package_texts(schema):
        yield DESCRIPTOR_NAME, 0, PACKAGE, PACKAGE, field
    for table, ids in record_keys(schema, frames).items():
        if table == PACKAGE:
            continue
        frame, path = frames[table], schema.table(table).path
        for record, row in ids.items():
            for field in TRANSLATABLE[table]:
                if is_translatable(table, field, frame.at[row, field]):
                    yield path, row, table, record, field


def _given(frames: dict[str, pd.DataFrame], lang: str) -> dict[tuple[str, str, str], str]:
    rows = frames.get(RESOURCE)
    if rows is None:
        return {}
    mine = rows[rows["lang"].astype("string") == lang]
    return {
        (str(r["table"]), str(r["record_id"]), str(r["field"])): str(r["text"])
        for _, r in mine.iterrows()
        if present(r["text"])
    }


def missing_problems(schema, frames: dict[str, pd.DataFrame], lang: str) -> list[Problem]:
    """Every reader-facing text with no translation into ``lang`` (none for English)."""
    if i18n.check(lang) == i18n.DEFAULT:
        return []
    given, language, where = _given(frames, lang), _LANGUAGE.get(lang, lang), _file(schema)
    return [
        Problem(
            file,
            row,
            field,
            f"no {language} translation (expected a row in {where}: "
            f"table={table}, record_id={record}, field={field}, lang={lang})",
        )
        for file, row, table, record, field in _needed(schema, frames)
        if (table, record, field) not in given
    ]


def _file(schema) -> str:
    return schema.paths.get(RESOURCE, "translations.csv")


def missing(source, lang: str) -> list[Problem]:
    """The texts of an incident (a folder, or a loaded Incident's folder) that have no
    translation into ``lang``, located ``file:row:field``; problems that stop the folder
    being read are returned instead."""
    from .validate import check_incident

    result = check_incident(Path(getattr(source, "folder", source)))
    if result.problems:
        return result.problems
    return missing_problems(result.schema, result.frames, lang)


def apply(schema, frames: dict[str, pd.DataFrame], lang: str):
    """(schema, tables) with every reader-facing text in ``lang``; the translations table
    itself is left out. Raises :class:`DataError` listing every missing translation."""
    tables = {k: v for k, v in frames.items() if k != RESOURCE}
    if i18n.check(lang) == i18n.DEFAULT:
        return schema, tables
    problems = missing_problems(schema, frames, lang)
    if problems:
        raise DataError(problems, str(schema.folder))
    given, keys = _given(frames, lang), record_keys(schema, frames)
    for table in keys.keys() - {PACKAGE}:
        tables[table] = _translated(tables[table], table, keys[table], given)
    if "figures" in tables:
        tables["figures"] = _glossed(tables["figures"], keys["figures"], given)
    return _translated_schema(schema, given), tables


def _translated(frame: pd.DataFrame, table: str, ids: dict[str, int], given) -> pd.DataFrame:
    frame = frame.copy()
    for record, row in ids.items():
        for field in TRANSLATABLE[table]:
            if is_translatable(table, field, frame.at[row, field]):
                frame.at[row, field] = given[(table, record, field)]
    return frame


def _glossed(frame: pd.DataFrame, ids: dict[str, int], given) -> pd.DataFrame:
    for field in GLOSSES["figures"]:
        glosses = {row: given.get(("figures", record, field)) for record, row in ids.items()}
        frame[field + GLOSS_SUFFIX] = pd.array([glosses.get(i) for i in frame.index], dtype="string")
    return frame


def _translated_schema(schema, given):
    descriptor = copy.deepcopy(schema.descriptor)
    for field in _package_texts(schema):
        text = given[(PACKAGE, PACKAGE, field)]
        if field in META_FIELDS:
            descriptor["taxfirewall"][field] = text
        else:
            descriptor[field] = text
    return dataclasses.replace(schema, descriptor=descriptor)
