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
        """Project-specific metadata (titles, credit) under the descriptor's ``taxfirewall`` key."""
        return dict(self.descriptor.get("taxfirewall", {}))


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def read_schema(folder: str | Path) -> PackageSchema:
    """Parse the descriptor, raising one DataError if it is missing or malformed."""
    folder = Path(folder)
    path = folder / DESCRIPTOR_NAME
    name = DESCRIPTOR_NAME

    def fail(msg: str):
        raise DataError([Problem(name, 0, "-", msg)], str(folder))

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
        raise DataError(
            [
                Problem(
                    name,
                    exc.lineno,
                    "-",
                    f"not valid JSON: {exc.msg} at column {exc.colno} (expected a JSON object)",
                )
            ],
            str(folder),
        ) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        fail("has no 'resources' list (expected a data package with one resource per table)")

    tables = []
    problems = []
    for i, res in enumerate(descriptor["resources"]):
        if (
            not isinstance(res, dict)
            or not res.get("name")
            or not res.get("path")
            or not isinstance(res.get("schema"), dict)
        ):
            problems.append(
                Problem(
                    name,
                    0,
                    f"resources[{i}]",
                    "needs a name, a path and an inline schema (expected a tabular data resource)",
                )
            )
            continue
        schema = res["schema"]
        fields = []
        for f in schema.get("fields", []):
            fields.append(
                Field(
                    name=f["name"],
                    type=f.get("type", "string"),
                    title=f.get("title", f["name"]),
                    description=f.get("description", ""),
                    constraints=dict(f.get("constraints", {})),
                    descriptor=f,
                )
            )
        tables.append(
            Table(
                name=res["name"],
                path=res["path"],
                title=res.get("title", res["name"]),
                description=res.get("description", ""),
                fields=tuple(fields),
                primary_key=tuple(_as_list(schema.get("primaryKey"))),
                foreign_keys=tuple(schema.get("foreignKeys", [])),
                descriptor=res,
            )
        )
    if problems:
        raise DataError(problems, str(folder))
    return PackageSchema(folder=folder, descriptor=descriptor, tables=tuple(tables))
