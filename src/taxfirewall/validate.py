"""Validate an incident folder: file shape, the Frictionless schema, then the domain rules.

Every problem is collected and reported together as ``file:row:column: what (expected ...)``.
The order of checks matters only where a later check cannot run on broken input: a file
that cannot be read as CSV is not schema-checked, and a cell that fails its type is left
out of the domain rules (it has already been reported once).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import dates
from .errors import Problem
from .schema import PackageSchema, Table, read_schema
from .missing import present as _present

# A table of sourced facts is a few kilobytes; anything this big is the wrong file, and
# refusing it before reading keeps a 50 MB export from hanging a build.
MAX_TABLE_BYTES = 5 * 1024 * 1024
_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}


@dataclass
class CheckResult:
    schema: PackageSchema | None
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

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
        prefix = raw[line_start:exc.start].decode("utf-8", errors="replace")
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
        return [], [], [], [Problem(name, 0, "-", f"file is missing (expected a CSV table with header {expected_header})")]
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        return [], [], [], [Problem(name, 0, "-", f"file is {size / 1e6:.1f} MB, too large to be a table of sourced facts (expected at most {MAX_TABLE_BYTES // (1024 * 1024)} MB; was the right sheet exported?)")]
    raw = path.read_bytes()
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n"):
        return [], [], [], [Problem(name, 0, "-", f"file is empty (expected a header row: {expected_header})")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_line = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
        header = [c.strip() for c in _cells(first_line)]
        row, column = _locate_bad_bytes(raw, exc, header)
        return [], [], [], [Problem(name, row, column, f"byte 0x{raw[exc.start]:02x} is not UTF-8 text (expected UTF-8; re-save as 'CSV UTF-8')")]
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return [], [], [], [Problem(name, 0, "-", f"cannot be read as CSV: {exc} (expected comma-separated values)")]

    header = [c.strip() for c in records[0]]
    if len(header) == 1:
        for delimiter, label in _DELIMITERS.items():
            if delimiter in header[0]:
                return [], [], [], [Problem(name, 1, "-", f"columns are separated by {label} (expected commas; re-save as 'CSV UTF-8 (comma delimited)')")]

    problems = _check_header(name, header, table)
    if problems:
        return [], [], [], problems

    order = [header.index(f) for f in table.field_names]
    rows, numbers = [], []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines that spreadsheets leave at the end
        if len(record) != len(header):
            problems.append(Problem(name, number, "-", f"has {len(record)} cells (expected {len(header)}, one per column; check for an unquoted comma)"))
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
            problems.append(Problem(name, 1, column, f"unknown column where '{expected[pos]}' was expected (renamed? expected '{expected[pos]}')"))
            missing.remove(expected[pos])
            extra.remove(column)
    for column in missing:
        problems.append(Problem(name, 1, column, f"column is missing (expected columns {','.join(expected)})"))
    for column in extra:
        label = column or "(blank)"
        problems.append(Problem(name, 1, label, f"unknown column '{label}' (expected only {','.join(expected)}; add new fields to datapackage.json first)"))
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
        return "one of: " + ", ".join(map(str, c.get("enum", [])))
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


def _frictionless_problems(schema: PackageSchema, raw: dict[str, tuple[list[str], list[list[str]], list[int]]]) -> list[Problem]:
    from frictionless import Package, Resource, Schema

    resources = []
    for table in schema.tables:
        if table.name not in raw:
            continue
        header, rows, _ = raw[table.name]
        descriptor = dict(table.descriptor["schema"])
        # Keys into a table that could not be read are checked once that table is fixed.
        descriptor["foreignKeys"] = [
            fk for fk in table.foreign_keys
            if fk.get("reference", {}).get("resource", "") in ("", *raw.keys())
        ]
        resources.append(Resource(name=table.name, data=[header, *rows], schema=Schema.from_descriptor(descriptor)))
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
                shown = f"'{cell}'" if cell not in (None, "") else "empty cell"
                what = "is empty" if "required" in (error.note or "") else f"{shown} is not allowed"
                if error.type == "type-error":
                    what = f"{shown} is not valid"
                problems.append(Problem(table.path, row, column, f"{what} (expected {_field_expectation(table, column, error)})"))
            elif error.type in ("unique-error", "primary-key"):
                keys = ",".join(table.primary_key) or column
                col = column if column != "-" else keys
                value = cell if cell is not None else (rows[position - 2][table.field_names.index(keys)] if keys in table.field_names and position and position - 2 < len(rows) else "")
                problems.append(Problem(table.path, row, col, f"duplicate id '{value}' (expected each {col} once; {error.note})"))
            elif error.type == "foreign-key":
                for fk in table.foreign_keys:
                    fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
                    if f'"{fields[0]}"' in (error.note or ""):
                        ref = fk["reference"]
                        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
                        target = schema.table(ref["resource"])
                        value = rows[position - 2][table.field_names.index(fields[0])]
                        problems.append(Problem(table.path, row, fields[0], f"'{value}' is not a {ref_fields[0]} in {target.path} (expected an id listed there)"))
                        break
                else:
                    problems.append(Problem(table.path, row, column, f"{error.note} (expected an id that exists)"))
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
            numeric = pd.to_numeric(col.where(col.astype("string").str.fullmatch(r"-?\d+").fillna(False).astype(bool), None), errors="coerce")
            out[fld.name] = numeric.astype("Int64")
        elif fld.type == "number":
            out[fld.name] = pd.to_numeric(col, errors="coerce").astype("Float64")
        elif fld.type == "date":
            out[fld.name] = pd.to_datetime(col, format="%Y-%m-%d", errors="coerce")
        elif fld.type == "boolean":
            true_values = set(fld.descriptor.get("trueValues", ["true", "True", "TRUE", "1"]))
            false_values = set(fld.descriptor.get("falseValues", ["false", "False", "FALSE", "0"]))
            out[fld.name] = col.map(lambda v: True if v in true_values else (False if v in false_values else None)).astype("boolean")
        elif fld.enum:
            out[fld.name] = pd.Series(pd.Categorical(col.where(col.isin(fld.enum), None), categories=list(fld.enum)), index=frame.index)
        else:
            out[fld.name] = col.astype("string")
    return pd.DataFrame(out, index=frame.index)


# --------------------------------------------------------------------------- domain rules


def _domain_problems(schema: PackageSchema, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Rules a schema cannot express. Each rule names the columns it reads, which the
    codebook documents as the contract every incident's tables keep."""
    problems: list[Problem] = []
    path = {t.name: t.path for t in schema.tables}
    figures = frames.get("figures")
    defs = frames.get("figure_definitions")
    events = frames.get("events")
    sources = frames.get("sources")

    if figures is not None:
        for row, r in figures.iterrows():
            low, high, value = r.get("low"), r.get("high"), r.get("value")
            if _present(low) and _present(high) and low > high:
                problems.append(Problem(path["figures"], row, "low", f"low {low} is above high {high} (expected low <= high)"))
            if _present(value) and _present(low) and value < low:
                problems.append(Problem(path["figures"], row, "value", f"value {value} is below low {low} (expected low <= value <= high)"))
            if _present(value) and _present(high) and value > high:
                problems.append(Problem(path["figures"], row, "value", f"value {value} is above high {high} (expected low <= value <= high)"))
            if "as_of" in figures and _present(r.get("as_of")):
                precision = dates.precision_of(str(r["as_of"]))
                try:
                    dates.window(str(r["as_of"]), precision or "day")
                except ValueError as exc:
                    problems.append(Problem(path["figures"], row, "as_of", str(exc)))

    if defs is not None:
        stages = []
        for row, r in defs.iterrows():
            role, stage = r.get("role"), r.get("stage")
            if role == "funnel" and not _present(stage):
                problems.append(Problem(path["figure_definitions"], row, "stage", "is empty for a funnel figure (expected the stage number, 1 for the widest)"))
            if role == "context" and _present(stage):
                problems.append(Problem(path["figure_definitions"], row, "stage", f"is {stage} for a context figure (expected empty: context figures are never funnel stages)"))
            if role == "funnel" and _present(stage):
                stages.append((int(stage), row, r))
            pref = r.get("preferred_value_id")
            if figures is not None and _present(pref):
                match = figures[figures["value_id"] == pref]
                if len(match) and _present(r.get("figure_id")) and _present(match.iloc[0]["figure_id"]) and match.iloc[0]["figure_id"] != r["figure_id"]:
                    problems.append(Problem(path["figure_definitions"], row, "preferred_value_id", f"'{pref}' reports figure '{match.iloc[0]['figure_id']}' (expected a value of figure '{r['figure_id']}')"))
        if not stages and defs["role"].notna().all():
            problems.append(Problem(path["figure_definitions"], 0, "stage", "no funnel stages (expected at least one figure with role funnel)"))
        numbers = sorted(s for s, _, _ in stages)
        seen = {}
        for s, row, _ in stages:
            if s in seen:
                problems.append(Problem(path["figure_definitions"], row, "stage", f"stage {s} is also used at row {seen[s]} (expected one figure per stage)"))
            seen.setdefault(s, row)
        unique = sorted(set(numbers))
        if unique and unique != list(range(1, len(unique) + 1)):
            problems.append(Problem(path["figure_definitions"], 0, "stage", f"stages are {unique} (expected 1, 2, 3 ... without gaps)"))
        if figures is not None:
            problems += _funnel_order(path, sorted(stages, key=lambda t: t[0]), figures)
            for row, r in defs.iterrows():
                if _present(r.get("figure_id")) and not (figures["figure_id"] == r["figure_id"]).any():
                    problems.append(Problem(path["figure_definitions"], row, "figure_id", f"'{r['figure_id']}' has no reported value (expected at least one row in {path['figures']})"))

    if events is not None:
        source_ids = set(sources["source_id"].dropna()) if sources is not None else None
        if len(events) == 0:
            problems.append(Problem(path["events"], 0, "-", "has no events (expected at least one row)"))
        for row, r in events.iterrows():
            problems += _event_date(path["events"], row, r)
            if source_ids is not None and _present(r.get("source_ids")):
                for sid in (s.strip() for s in str(r["source_ids"]).split(";")):
                    if sid and sid not in source_ids:
                        problems.append(Problem(path["events"], row, "source_ids", f"'{sid}' is not a source_id in {path['sources']} (expected ids listed there, separated by ';')"))

    if sources is not None:
        for row, r in sources.iterrows():
            precision, published = r.get("published_precision"), r.get("published")
            if not _present(precision):
                continue
            if precision == "unknown":
                if _present(published):
                    problems.append(Problem(path["sources"], row, "published", f"'{published}' is given but precision is unknown (expected empty, or a precision of day, month or year)"))
            elif not _present(published):
                problems.append(Problem(path["sources"], row, "published", f"is empty but precision is {precision} (expected a date, or precision unknown)"))
            else:
                try:
                    dates.window(str(published), str(precision))
                except ValueError as exc:
                    problems.append(Problem(path["sources"], row, "published", str(exc)))

    corrections = frames.get("corrections")
    if corrections is not None and len(corrections):
        keys = {t.name: (t.primary_key[0] if t.primary_key else None) for t in schema.tables}
        for row, r in corrections.iterrows():
            table, record = r.get("table"), r.get("record_id")
            if _present(table) and _present(record) and table in frames and keys.get(table):
                if not (frames[table][keys[table]] == record).any():
                    problems.append(Problem(path["corrections"], row, "record_id", f"'{record}' is not a {keys[table]} in {path.get(table, table)} (expected the id of the corrected row)"))
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
            problems.append(Problem(path["figure_definitions"], row, "preferred_value_id", f"stage {stage} ({rep:,}) is larger than stage {previous[0]} ({previous[1]:,}) (expected each funnel stage no larger than the one before)"))
        previous = (stage, rep)
    return problems


def _event_date(file: str, row: int, r) -> list[Problem]:
    precision, text = r.get("date_precision"), r.get("date")
    start, end = r.get("window_start"), r.get("window_end")
    if not _present(precision):
        return []
    if precision == "unknown":
        out = []
        if _present(text):
            out.append(Problem(file, row, "date", f"'{text}' is given but precision is unknown (expected an empty date, or the precision it is written to)"))
        if not (_present(start) and _present(end)):
            out.append(Problem(file, row, "window_start", "is empty for an unknown date (expected window_start and window_end: the years the event can fall in)"))
        elif start > end:
            out.append(Problem(file, row, "window_start", f"{start} is after window_end {end} (expected window_start <= window_end)"))
        return out
    if _present(start) or _present(end):
        return [Problem(file, row, "window_start", f"is set but precision is {precision} (expected window_start and window_end only for unknown dates)")]
    if not _present(text):
        return [Problem(file, row, "date", f"is empty but precision is {precision} (expected a date, or precision unknown)")]
    try:
        dates.window(str(text), str(precision))
    except ValueError as exc:
        return [Problem(file, row, "date", str(exc))]
    return []


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
        result.problems += _domain_problems(schema, result.frames)
    return result
