"""Read an incident's ``datapackage.json``: the single source of truth for its tables.

Nothing here restates a field: names, types, enums and keys all come from the descriptor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError, Problem
from .paths import DESCRIPTOR_NAME


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    constraints: dict
    descriptor: dict

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def enum(self) -> list | None:
        return self.constraints.get("enum")


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[dict, ...]
    descriptor: dict

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class PackageSchema:
    folder: Path
    descriptor: dict
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def meta(self) -> dict:
        """Project-specific metadata (titles, credit) under the descriptor's ``taxfirewall`` key;
        empty when it is missing or not an object (which validation reports)."""
        block = self.descriptor.get("taxfirewall")
        return dict(block) if isinstance(block, dict) else {}

    @property
    def paths(self) -> dict[str, str]:
        """Each table's file, by table name: where its problems are located."""
        return {t.name: t.path for t in self.tables}


def as_list(value) -> list:
    """A descriptor value that may be one item or a list of them (keys, key fields)."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def read_schema(folder: str | Path) -> PackageSchema:
    """Parse the descriptor, raising one DataError if it is missing or malformed."""
    folder = Path(folder)
    descriptor = _read_descriptor(folder)
    tables, problems = [], []
    for i, res in enumerate(descriptor["resources"]):
        if _is_tabular(res):
            tables.append(_table(res))
        else:
            problems.append(
                Problem(
                    DESCRIPTOR_NAME,
                    0,
                    f"resources[{i}]",
                    "needs a name, a path and an inline schema (expected a tabular data resource)",
                )
            )
    if problems:
        raise DataError(problems, str(folder))
    return PackageSchema(folder=folder, descriptor=descriptor, tables=tuple(tables))


def _read_descriptor(folder: Path) -> dict:
    """The descriptor as JSON with a ``resources`` list, or one DataError saying why not."""
    path = folder / DESCRIPTOR_NAME

    def fail(msg: str, row: int = 0):
        raise DataError([Problem(DESCRIPTOR_NAME, row, "-", msg)], str(folder)) from None

    if not folder.is_dir():
        fail(
            f"incident folder {folder} does not exist (expected a folder holding {DESCRIPTOR_NAME} and its CSV tables)"
        )
    if not path.is_file():
        fail(f"missing (expected a Frictionless data package descriptor at {path})")
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        fail("not UTF-8 text (expected a UTF-8 JSON file)")
    except json.JSONDecodeError as exc:
        fail(f"not valid JSON: {exc.msg} at column {exc.colno} (expected a JSON object)", exc.lineno)
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        fail("has no 'resources' list (expected a data package with one resource per table)")
    return descriptor


def _is_tabular(res) -> bool:
    return (
        isinstance(res, dict)
        and bool(res.get("name"))
        and bool(res.get("path"))
        and isinstance(res.get("schema"), dict)
    )


def _table(res: dict) -> Table:
    schema = res["schema"]
    return Table(
        name=res["name"],
        path=res["path"],
        title=res.get("title", res["name"]),
        description=res.get("description", ""),
        fields=tuple(_field(f) for f in schema.get("fields", [])),
        primary_key=tuple(as_list(schema.get("primaryKey"))),
        foreign_keys=tuple(schema.get("foreignKeys", [])),
        descriptor=res,
    )


def _field(f: dict) -> Field:
    return Field(
        name=f["name"],
        type=f.get("type", "string"),
        title=f.get("title", f["name"]),
        description=f.get("description", ""),
        constraints=dict(f.get("constraints", {})),
        descriptor=f,
    )
