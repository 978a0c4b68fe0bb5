"""The descriptor's own checks (types, constraints, unique and foreign keys), run by
Frictionless and reworded as located problems with what the desk should write instead."""

from __future__ import annotations

from ..errors import Problem
from ..schema import PackageSchema, Table, as_list

# Each table as read: header, rows of stripped cells, and their spreadsheet row numbers.
Raw = dict[str, tuple[list[str], list[list[str]], list[int]]]

_TYPE_EXPECT = {
    "integer": "a whole number in digits only, e.g. 47289 (no separators or words: put '1.2 million' in as_reported and the range in low/high)",
    "number": "a number in digits, with '.' for decimals",
    "date": "a date written YYYY-MM-DD",
    "boolean": "true or false",
}


def schema_problems(schema: PackageSchema, raw: Raw) -> list[Problem]:
    """Every error Frictionless finds in the tables that could be read, located and reworded."""
    from frictionless import Package

    resources = _resources(schema, raw)
    if not resources:
        return []
    report = Package(resources=resources).validate()
    problems = []
    for task in report.tasks:
        table = schema.table(task.name)
        problems += [_problem(schema, table, raw[table.name], error) for error in task.errors]
    return problems


def _resources(schema: PackageSchema, raw: Raw) -> list:
    from frictionless import Resource, Schema

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
    return resources


def _problem(schema: PackageSchema, table: Table, read, error) -> Problem:
    _, rows, numbers = read
    position = getattr(error, "row_number", None)
    # frictionless counts the header as row 1, like a spreadsheet; map through
    # our own numbering so skipped blank lines do not shift rows.
    row = numbers[position - 2] if position and 2 <= position < len(numbers) + 2 else (position or 0)
    column = getattr(error, "field_name", None) or "-"
    cell = getattr(error, "cell", None)
    if error.type in ("type-error", "constraint-error"):
        what = _cell_fault(error, cell)
        return Problem(
            table.path, row, column, f"{what} (expected {_field_expectation(table, column, error)})"
        )
    if error.type in ("unique-error", "primary-key"):
        return _duplicate(table, rows, position, row, column, cell, error)
    if error.type == "foreign-key":
        return _unknown_reference(schema, table, rows, position, row, column, error)
    return Problem(table.path, row, column, f"{error.message}")


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


def _field_expectation(table: Table, column: str, error) -> str:
    try:
        fld = table.field(column)
    except KeyError:
        return "a valid value"
    if error.type == "type-error":
        if fld.type == "boolean":
            values = fld.descriptor.get("trueValues", ["true"]) + fld.descriptor.get("falseValues", ["false"])
            return " or ".join(values)
        return _TYPE_EXPECT.get(fld.type, f"a {fld.type}")
    return _constraint_expectation(fld, error.note or "")


def _constraint_expectation(fld, note: str) -> str:
    c = fld.constraints
    if "required" in note:
        return "a value: this column is required"
    if "enum" in note:
        return "one of: " + ", ".join(map(str, fld.enum or [])) + "; or extend the enum in datapackage.json"
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


def _duplicate(table: Table, rows, position, row: int, column: str, cell, error) -> Problem:
    keys = ",".join(table.primary_key) or column
    col = column if column != "-" else keys
    if cell is not None:
        value = cell
    elif (
        position
        and position - 2 < len(rows)
        and set(key := table.primary_key or (column,)) <= set(table.field_names)
    ):
        # a composite key reads as its values in key order: 'events, E3, title, es'
        value = ", ".join(rows[position - 2][table.field_names.index(k)] for k in key)
    else:
        value = ""
    return Problem(table.path, row, col, f"duplicate id '{value}' (expected each {col} once; {error.note})")


def _unknown_reference(schema: PackageSchema, table: Table, rows, position, row, column, error) -> Problem:
    """A foreign key names the table it points into, found by the field the error quotes."""
    for fk in table.foreign_keys:
        fields = as_list(fk["fields"])
        if f'"{fields[0]}"' in (error.note or ""):
            ref = fk["reference"]
            target = schema.table(ref["resource"])
            value = rows[position - 2][table.field_names.index(fields[0])]
            return Problem(
                table.path,
                row,
                fields[0],
                f"'{value}' is not a {as_list(ref['fields'])[0]} in {target.path} (expected an id listed there)",
            )
    return Problem(table.path, row, column, f"{error.note} (expected an id that exists)")
