"""Rules for ``figure_definitions.csv``: roles, funnel stages and their preferred values."""

from __future__ import annotations

import pandas as pd

from .. import verification
from ..errors import Problem
from ..missing import present


def definition_problems(path: dict[str, str], defs: pd.DataFrame, figures) -> list[Problem]:
    file = path["figure_definitions"]
    problems, stages = [], []
    for row, r in defs.iterrows():
        problems += _role_problems(file, row, r)
        if r.get("role") == "funnel" and present(r.get("stage")):
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
    if role == "funnel" and not present(stage):
        return [
            Problem(
                file,
                row,
                "stage",
                "is empty for a funnel figure (expected the stage number, 1 for the widest)",
            )
        ]
    if role == "context" and present(stage):
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
    if not present(pref) or not present(fid):
        return []
    match = figures[figures["value_id"] == pref]
    if len(match) and present(match.iloc[0]["figure_id"]) and match.iloc[0]["figure_id"] != fid:
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
        if present(r.get("figure_id")) and not (figures["figure_id"] == r["figure_id"]).any():
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
    return value if present(value) else high


def _funnel_order(path, stages, figures) -> list[Problem]:
    problems = []
    previous = None
    by_id = figures.set_index("value_id", drop=False) if figures["value_id"].is_unique else None
    if by_id is None:
        return problems
    for stage, row, r in stages:
        pref = r.get("preferred_value_id")
        if not present(pref) or pref not in by_id.index:
            continue
        v = by_id.loc[pref]
        rep = representative(v["value"], v["low"], v["high"])
        if not present(rep):
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


def not_found_stages(file: str, defs: pd.DataFrame, figures: pd.DataFrame) -> list[Problem]:
    """Warnings: a funnel stage whose preferred value no public source corroborates."""
    status = dict(zip(figures["value_id"], figures["verification"]))
    found = []
    for row, r in defs.iterrows():
        pref = r.get("preferred_value_id")
        if r.get("role") == "funnel" and present(pref) and status.get(pref) == verification.NOT_FOUND:
            found.append(
                Problem(
                    file,
                    row,
                    "preferred_value_id",
                    f"'{pref}' has verification not_found: the stage is shown as unconfirmed (no public source corroborates it); prefer a sourced value or find a source",
                )
            )
    return found
