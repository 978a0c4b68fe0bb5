"""Run every check on an incident folder in order, and collect problems and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataError, Problem
from ..schema import PackageSchema, read_schema
from ..translations import RESOURCE
from .corrections import correction_problems
from .descriptor import descriptor_problems, meta_warnings
from .events import event_problems, not_found_highlights, upcoming_events
from .figures import figure_problems
from .frames import typed_frame
from .funnel import definition_problems, not_found_stages
from .reading import read_table
from .schema_problems import Raw, schema_problems
from .sources import source_problems
from .translations import translation_problems


@dataclass
class CheckResult:
    schema: PackageSchema | None
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # shown, never a failure

    @property
    def ok(self) -> bool:
        return not self.problems


def check_incident(folder: str | Path, *, translations: bool = True) -> CheckResult:
    """Run every check; never raises for bad data (problems are returned). Without
    ``translations`` the optional translations table is neither read nor checked (an
    English load needs none of it, and stays as fast as before it existed)."""
    folder = Path(folder)
    try:
        schema = read_schema(folder)
    except DataError as exc:
        return CheckResult(schema=None, problems=list(exc.problems))
    result = CheckResult(schema=schema)
    raw: Raw = {}
    tables = _present_tables(folder, schema, translations)
    for table in tables:
        header, rows, numbers, problems = read_table(folder, table)
        result.problems += problems
        if header:
            raw[table.name] = (header, rows, numbers)
    result.problems += schema_problems(schema, raw)
    for table in schema.tables:
        if table.name in raw:
            _, rows, numbers = raw[table.name]
            result.frames[table.name] = typed_frame(table, rows, numbers)
    if len(raw) == len(tables):
        # a cell the schema rejected is reported once: the domain rule would only restate it
        reported = {(p.file, p.row, p.column) for p in result.problems}
        result.problems += [
            p for p in _domain_problems(schema, result.frames) if (p.file, p.row, p.column) not in reported
        ]
    result.warnings = sorted(set(_warnings(schema, result.frames)))
    return result


def _domain_problems(schema: PackageSchema, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Rules a schema cannot express. Each rule names the columns it reads, which the
    codebook documents as the contract every incident's tables keep."""
    path = schema.paths
    figures, defs = frames.get("figures"), frames.get("figure_definitions")
    events, sources = frames.get("events"), frames.get("sources")
    problems = descriptor_problems(schema)
    if figures is not None:
        problems += figure_problems(path["figures"], figures)
    if defs is not None:
        problems += definition_problems(path, defs, figures)
    if events is not None:
        problems += event_problems(path, events, sources)
    if sources is not None:
        problems += source_problems(path["sources"], sources)
    return problems + correction_problems(schema, frames) + translation_problems(schema, frames)


def _present_tables(folder: Path, schema: PackageSchema, translations: bool) -> list:
    """The tables to read: all, but the optional translations only when wanted and its
    file exists (an incident without it is complete in English)."""
    return [t for t in schema.tables if t.name != RESOURCE or (translations and (folder / t.path).exists())]


def _warnings(schema: PackageSchema, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Things a desk may mean but should see: they never fail validation."""
    path = schema.paths
    events, sources = frames.get("events"), frames.get("sources")
    defs, figures = frames.get("figure_definitions"), frames.get("figures")
    found = meta_warnings(schema, sources)
    if events is not None:
        found += not_found_highlights(path["events"], events)
        found += upcoming_events(path["events"], events, schema.meta, sources)
    if defs is not None and figures is not None:
        found += not_found_stages(path["figure_definitions"], defs, figures)
    return found
