"""Render the per-table field list of data/README.md from a datapackage.json.

The descriptor is the single source of truth; this keeps the human codebook in step with
it (``taxfirewall codebook`` rewrites the block between the markers, a test checks it).
"""

from __future__ import annotations

from pathlib import Path

from . import generated
from .schema import as_list, read_schema

NAME = "codebook"


def _constraints(field) -> str:
    c = field.constraints
    bits = []
    if c.get("required"):
        bits.append("required")
    if c.get("unique"):
        bits.append("unique")
    if "enum" in c:
        bits.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    if "minimum" in c:
        bits.append(f">= {c['minimum']}")
    if "maximum" in c:
        bits.append(f"<= {c['maximum']}")
    if "maxLength" in c:
        bits.append(f"<= {c['maxLength']} chars")
    if "pattern" in c:
        bits.append(f"pattern `{c['pattern']}`".replace("|", "\\|"))
    return "; ".join(bits)


def render(folder: str | Path) -> str:
    schema = read_schema(folder)
    out = []
    for table in schema.tables:
        out.append(f"### `{table.path}`: {table.title}")
        out.append("")
        out.append(table.description)
        out.append("")
        keys = []
        if table.primary_key:
            keys.append("primary key `" + ", ".join(table.primary_key) + "`")
        for fk in table.foreign_keys:
            ref = fk["reference"]
            keys.append(
                f"`{as_list(fk['fields'])[0]}` must match `{ref['resource']}.{as_list(ref['fields'])[0]}`"
            )
        if keys:
            out.append("Keys: " + "; ".join(keys) + ".")
            out.append("")
        out.append("| field | type | constraints | description |")
        out.append("|---|---|---|---|")
        for f in table.fields:
            desc = f.description.replace("|", "\\|")
            out.append(f"| `{f.name}` | {f.type} | {_constraints(f)} | {desc} |")
        out.append("")
    return generated.fence(NAME, "taxfirewall codebook", "\n".join(out))


def update(readme: str | Path, folder: str | Path) -> bool:
    """Rewrite the generated block in ``readme``; True if it changed."""
    return generated.replace(readme, NAME, render(folder))
