"""Load an incident folder into one typed object with the views charts and reports use."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import asof, dates, i18n, translations, verification
from .digests import folder_digest
from .errors import DataError
from .missing import present
from .paths import DEFAULT_INCIDENT, DESCRIPTOR_NAME
from .quantity import Quantity, share, spread_text
from .schema import PackageSchema
from .validate import check_incident


@dataclass
class Incident:
    """A validated incident: its tables (typed DataFrames indexed by spreadsheet row) and views."""

    folder: Path
    schema: PackageSchema
    tables: dict[str, pd.DataFrame]
    as_of_override: str | None = None  # a report's own as-of date (its notebook parameter)
    lang: str = i18n.DEFAULT  # the language its reader-facing text is in

    # ---------------------------------------------------------------- tables
    @property
    def sources(self) -> pd.DataFrame:
        return self.tables["sources"]

    @property
    def figures(self) -> pd.DataFrame:
        return self.tables["figures"]

    @property
    def figure_definitions(self) -> pd.DataFrame:
        return self.tables["figure_definitions"]

    @property
    def events(self) -> pd.DataFrame:
        return self.tables["events"]

    @property
    def corrections(self) -> pd.DataFrame:
        return self.tables["corrections"]

    # ---------------------------------------------------------------- metadata
    @property
    def title(self) -> str:
        return str(self.schema.descriptor.get("title") or self.folder.name)

    @property
    def description(self) -> str:
        return str(self.schema.descriptor.get("description") or "")

    @property
    def meta(self) -> dict:
        return self.schema.meta

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 over the descriptor and every table's bytes: the dataset's identity in provenance lines."""
        digest = hashlib.sha256()
        for name in [DESCRIPTOR_NAME, *sorted(t.path for t in self.schema.tables)]:
            if name == self.schema.paths.get(translations.RESOURCE) and not (self.folder / name).exists():
                continue  # optional: an English-only package
            digest.update(name.encode())
            digest.update(b"\0")
            digest.update((self.folder / name).read_bytes())
        return digest.hexdigest()

    def outlet(self, source_id: str) -> str:
        match = self.sources[self.sources["source_id"] == source_id]
        return str(match.iloc[0]["outlet"]) if len(match) else source_id

    # ---------------------------------------------------------------- views
    @cached_property
    def as_of(self) -> asof.AsOf | None:
        """The one date the data is current to (see :mod:`taxfirewall.asof`): every surface
        reads it here, so a report's override reaches its byline, prose and charts alike."""
        if self.as_of_override not in (None, ""):
            found = asof.parse(self.as_of_override)
            return asof.AsOf(found.first, found.last, found.precision, "as set for this report")
        return asof.from_tables(self.meta, self.sources)

    def with_as_of(self, as_of) -> Incident:
        """The same data current to another date (None: this incident unchanged)."""
        if as_of in (None, ""):
            return self
        return Incident(
            folder=self.folder,
            schema=self.schema,
            tables=self.tables,
            as_of_override=str(as_of),
            lang=self.lang,
        )

    @cached_property
    def reported_values(self) -> pd.DataFrame:
        """Every reported value with its figure's definition, source outlet, a preferred
        flag and its reader-facing words (``value_text``, ``bounds_text``, ``caveat``)."""
        defs = self.figure_definitions.reset_index(drop=True)
        values = self.figures.reset_index(drop=True)
        merged = values.merge(
            defs[["figure_id", "label", "role", "stage", "unit", "preferred_value_id"]],
            on="figure_id",
            how="left",
        )
        merged["preferred"] = (merged["value_id"] == merged["preferred_value_id"]).astype(bool)
        outlets = self.sources.set_index("source_id")["outlet"]
        merged["outlet"] = merged["source_id"].map(outlets).astype("string")
        quantities = [Quantity.of(r) for _, r in merged.iterrows()]
        merged["is_range"] = [not q.is_point for q in quantities]
        merged["value_text"] = pd.array([q.text for q in quantities], dtype="string")
        merged["bounds_text"] = pd.array([q.bounds_text for q in quantities], dtype="string")
        merged["caveat"] = pd.array([verification.caveat(v) for v in merged["verification"]], dtype="string")
        return merged.drop(columns=["preferred_value_id"])

    def quantities(self, figure_id: str) -> list[Quantity]:
        """Every reported value of one figure, in the table's order."""
        rv = self.reported_values
        return [Quantity.of(r) for _, r in rv[rv["figure_id"] == figure_id].iterrows()]

    @cached_property
    def preferred(self) -> pd.DataFrame:
        """One row per figure: its definition, its preferred value in reader's words, and
        the spread of every reported value."""
        rv = self.reported_values
        rows = []
        for _, d in self.figure_definitions.iterrows():
            mine = rv[rv["figure_id"] == d["figure_id"]]
            pref = mine[mine["preferred"]].iloc[0]
            q = Quantity.of(pref)
            rows.append(
                {
                    "figure_id": d["figure_id"],
                    "label": d["label"],
                    "sentence_label": d["sentence_label"] if present(d["sentence_label"]) else d["label"],
                    "description": d["description"],
                    "role": d["role"],
                    "stage": d["stage"],
                    "unit": d["unit"],
                    "share_label": d["share_label"],
                    "bound": pref["bound"],
                    "value": pref["value"],
                    "low": pref["low"],
                    "high": pref["high"],
                    "representative": q.drawn,
                    "is_range": not q.is_point,
                    "value_text": q.text,
                    "bounds_text": q.bounds_text,
                    "as_reported": pref["as_reported"],
                    **(
                        {"as_reported_gloss": pref["as_reported_gloss"]}
                        if "as_reported_gloss" in pref
                        else {}
                    ),
                    "as_of": pref["as_of"],
                    "value_id": pref["value_id"],
                    "source_id": pref["source_id"],
                    "outlet": pref["outlet"],
                    "verification": pref["verification"],
                    "caveat": verification.caveat(pref["verification"]),
                    "preferred_reason": d["preferred_reason"],
                    "n_reported": len(mine),
                    "spread_text": spread_text(self.quantities(d["figure_id"])),
                    "source_ids": tuple(dict.fromkeys(mine["source_id"])),
                }
            )
        frame = pd.DataFrame(rows)
        for col in ("stage", "value", "low", "high", "representative", "n_reported"):
            frame[col] = frame[col].astype("Int64")
        for col, table in (
            ("role", self.figure_definitions),
            ("unit", self.figure_definitions),
            ("verification", self.figures),
            ("bound", self.figures),
        ):
            frame[col] = pd.Categorical(frame[col], categories=table[col].cat.categories)
        return frame

    @cached_property
    def funnel(self) -> pd.DataFrame:
        """Funnel stages in order: preferred value, bounds, every reported value and the
        share of the previous stage (a point when both are points, else a range built from
        both stages' supported bounds, open where a bound is only a convention)."""
        f = self.preferred[self.preferred["role"] == "funnel"].sort_values("stage").reset_index(drop=True)
        shares = [None] + [share(Quantity.of(f.loc[i]), Quantity.of(f.loc[i - 1])) for i in range(1, len(f))]

        def ends(pick):  # exact ends of each share (open: missing); share_text is the rounded reading
            return pd.array(
                [float(pick(x)) if x is not None and pick(x) is not None else None for x in shares],
                dtype="Float64",
            )

        f["share_of_previous"] = ends(lambda x: x.low if x.point else None)
        f["share_low"] = ends(lambda x: x.low)
        f["share_high"] = ends(lambda x: x.high)
        f["share"] = shares
        f["share_text"] = [s.text if s is not None else "" for s in shares]
        rv = self.reported_values
        f["reported"] = [
            rv[rv["figure_id"] == fid][
                [
                    "value_id",
                    "value",
                    "low",
                    "high",
                    "bound",
                    "as_reported",
                    "value_text",
                    "source_id",
                    "outlet",
                    "verification",
                    "caveat",
                    "preferred",
                ]
            ].to_dict("records")
            for fid in f["figure_id"]
        ]
        return f

    @cached_property
    def context(self) -> pd.DataFrame:
        """Figures that are not funnel stages (never summed into it)."""
        return self.preferred[self.preferred["role"] == "context"].reset_index(drop=True)

    @cached_property
    def timeline(self) -> pd.DataFrame:
        """Events in date order with the first and last day of their precision window."""
        ev = self.events.reset_index(drop=True).copy()
        starts, ends = [], []
        for _, r in ev.iterrows():
            if r["date_precision"] == "unknown":
                s, e = dates.year_window(int(r["window_start"]), int(r["window_end"]))
            else:
                s, e = dates.window(str(r["date"]), str(r["date_precision"]))
            starts.append(s)
            ends.append(e)
        ev["start"] = pd.to_datetime(pd.Series(starts, dtype="object"))
        ev["end"] = pd.to_datetime(pd.Series(ends, dtype="object"))
        ev["undated"] = (ev["date_precision"] == "unknown").astype(bool)
        ev["source_list"] = [
            tuple(s.strip() for s in str(x).split(";") if s.strip()) for x in ev["source_ids"]
        ]
        outlets = self.sources.set_index("source_id")["outlet"]
        ev["outlets"] = [
            "; ".join(dict.fromkeys(str(outlets.get(s, s)) for s in ids)) for ids in ev["source_list"]
        ]
        # after the as-of date an event is upcoming: drawn apart, never what the data is current to
        ev["upcoming"] = [
            bool(self.as_of and not u and self.as_of.is_after(s)) for s, u in zip(ev["start"], ev["undated"])
        ]
        ev["key"] = [verification.is_key(h, v) for h, v in zip(ev["highlight"], ev["verification"])]
        ev["caveat"] = pd.array([verification.caveat(v) for v in ev["verification"]], dtype="string")
        return ev.sort_values(["start", "end", "event_id"], kind="stable").reset_index(drop=True)

    def summary(self) -> dict:
        tl = self.timeline
        dated = tl[~tl["undated"]]
        return {
            "folder": _display_path(self.folder),
            "title": self.title,
            "tables": {t.name: len(self.tables[t.name]) for t in self.schema.tables if t.name in self.tables},
            "figures": len(self.figure_definitions),
            "funnel_stages": len(self.funnel),
            "reported_values": len(self.figures),
            "events": len(tl),
            "undated_events": int(tl["undated"].sum()),
            "date_range": (dated["start"].min().date().isoformat(), dated["start"].max().date().isoformat())
            if len(dated)
            else None,
            "corrections": len(self.corrections),
            "upcoming_events": int(tl["upcoming"].sum()),
            "as_of": self.as_of.text if self.as_of else "an unknown date",
            "fingerprint": self.fingerprint,
        }


def as_window(value, what: str) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """A date argument as (first day, last day, precision): ISO 'YYYY[-MM[-DD]]' or a date.
    Raises ValueError saying what was expected."""
    found = asof.parse(value, what)
    return pd.Timestamp(found.first), pd.Timestamp(found.last), found.precision


def select_events(timeline: pd.DataFrame, start=None, end=None, categories=None) -> pd.DataFrame:
    """The events whose date window overlaps [start, end] (dates or ISO text, either may be
    None) in the given categories (None: all). Raises ValueError for an unknown category,
    a malformed date or an end before the start: a filter never silently shows nothing."""
    enum = [str(c) for c in timeline["category"].cat.categories]
    keep = pd.Series(True, index=timeline.index)
    if categories is not None:
        chosen = [categories] if isinstance(categories, str) else [str(c) for c in categories]
        unknown = [c for c in chosen if c not in enum]
        if unknown:
            raise ValueError(
                f"unknown categor{'y' if len(unknown) == 1 else 'ies'} {', '.join(map(repr, unknown))} "
                f"(expected any of: {', '.join(enum)})"
            )
        keep &= timeline["category"].astype(str).isin(chosen)
    ws = as_window(start, "start")[0] if start is not None else None
    we = as_window(end, "end")[1] if end is not None else None
    if ws is not None and we is not None and we < ws:
        raise ValueError(f"end {we:%Y-%m-%d} is before start {ws:%Y-%m-%d}")
    if ws is not None:
        keep &= timeline["end"] >= ws
    if we is not None:
        keep &= timeline["start"] <= we
    return timeline[keep]


def _display_path(folder: Path) -> str:
    """The folder relative to the project root when inside it: outputs must not depend on
    where the project was cloned."""
    from .paths import ROOT

    try:
        return folder.resolve().relative_to(ROOT.resolve()).as_posix()
    except ValueError:
        return str(folder)


def load_incident(
    path: str | Path | None = None, *, as_of: str | None = None, lang: str | None = None
) -> Incident:
    """Validate ``path`` (default: the IRS–DHS incident) and return it typed; ``as_of``
    overrides the date the data is current to (YYYY-MM-DD, YYYY-MM or YYYY); ``lang``
    (default: the current language) is the language of its reader-facing text, taken from
    the package's translations (see :mod:`taxfirewall.translations`).

    Raises :class:`DataError` listing every problem when the folder is not valid, or
    every text with no translation into ``lang``.
    """
    folder = Path(path) if path is not None else DEFAULT_INCIDENT
    lang = i18n.check(lang if lang is not None else i18n.current())
    kept = _PRELOADED.pop((folder.resolve(), lang), None)
    if kept is not None and kept[0] == folder_digest(folder):
        return kept[1].with_as_of(as_of)
    result = check_incident(folder, translations=lang != i18n.DEFAULT)
    if result.problems:
        raise DataError(result.problems, str(folder))
    schema, tables = translations.apply(result.schema, result.frames, lang)
    return Incident(folder=folder.resolve(), schema=schema, tables=tables, lang=lang).with_as_of(as_of)


# Datasets the build's fork server loaded before forking its kernels, each with the digest of
# its folder's files: a kernel's first load of one returns it unless a file has changed since
# (a load validates every file again, a third of a short report's run). Taken once, so a
# second load in the same kernel reads the files afresh. Empty in any other process.
_PRELOADED: dict[tuple[Path, str], tuple[str, Incident]] = {}


def preload(path: str | Path, lang: str) -> Incident:
    """Load ``path`` in ``lang`` and keep an untouched copy for the next :func:`load_incident`
    of it; returns the loaded incident, whose cached tables the caller may fill."""
    folder = Path(path)
    digest = folder_digest(folder)
    incident = load_incident(folder, lang=lang)
    _PRELOADED[(folder.resolve(), incident.lang)] = (digest, copy.copy(incident))
    return incident
