"""Validate an incident folder: file shape, the Frictionless schema, then the domain rules.

Every problem is collected and reported together as ``file:row:column: what (expected ...)``.
The order of checks matters only where a later check cannot run on broken input: a file
that cannot be read as CSV is not schema-checked, and a cell the schema check reported is
not reported again by the domain rules (one message per cell).

Warnings use the same format for what a desk may mean but should see (an unconfirmed key
moment, an upcoming event, a default heading); they never make validation fail.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from . import asof, dates, verification
from .errors import Problem
from .missing import present as _present
from .paths import DESCRIPTOR_NAME
from .quantity import POINTS
from .schema import PackageSchema, Table, read_schema

# A table of sourced facts is a few kilobytes; anything this big is the wrong file, and
# refusing it before reading keeps a 50 MB export from hanging a build.
MAX_TABLE_BYTES = 5 * 1024 * 1024
_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}


@dataclass
class CheckResult:
    schema: PackageSchema | None
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # shown, never a failure

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------- reading


def _cells(line: str) -> list[str]:
    """Split one line as CSV, tolerating stray carriage returns or quotes."""
    try:
        return next(csv.reader([line.replace("\r", "")]), [])
    except csv.Error:
        return line.split(",")


def _locate_bad_bytes(raw: bytes, exc: UnicodeDecodeError, header: list[str] | None) -> tuple[int, str]:
    """Spreadsheet row and column of the first byte that is not UTF-8."""
    row = raw.count(b"\n", 0, exc.start) + 1
    column = "-"
    if header:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        prefix = raw[line_start : exc.start].decode("utf-8", errors="replace")
        cells = _cells(prefix) or [""]
        if 0 < len(cells) <= len(header):
            column = header[len(cells) - 1]
    return row, column


def read_table(folder: Path, table: Table) -> tuple[list[str], list[list[str]], list[int], list[Problem]]:
    """Read one CSV into (header, rows, spreadsheet row numbers, problems).

    Accepts what spreadsheets save: a UTF-8 byte-order mark, Windows line endings, and
    spaces around cells (stripped). Rejects everything else with a located problem.
    """
    name = table.path
    path = folder / table.path
    expected_header = ",".join(table.field_names)
    if not path.is_file():
        return (
            [],
            [],
            [],
            [Problem(name, 0, "-", f"file is missing (expected a CSV table with header {expected_header})")],
        )
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        return (
            [],
            [],
            [],
            [
                Problem(
                    name,
                    0,
                    "-",
                    f"file is {size / 1e6:.1f} MB, too large to be a table of sourced facts (expected at most {MAX_TABLE_BYTES // (1024 * 1024)} MB; was the right sheet exported?)",
                )
            ],
        )
    raw = path.read_bytes()
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n"):
        return (
            [],
            [],
            [],
            [Problem(name, 0, "-", f"file is empty (expected a header row: {expected_header})")],
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_line = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
        header = [c.strip() for c in _cells(first_line)]
        row, column = _locate_bad_bytes(raw, exc, header)
        return (
            [],
            [],
            [],
            [
                Problem(
                    name,
                    row,
                    column,
                    f"byte 0x{raw[exc.start]:02x} is not UTF-8 text (expected UTF-8; re-save as 'CSV UTF-8')",
                )
            ],
        )
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return (
            [],
            [],
            [],
            [Problem(name, 0, "-", f"cannot be read as CSV: {exc} (expected comma-separated values)")],
        )

    header = [c.strip() for c in records[0]]
    if len(header) == 1:
        for delimiter, label in _DELIMITERS.items():
            if delimiter in header[0]:
                return (
                    [],
                    [],
                    [],
                    [
                        Problem(
                            name,
                            1,
                            "-",
                            f"columns are separated by {label} (expected commas; re-save as 'CSV UTF-8 (comma delimited)')",
                        )
                    ],
                )

    problems = _check_header(name, header, table)
    if problems:
        return [], [], [], problems

    order = [header.index(f) for f in table.field_names]
    rows, numbers = [], []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines that spreadsheets leave at the end
        if len(record) != len(header):
            problems.append(
                Problem(
                    name,
                    number,
                    "-",
                    f"has {len(record)} cells (expected {len(header)}, one per column; check for an unquoted comma)",
                )
            )
            continue
        cells = [record[i].strip() for i in order]
        rows.append(cells)
        numbers.append(number)
    return list(table.field_names), rows, numbers, problems


def _check_header(name: str, header: list[str], table: Table) -> list[Problem]:
    expected = table.field_names
    problems = []
    seen = set()
    for column in header:
        if column in seen:
            problems.append(Problem(name, 1, column, "column appears twice (expected each column once)"))
        seen.add(column)
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    # A missing and an extra column at the same position is most likely a rename.
    for column in list(extra):
        pos = header.index(column)
        if pos < len(expected) and expected[pos] in missing:
            problems.append(
                Problem(
                    name,
                    1,
                    column,
                    f"unknown column where '{expected[pos]}' was expected (renamed? expected '{expected[pos]}')",
                )
            )
            missing.remove(expected[pos])
            extra.remove(column)
    for column in missing:
        problems.append(
            Problem(name, 1, column, f"column is missing (expected columns {','.join(expected)})")
        )
    for column in extra:
        label = column or "(blank)"
        problems.append(
            Problem(
                name,
                1,
                label,
                f"unknown column '{label}' (expected only {','.join(expected)}; add new fields to datapackage.json first)",
            )
        )
    return problems


# --------------------------------------------------------------------------- schema

_TYPE_EXPECT = {
    "integer": "a whole number in digits only, e.g. 47289 (no separators or words: put '1.2 million' in as_reported and the range in low/high)",
    "number": "a number in digits, with '.' for decimals",
    "date": "a date written YYYY-MM-DD",
    "boolean": "true or false",
}


def _field_expectation(table: Table, column: str, error) -> str:
    try:
        fld = table.field(column)
    except KeyError:
        return "a valid value"
    kind = error.type
    c = fld.constraints
    if kind == "type-error":
        if fld.type == "boolean":
            values = fld.descriptor.get("trueValues", ["true"]) + fld.descriptor.get("falseValues", ["false"])
            return " or ".join(values)
        return _TYPE_EXPECT.get(fld.type, f"a {fld.type}")
    note = error.note or ""
    if "required" in note:
        return "a value: this column is required"
    if "enum" in note:
        return (
            "one of: " + ", ".join(map(str, c.get("enum", []))) + "; or extend the enum in datapackage.json"
        )
    if "pattern" in note:
        return fld.description or f"text matching {c.get('pattern')}"
    if "minimum" in note:
        return f"at least {c.get('minimum')}"
    if "maximum" in note:
        return f"at most {c.get('maximum')}"
    if "maxLength" in note:
        return f"at most {c.get('maxLength')} characters"
    if "minLength" in note:
        return f"at least {c.get('minLength')} characters"
    return note or "a valid value"


def _cell_fault(error, cell) -> str:
    """What is wrong with one cell, before its expectation."""
    note = error.note or ""
    shown = f"'{cell}'" if cell not in (None, "") else "empty cell"
    if error.type == "type-error":
        return f"{shown} is not valid"
    if "required" in note:
        return "is empty"
    if "maxLength" in note or "minLength" in note:
        # a long description is unreadable quoted back; its length is what the desk must fix
        return f"is {len(str(cell))} characters"
    return f"{shown} is not allowed"


def _frictionless_problems(
    schema: PackageSchema, raw: dict[str, tuple[list[str], list[list[str]], list[int]]]
) -> list[Problem]:
    from frictionless import Package, Resource, Schema

    resources = []
    for table in schema.tables:
        if table.name not in raw:
            continue
        header, rows, _ = raw[table.name]
        descriptor = dict(table.descriptor["schema"])
        # Keys into a table that could not be read are checked once that table is fixed.
        descriptor["foreignKeys"] = [
            fk
            for fk in table.foreign_keys
            if fk.get("reference", {}).get("resource", "") in ("", *raw.keys())
        ]
        resources.append(
            Resource(name=table.name, data=[header, *rows], schema=Schema.from_descriptor(descriptor))
        )
    if not resources:
        return []
    report = Package(resources=resources).validate()
    problems = []
    for task in report.tasks:
        table = schema.table(task.name)
        _, rows, numbers = raw[table.name]
        for error in task.errors:
            position = getattr(error, "row_number", None)
            # frictionless counts the header as row 1, like a spreadsheet; map through
            # our own numbering so skipped blank lines do not shift rows.
            row = numbers[position - 2] if position and 2 <= position < len(numbers) + 2 else (position or 0)
            column = getattr(error, "field_name", None) or "-"
            cell = getattr(error, "cell", None)
            if error.type in ("type-error", "constraint-error"):
                what = _cell_fault(error, cell)
                problems.append(
                    Problem(
                        table.path,
                        row,
                        column,
                        f"{what} (expected {_field_expectation(table, column, error)})",
                    )
                )
            elif error.type in ("unique-error", "primary-key"):
                keys = ",".join(table.primary_key) or column
                col = column if column != "-" else keys
                value = (
                    cell
                    if cell is not None
                    else (
                        rows[position - 2][table.field_names.index(keys)]
                        if keys in table.field_names and position and position - 2 < len(rows)
                        else ""
                    )
                )
                problems.append(
                    Problem(
                        table.path,
                        row,
                        col,
                        f"duplicate id '{value}' (expected each {col} once; {error.note})",
                    )
                )
            elif error.type == "foreign-key":
                for fk in table.foreign_keys:
                    fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
                    if f'"{fields[0]}"' in (error.note or ""):
                        ref = fk["reference"]
                        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
                        target = schema.table(ref["resource"])
                        value = rows[position - 2][table.field_names.index(fields[0])]
                        problems.append(
                            Problem(
                                table.path,
                                row,
                                fields[0],
                                f"'{value}' is not a {ref_fields[0]} in {target.path} (expected an id listed there)",
                            )
                        )
                        break
                else:
                    problems.append(
                        Problem(table.path, row, column, f"{error.note} (expected an id that exists)")
                    )
            else:
                problems.append(Problem(table.path, row, column, f"{error.message}"))
    return problems


# --------------------------------------------------------------------------- typing


def typed_frame(table: Table, rows: list[list[str]], numbers: list[int]) -> pd.DataFrame:
    """Rows as a DataFrame with the schema's types; invalid cells become missing.

    Integers are nullable ``Int64``, dates ``datetime64``, booleans nullable ``boolean``,
    enums ``category`` with the schema's categories in order, other text ``string``.
    """
    frame = pd.DataFrame(rows, columns=table.field_names, dtype="object", index=pd.Index(numbers, name="row"))
    out = {}
    for fld in table.fields:
        col = frame[fld.name].where(frame[fld.name] != "", None) if len(frame) else frame[fld.name]
        if fld.type == "integer":
            numeric = pd.to_numeric(
                col.where(col.astype("string").str.fullmatch(r"-?\d+").fillna(False).astype(bool), None),
                errors="coerce",
            )
            out[fld.name] = numeric.astype("Int64")
        elif fld.type == "number":
            out[fld.name] = pd.to_numeric(col, errors="coerce").astype("Float64")
        elif fld.type == "date":
            out[fld.name] = pd.to_datetime(col, format="%Y-%m-%d", errors="coerce")
        elif fld.type == "boolean":
            true_values = set(fld.descriptor.get("trueValues", ["true", "True", "TRUE", "1"]))
            false_values = set(fld.descriptor.get("falseValues", ["false", "False", "FALSE", "0"]))
            out[fld.name] = col.map(
                lambda v, yes=true_values, no=false_values: True if v in yes else (False if v in no else None)
            ).astype("boolean")
        elif fld.enum:
            out[fld.name] = pd.Series(
                pd.Categorical(col.where(col.isin(fld.enum), None), categories=list(fld.enum)),
                index=frame.index,
            )
        else:
            out[fld.name] = col.astype("string")
    return pd.DataFrame(out, index=frame.index)


# --------------------------------------------------------------------------- domain rules


def _domain_problems(schema: PackageSchema, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Rules a schema cannot express. Each rule names the columns it reads, which the
    codebook documents as the contract every incident's tables keep."""
    path = {t.name: t.path for t in schema.tables}
    figures, defs = frames.get("figures"), frames.get("figure_definitions")
    events, sources = frames.get("events"), frames.get("sources")
    problems = _descriptor_problems(schema)
    if figures is not None:
        problems += _figure_problems(path["figures"], figures)
    if defs is not None:
        problems += _definition_problems(path, defs, figures)
    if events is not None:
        problems += _event_problems(path, events, sources)
    if sources is not None:
        problems += _source_problems(path["sources"], sources)
    return problems + _correction_problems(schema, frames)


def _descriptor_problems(schema: PackageSchema) -> list[Problem]:
    """A malformed ``taxfirewall`` block or ``as_of`` would otherwise fail later, mid-render."""
    block = schema.descriptor.get("taxfirewall", {})
    if not isinstance(block, dict):
        return [
            Problem(
                DESCRIPTOR_NAME,
                0,
                "taxfirewall",
                'is not an object (expected {"short_title": ..., "credit": ...})',
            )
        ]
    value = block.get("as_of")
    if not (_present(value) and str(value).strip()):
        return []
    try:
        asof.parse(value, "taxfirewall.as_of")
    except ValueError as exc:
        return [Problem(DESCRIPTOR_NAME, 0, "taxfirewall.as_of", str(exc))]
    return []


def _figure_problems(file: str, figures: pd.DataFrame) -> list[Problem]:
    problems = []
    for row, r in figures.iterrows():
        low, high = r.get("low"), r.get("high")
        if _present(low) and _present(high) and low > high:
            problems.append(
                Problem(file, row, "low", f"low {low} is above high {high} (expected low <= high)")
            )
        problems += _bound_problems(file, row, r)
        if "as_of" in figures and _present(r.get("as_of")):
            precision = dates.precision_of(str(r["as_of"]))
            try:
                dates.window(str(r["as_of"]), precision or "day")
            except ValueError as exc:
                problems.append(Problem(file, row, "as_of", str(exc)))
    return problems


def _bound_problems(file: str, row: int, r) -> list[Problem]:
    """``value`` against the bound kind (the codebook's table): one problem per row at most,
    so a value that breaks both its kind and its bounds is reported for its kind."""
    bound, value = r.get("bound"), r.get("value")
    if bound == "exact":
        return _exact_problems(file, row, value, r.get("low"), r.get("high"))
    if bound in POINTS and not _present(value):
        return [
            Problem(
                file,
                row,
                "value",
                f"is empty but bound is {bound} (expected the number the source gave, with low <= value <= high)",
            )
        ]
    if _present(bound) and bound not in POINTS and _present(value):
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
    if not _present(value):
        return [
            Problem(
                file,
                row,
                "value",
                "is empty but bound is exact (expected value = low = high: the count the source gave)",
            )
        ]
    if _present(low) and _present(high) and not value == low == high:
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
    if _present(value) and _present(low) and value < low:
        return [
            Problem(file, row, "value", f"value {value} is below low {low} (expected low <= value <= high)")
        ]
    if _present(value) and _present(high) and value > high:
        return [
            Problem(file, row, "value", f"value {value} is above high {high} (expected low <= value <= high)")
        ]
    return []


def _definition_problems(path: dict[str, str], defs: pd.DataFrame, figures) -> list[Problem]:
    file = path["figure_definitions"]
    problems, stages = [], []
    for row, r in defs.iterrows():
        problems += _role_problems(file, row, r)
        if r.get("role") == "funnel" and _present(r.get("stage")):
            stages.append((int(r["stage"]), row, r))
        if figures is not None:
            problems += _preferred_problems(file, row, r, figures)
    if not stages and defs["role"].notna().all():
        problems.append(
            Problem(file, 0, "stage", "no funnel stages (expected at least one figure with role funnel)")
        )
    problems += _stage_numbering(file, stages)
    if figures is not None:
        problems += _funnel_order(path, sorted(stages, key=lambda t: t[0]), figures)
        problems += _figures_without_values(path, defs, figures)
    return problems


def _role_problems(file: str, row: int, r) -> list[Problem]:
    role, stage = r.get("role"), r.get("stage")
    if role == "funnel" and not _present(stage):
        return [
            Problem(
                file,
                row,
                "stage",
                "is empty for a funnel figure (expected the stage number, 1 for the widest)",
            )
        ]
    if role == "context" and _present(stage):
        return [
            Problem(
                file,
                row,
                "stage",
                f"is {stage} for a context figure (expected empty: context figures are never funnel stages)",
            )
        ]
    return []


def _preferred_problems(file: str, row: int, r, figures: pd.DataFrame) -> list[Problem]:
    pref, fid = r.get("preferred_value_id"), r.get("figure_id")
    if not _present(pref) or not _present(fid):
        return []
    match = figures[figures["value_id"] == pref]
    if len(match) and _present(match.iloc[0]["figure_id"]) and match.iloc[0]["figure_id"] != fid:
        return [
            Problem(
                file,
                row,
                "preferred_value_id",
                f"'{pref}' reports figure '{match.iloc[0]['figure_id']}' (expected a value of figure '{fid}')",
            )
        ]
    return []


def _stage_numbering(file: str, stages: list[tuple[int, int, object]]) -> list[Problem]:
    """Duplicates, then the first gap, located at the row whose number breaks the sequence
    (a whole-file row 0 would point at nothing the desk can fix)."""
    problems, first_row = [], {}
    for stage, row, _ in stages:
        if stage in first_row:
            problems.append(
                Problem(
                    file,
                    row,
                    "stage",
                    f"stage {stage} is also used at row {first_row[stage]} (expected one figure per stage)",
                )
            )
        first_row.setdefault(stage, row)
    for expected, stage in enumerate(sorted(first_row), start=1):
        if stage != expected:
            after = f"follows stage {expected - 1}" if expected > 1 else "is the first stage"
            problems.append(
                Problem(
                    file,
                    first_row[stage],
                    "stage",
                    f"stage {stage} {after} (expected 1, 2, 3 ... without gaps: no stage is numbered {expected})",
                )
            )
            break
    return problems


def _figures_without_values(path: dict[str, str], defs: pd.DataFrame, figures: pd.DataFrame) -> list[Problem]:
    problems = []
    for row, r in defs.iterrows():
        if _present(r.get("figure_id")) and not (figures["figure_id"] == r["figure_id"]).any():
            problems.append(
                Problem(
                    path["figure_definitions"],
                    row,
                    "figure_id",
                    f"'{r['figure_id']}' has no reported value (expected at least one row in {path['figures']})",
                )
            )
    return problems


def representative(value, low, high):
    """The number a stage is compared and drawn by: the point value, else the high bound."""
    return value if _present(value) else high


def _funnel_order(path, stages, figures) -> list[Problem]:
    problems = []
    previous = None
    by_id = figures.set_index("value_id", drop=False) if figures["value_id"].is_unique else None
    if by_id is None:
        return problems
    for stage, row, r in stages:
        pref = r.get("preferred_value_id")
        if not _present(pref) or pref not in by_id.index:
            continue
        v = by_id.loc[pref]
        rep = representative(v["value"], v["low"], v["high"])
        if not _present(rep):
            continue
        if previous is not None and rep > previous[1]:
            problems.append(
                Problem(
                    path["figure_definitions"],
                    row,
                    "preferred_value_id",
                    f"stage {stage} ({rep:,}) is larger than stage {previous[0]} ({previous[1]:,}) (expected each funnel stage no larger than the one before)",
                )
            )
        previous = (stage, rep)
    return problems


def _event_problems(path: dict[str, str], events: pd.DataFrame, sources) -> list[Problem]:
    file = path["events"]
    problems = [] if len(events) else [Problem(file, 0, "-", "has no events (expected at least one row)")]
    source_ids = set(sources["source_id"].dropna()) if sources is not None else None
    for row, r in events.iterrows():
        problems += _event_date(file, row, r)
        if source_ids is not None and _present(r.get("source_ids")):
            for sid in (s.strip() for s in str(r["source_ids"]).split(";")):
                if sid and sid not in source_ids:
                    problems.append(
                        Problem(
                            file,
                            row,
                            "source_ids",
                            f"'{sid}' is not a source_id in {path['sources']} (expected ids listed there, separated by ';')",
                        )
                    )
    return problems


def _event_date(file: str, row: int, r) -> list[Problem]:
    precision, text = r.get("date_precision"), r.get("date")
    start, end = r.get("window_start"), r.get("window_end")
    if not _present(precision):
        return []
    if precision == "unknown":
        out = []
        if _present(text):
            out.append(
                Problem(
                    file,
                    row,
                    "date",
                    f"'{text}' is given but precision is unknown (expected an empty date, or the precision it is written to)",
                )
            )
        if not (_present(start) and _present(end)):
            out.append(
                Problem(
                    file,
                    row,
                    "window_start",
                    "is empty for an unknown date (expected window_start and window_end: the years the event can fall in)",
                )
            )
        elif start > end:
            out.append(
                Problem(
                    file,
                    row,
                    "window_start",
                    f"{start} is after window_end {end} (expected window_start <= window_end)",
                )
            )
        return out
    if _present(start) or _present(end):
        return [
            Problem(
                file,
                row,
                "window_start",
                f"is set but precision is {precision} (expected window_start and window_end only for unknown dates)",
            )
        ]
    if not _present(text):
        return [
            Problem(
                file,
                row,
                "date",
                f"is empty but precision is {precision} (expected a date, or precision unknown)",
            )
        ]
    try:
        dates.window(str(text), str(precision))
    except ValueError as exc:
        return [Problem(file, row, "date", str(exc))]
    return []


def _source_problems(file: str, sources: pd.DataFrame) -> list[Problem]:
    problems = []
    for row, r in sources.iterrows():
        precision, published = r.get("published_precision"), r.get("published")
        if not _present(precision):
            continue
        if precision == "unknown":
            if _present(published):
                problems.append(
                    Problem(
                        file,
                        row,
                        "published",
                        f"'{published}' is given but precision is unknown (expected empty, or a precision of day, month or year)",
                    )
                )
        elif not _present(published):
            problems.append(
                Problem(
                    file,
                    row,
                    "published",
                    f"is empty but precision is {precision} (expected a date, or precision unknown)",
                )
            )
        else:
            try:
                dates.window(str(published), str(precision))
            except ValueError as exc:
                problems.append(Problem(file, row, "published", str(exc)))
    return problems


def _correction_problems(schema: PackageSchema, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    corrections = frames.get("corrections")
    if corrections is None or not len(corrections):
        return []
    path = {t.name: t.path for t in schema.tables}
    keys = {t.name: (t.primary_key[0] if t.primary_key else None) for t in schema.tables}
    problems = []
    for row, r in corrections.iterrows():
        table, record = r.get("table"), r.get("record_id")
        known = _present(table) and _present(record) and table in frames and keys.get(table)
        if known and not (frames[table][keys[table]] == record).any():
            problems.append(
                Problem(
                    path["corrections"],
                    row,
                    "record_id",
                    f"'{record}' is not a {keys[table]} in {path.get(table, table)} (expected the id of the corrected row)",
                )
            )
    return problems


# --------------------------------------------------------------------------- warnings
# Things a desk may mean but should see: they never fail validation.

_META_KEYS = ("short_title", "funnel_title", "timeline_title", "credit", "as_of")


def _warnings(schema: PackageSchema, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    path = {t.name: t.path for t in schema.tables}
    events, sources = frames.get("events"), frames.get("sources")
    found = _meta_warnings(schema, sources)
    if events is not None:
        found += _not_found_highlights(path["events"], events)
        found += _upcoming_events(path["events"], events, _meta(schema), sources)
    if frames.get("figure_definitions") is not None and frames.get("figures") is not None:
        found += _not_found_stages(
            path["figure_definitions"], frames["figure_definitions"], frames["figures"]
        )
    return found


def _meta(schema: PackageSchema) -> dict:
    """The taxfirewall block, or {} when it is missing or not an object (a problem already)."""
    block = schema.descriptor.get("taxfirewall")
    return block if isinstance(block, dict) else {}


def _meta_warnings(schema: PackageSchema, sources) -> list[Problem]:
    """Each chart heading, credit and as-of key the desk left out, with the default the
    renderers fall back to (the same fallbacks as story.py and the chart modules)."""
    block = schema.descriptor.get("taxfirewall")
    if block is not None and not isinstance(block, dict):
        return []  # a problem already
    meta = block or {}
    why = "is missing (the descriptor has no taxfirewall block)" if block is None else "is missing"
    found = []
    for key in _META_KEYS:
        value = meta.get(key)
        if _present(value) and str(value).strip():
            continue
        if key == "as_of" and block is not None and key not in meta:
            continue  # optional by design: the rule (latest source) is the normal case
        state = why if key not in meta else "is empty"
        found.append(
            Problem(
                DESCRIPTOR_NAME, 0, f"taxfirewall.{key}", f"{state}, so {_meta_default(key, schema, sources)}"
            )
        )
    return found


def _meta_default(key: str, schema: PackageSchema, sources) -> str:
    if key == "credit":
        return "no credit line is shown"
    if key == "as_of":
        rule = "the publication date of the latest dated source"
        if sources is None:
            return f"{rule} is used"  # sources.csv is unreadable: a problem already
        found = asof.from_tables({}, sources)
        return (
            f"{rule} ({found.iso}) is used"
            if found
            else f"{rule} is used (no source is dated, so the as-of date is unknown)"
        )
    title = schema.descriptor.get("title")
    return (
        f"the descriptor's title '{title}' is used"
        if title
        else f"the folder name '{schema.folder.resolve().name}' is used"
    )


def _not_found_highlights(file: str, events: pd.DataFrame) -> list[Problem]:
    found = []
    for row, r in events.iterrows():
        highlight = r.get("highlight")
        if r.get("verification") == verification.NOT_FOUND and _present(highlight) and bool(highlight):
            found.append(
                Problem(
                    file,
                    row,
                    "highlight",
                    "is true but verification is not_found: an unconfirmed event is never shown as a key moment; set highlight to false or find a source",
                )
            )
    return found


def _not_found_stages(file: str, defs: pd.DataFrame, figures: pd.DataFrame) -> list[Problem]:
    status = dict(zip(figures["value_id"], figures["verification"]))
    found = []
    for row, r in defs.iterrows():
        pref = r.get("preferred_value_id")
        if r.get("role") == "funnel" and _present(pref) and status.get(pref) == verification.NOT_FOUND:
            found.append(
                Problem(
                    file,
                    row,
                    "preferred_value_id",
                    f"'{pref}' has verification not_found: the stage is shown as unconfirmed (no public source corroborates it); prefer a sourced value or find a source",
                )
            )
    return found


def _upcoming_events(file: str, events: pd.DataFrame, meta: dict, sources) -> list[Problem]:
    try:
        as_of = asof.from_tables(meta, sources) if sources is not None else None
    except ValueError:
        return []  # a malformed as_of is a problem already
    if as_of is None:
        return []
    found = []
    for row, r in events.iterrows():
        column, start = _event_start(r)
        if start is not None and as_of.is_after(start):
            found.append(
                Problem(
                    file, row, column, f"upcoming: dated after the as-of date {as_of.iso}; drawn as scheduled"
                )
            )
    return found


def _event_start(r) -> tuple[str, date | None]:
    """The first day an event can fall on, and the column that sets it; None when the
    date is broken (a problem already)."""
    precision = r.get("date_precision")
    if precision == "unknown":
        start = r.get("window_start")
        return "window_start", (date(int(start), 1, 1) if _present(start) and 1 <= start <= 9999 else None)
    if not (_present(precision) and _present(r.get("date"))):
        return "date", None
    try:
        return "date", dates.window(str(r["date"]), str(precision))[0]
    except ValueError:
        return "date", None


# --------------------------------------------------------------------------- entry point


def check_incident(folder: str | Path) -> CheckResult:
    """Run every check; never raises for bad data (problems are returned)."""
    from .errors import DataError

    folder = Path(folder)
    try:
        schema = read_schema(folder)
    except DataError as exc:
        return CheckResult(schema=None, problems=list(exc.problems))
    result = CheckResult(schema=schema)
    raw = {}
    for table in schema.tables:
        header, rows, numbers, problems = read_table(folder, table)
        result.problems += problems
        if header:
            raw[table.name] = (header, rows, numbers)
    result.problems += _frictionless_problems(schema, raw)
    for table in schema.tables:
        if table.name in raw:
            _, rows, numbers = raw[table.name]
            result.frames[table.name] = typed_frame(table, rows, numbers)
    if len(raw) == len(schema.tables):
        # a cell the schema rejected is reported once: the domain rule would only restate it
        reported = {(p.file, p.row, p.column) for p in result.problems}
        result.problems += [
            p for p in _domain_problems(schema, result.frames) if (p.file, p.row, p.column) not in reported
        ]
    result.warnings = sorted(set(_warnings(schema, result.frames)))
    return result
