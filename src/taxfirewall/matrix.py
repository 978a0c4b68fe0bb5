"""``[[matrix]]`` tables of ``reports.toml``: one entry that stands for many reports.

A matrix is a ``[[report]]`` table whose ``slug``, ``title`` and ``dek`` are templates and
which has a ``[matrix.over]`` table of lists::

    [[matrix]]
    slug = "funnel-{funnel_scale}-{theme}"
    notebook = "notebooks/02_funnel.ipynb"
    title = "The funnel ({funnel_scale})"
    dek = "..."
    [matrix.parameters]        # the same for every report
    annotate = true
    [matrix.over]              # one report per combination, last key fastest
    theme = ["light", "dark"]
    funnel_scale = ["zoom", "linear", "log"]

``{key}`` in a template is that report's value of ``key``, as written (``true``/``false``
for booleans), so values that go into a slug must be lower-case letters, digits and '-'.
One exception: ``{incident}`` is the incident folder's name (``data/irs-ice-2025`` gives
``irs-ice-2025``). Every key of ``over`` must appear in the slug, so the slugs differ.

:func:`expand` turns a matrix into plain ``[[report]]`` tables (the manifest then checks
each like a hand-written one) or lists what stops it expanding. Standard library only.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import PurePosixPath

MAX_REPORTS = 1000  # per matrix: a typo in a list should not start a thousand kernels
TEMPLATES = ("slug", "title", "dek")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def label(n: int, entry: object) -> str:
    """How messages name matrix ``n``: its number and slug template."""
    slug = entry.get("slug") if isinstance(entry, dict) else None
    return f"matrix {n}" + (f" ({slug!r})" if isinstance(slug, str) else "")


def expand(where: str, entry: dict) -> tuple[list[dict], list[str]]:
    """The ``[[report]]`` tables a matrix stands for, in order, or the problems that stop it
    expanding (``entry``'s other keys are checked by the manifest, as for a report)."""
    over = entry.get("over")
    if not isinstance(over, dict) or not over:
        return [], [f"{where}: 'over' must be a table of one or more lists, e.g. [matrix.over] theme = [...]"]
    problems = [f"{where}: {p}" for p in _over_problems(over, entry.get("parameters"))]
    problems += [f"{where}: {p}" for p in _template_problems(entry, over)]
    if problems:
        return [], problems
    count = math.prod(len(values) for values in over.values())
    if count > MAX_REPORTS:
        sizes = " × ".join(f"{key} {len(values)}" for key, values in over.items())
        return [], [f"{where}: expands to {count:,} reports ({sizes}); the limit is {MAX_REPORTS:,}"]
    fixed = {k: v for k, v in entry.items() if k != "over"}
    return [_one(fixed, dict(zip(over, combo))) for combo in itertools.product(*over.values())], []


def _over_problems(over: dict, parameters: object) -> list[str]:
    problems = []
    for key, values in over.items():
        if not isinstance(values, list):
            problems.append(f"over.{key} must be a list of values, e.g. {key} = [...]; got {values!r}")
        elif not values:
            problems.append(f"over.{key} is an empty list (it would give no reports)")
        if isinstance(parameters, dict) and key in parameters:
            problems.append(f"'{key}' is in both [matrix.parameters] and [matrix.over]; keep one")
    return problems


def _template_problems(entry: dict, over: dict) -> list[str]:
    problems = []
    for name in TEMPLATES:
        template = entry.get(name)
        if not isinstance(template, str):
            continue  # reported by the manifest's shape check
        unknown = [k for k in PLACEHOLDER.findall(template) if k not in over]
        if unknown:
            problems.append(
                f"'{name}' has unknown placeholder(s) {', '.join('{' + k + '}' for k in unknown)} "
                f"(the keys of [matrix.over]: {', '.join(over)})"
            )
    slug = entry.get("slug")
    unused = [k for k in over if isinstance(slug, str) and k not in PLACEHOLDER.findall(slug)]
    if unused:
        problems.append(
            f"the slug template does not use {', '.join('{' + k + '}' for k in unused)}: "
            "every key of [matrix.over] must appear in it, so each report has its own slug"
        )
    return problems


def _one(fixed: dict, values: dict) -> dict:
    """One combination as a [[report]] table."""
    report = dict(fixed)
    for name in TEMPLATES:
        if isinstance(fixed.get(name), str):
            report[name] = PLACEHOLDER.sub(lambda m: text(m.group(1), values[m.group(1)]), fixed[name])
    report["parameters"] = {**fixed.get("parameters", {}), **values}
    return report


def text(key: str, value: object) -> str:
    """A value as a template writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "incident" and isinstance(value, str):
        return PurePosixPath(value.replace("\\", "/")).name
    return str(value)
