"""The descriptor's ``taxfirewall`` block: problems that would fail mid-render, and
warnings for each heading, credit or as-of date left to its default."""

from __future__ import annotations

from .. import asof
from ..errors import Problem
from ..missing import present
from ..paths import DESCRIPTOR_NAME
from ..schema import PackageSchema

_META_KEYS = ("short_title", "funnel_title", "timeline_title", "credit", "as_of")


def _given(value) -> bool:
    """A key the desk filled in: present and not just spaces."""
    return present(value) and bool(str(value).strip())


def descriptor_problems(schema: PackageSchema) -> list[Problem]:
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
    if not _given(value):
        return []
    try:
        asof.parse(value, "taxfirewall.as_of")
    except ValueError as exc:
        return [Problem(DESCRIPTOR_NAME, 0, "taxfirewall.as_of", str(exc))]
    return []


def meta_warnings(schema: PackageSchema, sources) -> list[Problem]:
    """Each chart heading, credit and as-of key the desk left out, with the default the
    renderers fall back to (the same fallbacks as story.py and the chart modules)."""
    block = schema.descriptor.get("taxfirewall")
    if block is not None and not isinstance(block, dict):
        return []  # a problem already
    meta = block or {}
    why = "is missing (the descriptor has no taxfirewall block)" if block is None else "is missing"
    found = []
    for key in _META_KEYS:
        if _given(meta.get(key)):
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
