"""``reports.toml``: which reports to build, and the checks that run before any kernel starts.

Each ``[[report]]`` names a ``slug`` (the output file name), a ``notebook`` (relative to
the manifest's folder), a ``title``, a one-line ``dek``, an optional ``timeout`` in seconds
and a ``[report.parameters]`` table. Parameters are checked against the notebook's
``parameters`` cell (see :mod:`taxfirewall.notebook`); an ``incident`` folder is resolved as
the notebook resolves it, relative to the project root.

A ``[[matrix]]`` table stands for many reports (see :mod:`taxfirewall.matrix`): it is
expanded here, in the order the tables are written, and each report it gives is checked
exactly like a hand-written one; messages name the matrix and the expanded slug.

A report's language is its ``lang`` parameter ("en" when the notebook has none); the
notebook's ``one of "en", "es"`` comment is what refuses any other value here.

Every problem is collected into one :class:`ManifestError`; nothing runs when there is one.
Standard library only: this module is on the build's fast, unchanged path.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import matrix
from .notebook import NotebookContractError, Parameter, read_parameters, resolve_incident
from .paths import DESCRIPTOR_NAME, ROOT

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
REPORT_KEYS = {"slug", "notebook", "title", "dek", "parameters", "timeout"}


class ManifestError(Exception):
    """Everything wrong with the manifest and the reports' parameters, listed together."""

    def __init__(self, problems: list[str], manifest: str | Path = "reports.toml"):
        self.problems = problems
        lines = [f"{manifest}: {len(problems)} problem(s); nothing was run:"] + [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Report:
    slug: str
    notebook: Path  # absolute
    notebook_label: str  # as written in the manifest, for messages and provenance
    title: str
    dek: str
    parameters: dict = field(default_factory=dict)  # as given in the manifest
    timeout: float | None = None
    source: str = ""  # the matrix it was expanded from, for messages ("" for a [[report]])

    def outputs(self, out: Path) -> dict[str, Path]:
        return outputs_of(self.slug, out)


def outputs_of(slug: str, out: Path) -> dict[str, Path]:
    """Every file a report's build writes into ``out``."""
    return {
        "html": out / f"{slug}.html",
        "executed": out / "_executed" / f"{slug}.ipynb",
        "failed": out / "_failed" / f"{slug}.ipynb",
        "thumb": out / "_thumbs" / f"{slug}.svg",
    }


@dataclass(frozen=True)
class Plan:
    """A checked report: the parameters papermill will inject and what they resolve to."""

    report: Report
    parameters: dict  # given parameters, plus the report title when the notebook takes one
    incident: Path | None  # resolved incident folder (given or the notebook's default)
    theme: str
    lang: str = "en"  # the edition's language: its ``lang`` parameter (given or the default)


@dataclass
class Manifest:
    path: Path
    reports: list[Report]

    def get(self, slug: str) -> Report | None:
        return next((r for r in self.reports if r.slug == slug), None)


def load_manifest(path: str | Path) -> Manifest:
    """Read the manifest and expand its matrices; raises :class:`ManifestError` for a missing
    file, bad TOML, a table of the wrong shape, a matrix that cannot expand or a slug twice."""
    path = Path(path)
    text = _read_text(path)
    raw = _read_toml(text, path)
    problems: list[str] = []
    unknown_top = sorted(set(raw) - {"report", "matrix"})
    if unknown_top:
        problems.append(
            f"unknown top-level key(s): {', '.join(unknown_top)} "
            "(expected only [[report]] and [[matrix]] tables)"
        )
    tables = _tables(text, raw, problems)
    if not tables:
        problems.append("expected one or more [[report]] or [[matrix]] tables")
    reports, seen = [], {}
    for where, entry, source in _entries(tables, problems):
        found, usable = _entry_problems(where, entry)
        problems += found
        if not usable:
            continue
        if entry["slug"] in seen:
            problems.append(f"{where}: duplicate slug '{entry['slug']}' (also {seen[entry['slug']]})")
        seen.setdefault(entry["slug"], where)
        reports.append(_report(path, entry, source))
    if problems:
        raise ManifestError(problems, path)
    return Manifest(path=path, reports=reports)


def _tables(text: str, raw: dict, problems: list[str]) -> list[tuple[str, int, object]]:
    """Every [[report]] and [[matrix]] table as (kind, number, table), in the order written."""
    tables = {}
    for kind in ("report", "matrix"):
        entries = raw.get(kind, [])
        if not isinstance(entries, list):
            problems.append(f"'{kind}' must be [[{kind}]] tables")
            entries = []
        tables[kind] = [(kind, n, e) for n, e in enumerate(entries, start=1)]
    # tomllib keeps each array's order but not how the two interleave: read it off the headers
    headers = [m.group(1) for m in _HEADER.finditer(text)]
    if any(headers.count(kind) != len(tables[kind]) for kind in tables):  # e.g. a header in a string
        return tables["report"] + tables["matrix"]
    return [tables[kind].pop(0) for kind in headers]


_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*(report|matrix)[ \t]*\]\]", re.MULTILINE)


def _entries(tables, problems: list[str]):
    """(where, [[report]] table, matrix source) for each report, matrices expanded."""
    for kind, n, entry in tables:
        if not isinstance(entry, dict):  # report = [1] is a list, not [[report]] tables
            problems.append(f"{kind} #{n}: expected a [[{kind}]] table, got {type(entry).__name__}")
        elif kind == "report":
            slug = entry.get("slug")
            yield f"report #{n}" + (f" '{slug}'" if isinstance(slug, str) else ""), entry, ""
        else:
            where = matrix.label(n, entry)
            keys = REPORT_KEYS | {"over"}
            found, usable = _entry_problems(where, entry, keys)
            known = {k: v for k, v in entry.items() if k in keys}  # an unknown key is reported once
            expanded, more = matrix.expand(where, known) if usable else ([], [])
            problems += found + more
            for report in expanded:
                yield f"{where}, report '{report['slug']}'", report, where


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError([f"no such file: {path}"], path) from None


def _read_toml(text: str, path: Path) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError([f"not valid TOML: {exc}"], path) from None


def _entry_problems(where: str, entry: dict, allowed: set[str] = REPORT_KEYS) -> tuple[list[str], bool]:
    """What is wrong with one [[report]] (or [[matrix]]) table, and whether a report can still
    be made of it (an unknown key is reported but does not stop the others being checked)."""
    problems, usable = [], True
    for key in ("slug", "notebook", "title", "dek"):
        if not isinstance(entry.get(key), str) or not entry.get(key).strip():
            problems.append(f"{where}: '{key}' is missing or not a non-empty string")
            usable = False
    extra = sorted(set(entry) - allowed)
    if extra:
        problems.append(f"{where}: unknown key(s) {', '.join(extra)} (expected {', '.join(sorted(allowed))})")
    if not isinstance(entry.get("parameters", {}), dict):
        problems.append(f"{where}: 'parameters' must be a table")
        usable = False
    timeout = entry.get("timeout")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
    ):
        problems.append(f"{where}: 'timeout' must be a positive number of seconds")
        usable = False
    return problems, usable


def _report(path: Path, entry: dict, source: str = "") -> Report:
    nb = Path(entry["notebook"])
    timeout = entry.get("timeout")
    return Report(
        slug=entry["slug"],
        notebook=(nb if nb.is_absolute() else path.parent / nb).resolve(),
        notebook_label=entry["notebook"],
        title=entry["title"].strip(),
        dek=entry["dek"].strip(),
        parameters=dict(entry.get("parameters", {})),
        timeout=float(timeout) if timeout is not None else None,
        source=source,
    )


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def check_reports(manifest: Manifest, out: str | Path, only: list[str] | None = None) -> list[Plan]:
    """Check every report (``only`` is checked to name known slugs) and return their plans.

    Checks: slugs, outputs inside ``out``, notebooks that exist and have one parameters
    cell, unknown parameter names, values of the wrong type (vs the annotation or the
    default's type) or outside a documented choice, incident folders that do not exist.
    Raises :class:`ManifestError` listing every problem.
    """
    out = Path(out)
    problems: list[str] = []
    known = {r.slug for r in manifest.reports}
    for slug in only or []:
        if slug not in known:
            problems.append(f"--only {slug}: no such report (known: {', '.join(sorted(known))})")
    declared_cache: dict[Path, dict[str, Parameter] | str] = {}
    plans, found_in = [], {}
    for report in manifest.reports:
        plan, found = _plan(report, out, declared_cache)
        for p in found:  # a matrix's reports often share a problem: say it once, naming them
            found_in.setdefault((report.source or f"report '{report.slug}'", p), []).append(report.slug)
        if plan is not None:
            plans.append(plan)
    problems += [_problem(where, p, slugs) for (where, p), slugs in found_in.items()]
    if problems:
        raise ManifestError(problems, manifest.path)
    return plans


def _problem(where: str, problem: str, slugs: list[str]) -> str:
    if where.startswith("report "):
        return f"{where}: {problem}"
    named = ", ".join(f"'{s}'" for s in slugs[:3]) + (f" and {len(slugs) - 3} more" if len(slugs) > 3 else "")
    return f"{where}, report{'s' if len(slugs) > 1 else ''} {named}: {problem}"


def _plan(report: Report, out: Path, declared_cache: dict) -> tuple[Plan | None, list[str]]:
    """One report's plan, or None with what is wrong with it (each notebook is read once)."""
    if not SLUG.fullmatch(report.slug):
        hint = "; a matrix puts its values in the slug as written" if report.source else ""
        return None, [f"slug must match [a-z0-9][a-z0-9-]* (lower-case letters, digits, '-'){hint}"]
    escaped = [p for p in report.outputs(out).values() if not _inside(p, out)]
    if escaped:
        return None, [f"output {escaped[0]} would land outside the out folder {out}"]
    if report.notebook not in declared_cache:
        declared_cache[report.notebook] = _declared(report)
    declared = declared_cache[report.notebook]
    if isinstance(declared, str):
        return None, [declared]
    problems = _parameter_problems(report, declared)
    params = dict(report.parameters)
    if "title" in declared and "title" not in params:
        params["title"] = report.title
    incident, problem = _incident(params, declared)
    if problem:
        problems.append(problem)
    theme = params.get("theme", declared["theme"].default if "theme" in declared else "light")
    lang = params.get("lang", declared["lang"].default if "lang" in declared else "en")
    if problems:
        return None, problems
    return Plan(report=report, parameters=params, incident=incident, theme=str(theme), lang=str(lang)), []


def _declared(report: Report) -> dict[str, Parameter] | str:
    """The notebook's declared parameters, or why they cannot be read."""
    if not report.notebook.is_file():
        return f"notebook {report.notebook_label} does not exist"
    try:
        return read_parameters(report.notebook)
    except (NotebookContractError, ValueError, OSError) as exc:
        return f"notebook {report.notebook_label}: {exc}"


def _parameter_problems(report: Report, declared: dict[str, Parameter]) -> list[str]:
    problems = []
    for name, value in report.parameters.items():
        if name not in declared:
            problems.append(
                f"unknown parameter '{name}' ({report.notebook_label} declares: {', '.join(declared)})"
            )
            continue
        expected = declared[name].check(value)
        if expected:
            problems.append(f"parameter '{name}' = {value!r} should be {expected}")
    return problems


def _incident(params: dict, declared: dict[str, Parameter]) -> tuple[Path | None, str | None]:
    """The incident folder the notebook will read, resolved as it resolves it, and a problem
    when that folder holds no descriptor."""
    if "incident" not in declared:
        return None, None
    value = params.get("incident", declared["incident"].default)
    if not isinstance(value, str):
        return None, None
    incident = resolve_incident(value)
    if (incident / DESCRIPTOR_NAME).is_file():
        return incident, None
    what = "does not exist" if not incident.exists() else f"has no {DESCRIPTOR_NAME}"
    return incident, (
        f"incident folder '{value}' {what} (resolved to {incident}; "
        f"relative paths are from the project root {ROOT})"
    )
