"""What to build: each report's key, the state file of the last builds, what is out of date.

A report's key is the sha256 of what its page is made from: the notebook, its parameters
(its language among them), title and dek, every file of its incident folder, the package's
source, templates and translations (``locales/``), and the versions of the libraries that
shape the output. A report whose key matches its last good build (``.build-state.json`` in
the out folder) and whose page is there is current.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from .. import __version__
from ..digests import digest_files, folder_digest
from ..manifest import Plan, check_reports, load_manifest
from ..output import write_atomic
from ..paths import PACKAGE_DIR
from .results import Result, Run, Status

STATE_NAME = ".build-state.json"
STATE_FORMAT = 1
RUNTIME_MODE = "shared"  # "shared": one _static/<bundle>.js for every page; "inline": in each page
VERSIONED = (
    "altair",
    "vl-convert-python",
    "nbconvert",
    "nbclient",
    "papermill",
    "ipykernel",
    "pandas",
    "jinja2",
)
RUNTIME_VERSIONED = ("altair", "vl-convert-python")  # what makes the shared runtime file


# --------------------------------------------------------------------------- input keys


def package_digest() -> str:
    """The package's Python source, templates and translations (what renders a page)."""
    files = sorted(
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and (p.suffix == ".py" or {"templates", "locales"} & set(p.relative_to(PACKAGE_DIR).parts))
    )
    return digest_files(PACKAGE_DIR, files)


def library_versions(names=VERSIONED) -> dict[str, str]:
    """The installed version of each library ("" when it is not installed)."""
    return dict(_versions(tuple(names)))


@cache  # installed versions do not change under a running process; a build plans twice
def _versions(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in names:
        try:
            out.append((name, version(name)))
        except PackageNotFoundError:
            out.append((name, ""))
    return tuple(out)


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Keys:
    """Input keys of reports, sharing the digests of common inputs."""

    def __init__(self):
        self._files: dict[Path, str] = {}
        self._folders: dict[Path, str] = {}
        self.package = package_digest()
        self.versions = library_versions()

    def key(self, plan: Plan) -> str:
        nb = plan.report.notebook
        if nb not in self._files:
            self._files[nb] = hashlib.sha256(nb.read_bytes()).hexdigest()
        data = ""
        if plan.incident is not None:
            if plan.incident not in self._folders:
                self._folders[plan.incident] = folder_digest(plan.incident)
            data = self._folders[plan.incident]
        r = plan.report
        return hashlib.sha256(
            canonical(
                {
                    "format": STATE_FORMAT,
                    "notebook": self._files[nb],
                    "parameters": plan.parameters,
                    "report": {"slug": r.slug, "title": r.title, "dek": r.dek, "notebook": r.notebook_label},
                    "dataset": data,
                    "package": self.package,
                    "taxfirewall": __version__,
                    "versions": self.versions,
                    "runtime": RUNTIME_MODE,
                }
            ).encode()
        ).hexdigest()


# --------------------------------------------------------------------------- state


@dataclass(frozen=True)
class Attempt:
    """The last time a report ran: the key it ran with and whether its page was written."""

    key: str | None
    ok: bool


@dataclass(frozen=True)
class Record:
    """One report in the state file: its last good build and its last attempt."""

    good: str | None = None  # key of the last good build
    thumb: str | None = None  # key of that build's thumbnail
    seconds: float | None = None  # how long that build took (the longest run first)
    attempt: Attempt | None = None

    def after(self, key: str, result: Result) -> Record:
        """This record once a run with ``key`` ended in ``result``."""
        if result.status is Status.BUILT:
            return Record(key, result.thumb, round(result.seconds, 1), Attempt(key, True))
        return replace(self, attempt=Attempt(key, False))

    def back_to_good(self) -> Record:
        """The inputs are those of the last good build again: the failure since is stale."""
        return replace(self, attempt=Attempt(self.good, True))

    @classmethod
    def from_json(cls, entry: dict) -> Record:
        attempt = entry.get("attempt")
        return cls(
            good=entry.get("good"),
            thumb=entry.get("thumb"),
            seconds=entry.get("seconds"),
            attempt=Attempt(attempt.get("key"), bool(attempt.get("ok")))
            if isinstance(attempt, dict)
            else None,
        )

    def to_json(self) -> dict:
        entry: dict = {}
        if self.good is not None:  # written together, as a build writes them
            entry.update(good=self.good, thumb=self.thumb, seconds=self.seconds)
        if self.attempt is not None:
            entry["attempt"] = {"key": self.attempt.key, "ok": self.attempt.ok}
        return entry


@dataclass(frozen=True)
class RuntimeRecord:
    """The shared vega runtime file and the library versions it was made with."""

    src: str  # relative to the out folder
    versions: Mapping[str, str]


@dataclass(frozen=True)
class BuildState:
    """What the last builds left in the out folder's state file."""

    reports: Mapping[str, Record] = field(default_factory=dict)
    runtime: RuntimeRecord | None = None
    index: str = ""  # the inputs of the index last written (unchanged: it is not rendered again)

    def record(self, slug: str) -> Record:
        return self.reports.get(slug, Record())

    def with_record(self, slug: str, record: Record) -> BuildState:
        return replace(self, reports={**self.reports, slug: record})

    def without(self, slug: str) -> BuildState:
        return replace(self, reports={s: r for s, r in self.reports.items() if s != slug})

    def with_index(self, key: str) -> BuildState:
        return replace(self, index=key)

    def with_runtime(self, runtime: RuntimeRecord | None) -> BuildState:
        return self if runtime is None else replace(self, runtime=runtime)

    def after(self, run: Run, keys: Mapping[str, str]) -> BuildState:
        """This state once ``run`` ended: each finished report's attempt (and good build),
        the runtime file written."""
        reports = dict(self.reports)
        for r in run.finished:
            reports[r.slug] = self.record(r.slug).after(keys[r.slug], r)
        return replace(self, reports=reports).with_runtime(run.runtime)

    def to_json(self) -> dict:
        state: dict = {"format": STATE_FORMAT, "reports": {s: r.to_json() for s, r in self.reports.items()}}
        if self.runtime is not None:
            state["runtime"] = {"src": self.runtime.src, "versions": dict(self.runtime.versions)}
        if self.index:
            state["index"] = self.index
        return state


def load_state(out: Path) -> BuildState:
    """The out folder's state; an empty one if there is none, or it is unreadable or of
    another format."""
    try:
        state = json.loads((out / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BuildState()
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        return BuildState()
    reports = state.get("reports", {})
    runtime = state.get("runtime")
    return BuildState(
        reports={s: Record.from_json(e) for s, e in reports.items() if isinstance(e, dict)},
        runtime=RuntimeRecord(runtime["src"], runtime.get("versions", {}))
        if isinstance(runtime, dict) and runtime.get("src")
        else None,
        index=state["index"] if isinstance(state.get("index"), str) else "",
    )


def save_state(out: Path, state: BuildState) -> None:
    write_atomic(out / STATE_NAME, json.dumps(state.to_json(), indent=1, sort_keys=True) + "\n")


# --------------------------------------------------------------------------- what to run


@dataclass(frozen=True)
class BuildPlan:
    """The reports of one build, their keys and which of them to run."""

    plans: list[Plan]  # every report in the manifest (the index lists them all)
    keys: Mapping[str, str]  # each report's key, by slug
    selected: list[Plan]  # the reports asked for (--only), in manifest order
    todo: list[Plan]  # the selected reports to run

    def plan_of(self, slug: str) -> Plan:
        return next(p for p in self.plans if p.report.slug == slug)


def checked_reports(manifest: str | Path, out: Path, only) -> list[Plan]:
    """Check the manifest and every report (raises ManifestError, no kernel, nothing written)."""
    return check_reports(load_manifest(manifest), out, only)


def plan_build(
    plans: list[Plan], out: Path, state: BuildState, *, only: Sequence[str] | None, force: bool
) -> BuildPlan:
    """Pick the reports to run (``plans`` from :func:`checked_reports`): all selected ones
    with ``force``, else those not current."""
    keys_of = Keys()
    keys = {p.report.slug: keys_of.key(p) for p in plans}
    selected = [p for p in plans if not only or p.report.slug in set(only)]
    todo = [p for p in selected if force or not is_current(p, keys[p.report.slug], state, out)]
    return BuildPlan(plans=plans, keys=keys, selected=selected, todo=todo)


def is_current(plan: Plan, key: str, state: BuildState, out: Path) -> bool:
    """The report's page is there and was built from these inputs."""
    return state.record(plan.report.slug).good == key and plan.report.outputs(out)["html"].is_file()
