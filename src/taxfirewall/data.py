"""Load an incident folder into one typed object with the views charts and reports use."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import dates
from .errors import DataError
from .paths import DEFAULT_INCIDENT, DESCRIPTOR_NAME
from .schema import PackageSchema
from .validate import check_incident, representative



@dataclass
class Incident:
    """A validated incident: its tables (typed DataFrames indexed by spreadsheet row) and views."""

    folder: Path
    schema: PackageSchema
    tables: dict[str, pd.DataFrame]

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
            digest.update(name.encode())
            digest.update(b"\0")
            digest.update((self.folder / name).read_bytes())
        return digest.hexdigest()

    def outlet(self, source_id: str) -> str:
        match = self.sources[self.sources["source_id"] == source_id]
        return str(match.iloc[0]["outlet"]) if len(match) else source_id

    # ---------------------------------------------------------------- views
    @cached_property
    def reported_values(self) -> pd.DataFrame:
        """Every reported value with its figure's definition, source outlet and a preferred flag."""
        defs = self.figure_definitions.reset_index(drop=True)
        values = self.figures.reset_index(drop=True)
        merged = values.merge(
            defs[["figure_id", "label", "role", "stage", "unit", "preferred_value_id"]], on="figure_id", how="left"
        )
        merged["preferred"] = (merged["value_id"] == merged["preferred_value_id"]).astype(bool)
        outlets = self.sources.set_index("source_id")["outlet"]
        merged["outlet"] = merged["source_id"].map(outlets).astype("string")
        merged["is_range"] = merged["value"].isna()
        return merged.drop(columns=["preferred_value_id"])

    @cached_property
    def preferred(self) -> pd.DataFrame:
        """One row per figure: its definition and its preferred value, with the reported spread."""
        rv = self.reported_values
        rows = []
        for _, d in self.figure_definitions.iterrows():
            mine = rv[rv["figure_id"] == d["figure_id"]]
            pref = mine[mine["preferred"]].iloc[0]
            points = mine["value"].dropna()
            rows.append(
                {
                    "figure_id": d["figure_id"],
                    "label": d["label"],
                    "description": d["description"],
                    "role": d["role"],
                    "stage": d["stage"],
                    "unit": d["unit"],
                    "share_label": d["share_label"],
                    "value": pref["value"],
                    "low": pref["low"],
                    "high": pref["high"],
                    "representative": representative(pref["value"], pref["low"], pref["high"]),
                    "is_range": bool(pref["is_range"]),
                    "as_reported": pref["as_reported"],
                    "as_of": pref["as_of"],
                    "value_id": pref["value_id"],
                    "source_id": pref["source_id"],
                    "outlet": pref["outlet"],
                    "verification": pref["verification"],
                    "preferred_reason": d["preferred_reason"],
                    "n_reported": len(mine),
                    "reported_min": points.min() if len(points) else pd.NA,
                    "reported_max": points.max() if len(points) else pd.NA,
                    "source_ids": tuple(dict.fromkeys(mine["source_id"])),
                }
            )
        frame = pd.DataFrame(rows)
        for col in ("stage", "value", "low", "high", "representative", "reported_min", "reported_max", "n_reported"):
            frame[col] = frame[col].astype("Int64")
        for col, table in (("role", self.figure_definitions), ("unit", self.figure_definitions), ("verification", self.figures)):
            frame[col] = pd.Categorical(frame[col], categories=table[col].cat.categories)
        return frame

    @cached_property
    def funnel(self) -> pd.DataFrame:
        """Funnel stages in order: preferred value, bounds, every reported value and the
        share of the previous stage (a range when either stage is a range)."""
        f = self.preferred[self.preferred["role"] == "funnel"].sort_values("stage").reset_index(drop=True)
        share, share_low, share_high = [], [], []
        for i, r in f.iterrows():
            if i == 0:
                share.append(pd.NA)
                share_low.append(pd.NA)
                share_high.append(pd.NA)
                continue
            prev = f.loc[i - 1]
            share.append(r["representative"] / prev["representative"] if not r["is_range"] and not prev["is_range"] else pd.NA)
            # shares are of the previous stage's preferred number, as a reader would read them
            base = prev["representative"]
            share_low.append(r["low"] / base if base else pd.NA)
            share_high.append(min(r["high"] / base, 1.0) if base else pd.NA)
        f["share_of_previous"] = pd.array(share, dtype="Float64")
        f["share_low"] = pd.array(share_low, dtype="Float64")
        f["share_high"] = pd.array(share_high, dtype="Float64")
        rv = self.reported_values
        f["reported"] = [
            rv[rv["figure_id"] == fid][["value_id", "value", "low", "high", "as_reported", "source_id", "outlet", "verification", "preferred"]]
            .to_dict("records")
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
        ev["source_list"] = [tuple(s.strip() for s in str(x).split(";") if s.strip()) for x in ev["source_ids"]]
        outlets = self.sources.set_index("source_id")["outlet"]
        ev["outlets"] = ["; ".join(dict.fromkeys(str(outlets.get(s, s)) for s in ids)) for ids in ev["source_list"]]
        return ev.sort_values(["start", "end", "event_id"], kind="stable").reset_index(drop=True)

    def summary(self) -> dict:
        tl = self.timeline
        dated = tl[~tl["undated"]]
        return {
            "folder": _display_path(self.folder),
            "title": self.title,
            "tables": {t.name: len(self.tables[t.name]) for t in self.schema.tables},
            "figures": len(self.figure_definitions),
            "funnel_stages": len(self.funnel),
            "reported_values": len(self.figures),
            "events": len(tl),
            "undated_events": int(tl["undated"].sum()),
            "date_range": (dated["start"].min().date().isoformat(), dated["start"].max().date().isoformat()) if len(dated) else None,
            "corrections": len(self.corrections),
            "fingerprint": self.fingerprint,
        }


def _display_path(folder: Path) -> str:
    """The folder relative to the project root when inside it: outputs must not depend on
    where the project was cloned."""
    from .paths import ROOT

    try:
        return folder.resolve().relative_to(ROOT.resolve()).as_posix()
    except ValueError:
        return str(folder)


def load_incident(path: str | Path | None = None) -> Incident:
    """Validate ``path`` (default: the IRS–DHS incident) and return it typed.

    Raises :class:`DataError` listing every problem when the folder is not valid.
    """
    folder = Path(path) if path is not None else DEFAULT_INCIDENT
    result = check_incident(folder)
    if result.problems:
        raise DataError(result.problems, str(folder))
    return Incident(folder=folder.resolve(), schema=result.schema, tables=result.frames)
