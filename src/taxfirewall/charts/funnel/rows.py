"""The funnel's plotted table, from an incident: one row per stage, then one per context
figure (other quantities, never stages; money left out), each with its value, bounds,
share and evidence in the reader's words. This table is ``chart.data`` and every
export's ``data.csv``."""

from __future__ import annotations

import pandas as pd

from ... import verification
from ...data import Incident
from ...formatting import MONEY_UNITS
from ...quantity import Quantity
from ..words import funnel as words

MIN_ZOOM = 2  # below this the second stage is already half the width: no magnified panel


def _row(r, panel: str, records: list[dict], share_text: str = "") -> dict:
    q = Quantity.of(r)
    lo, hi = q.supported
    return {
        "panel": panel,
        "stage": r["stage"],
        "figure_id": r["figure_id"],
        "label": r["label"],
        "sentence_label": r["sentence_label"],
        "unit": q.unit,
        "bound": q.bound,
        "value": r["value"],
        "low": r["low"],
        "high": r["high"],
        "open_low": not q.is_point and lo is None,  # no bracket where the source set no limit
        "open_high": not q.is_point and hi is None,
        "representative": r["representative"],
        "is_range": bool(r["is_range"]),
        "share_low": r.get("share_low", pd.NA),
        "share_high": r.get("share_high", pd.NA),
        "as_reported": r["as_reported"],
        "value_text": r["value_text"],
        "share_text": share_text,
        "value_line": f"{r['value_text']} · {share_text}" if share_text else r["value_text"],
        "reported_text": r["spread_text"],
        "reported_values": words.reported_list(records),
        "verification": verification.label(r["verification"]),
        "caveat": verification.caveat(r["verification"]),  # in the language drawn in
        "outlets": "; ".join(dict.fromkeys(str(x["outlet"]) for x in records)),
        "source_ids": "; ".join(r["source_ids"]),
    }


def rows(inc: Incident, scale: str, show_context: bool) -> pd.DataFrame:
    """Stages then (if ``show_context``) non-money context figures, typed."""
    out = [
        _row(r, "funnel", r["reported"], words.share_text(r["share_text"], r["share_label"]))
        for _, r in inc.funnel.iterrows()
    ]
    if show_context:
        rv = inc.reported_values
        for _, r in inc.context.iterrows():
            if str(r["unit"]) in MONEY_UNITS:
                continue  # dollars are a different kind of thing: not next to counts of people
            out.append(_row(r, "context", rv[rv["figure_id"] == r["figure_id"]].to_dict("records")))
    data = pd.DataFrame(out)
    for col in ("stage", "value", "low", "high", "representative"):
        data[col] = data[col].astype("Int64")
    for col in ("share_low", "share_high"):
        data[col] = data[col].astype("Float64")
    for col in ("is_range", "open_low", "open_high"):
        data[col] = data[col].astype(bool)
    data["zoomed"] = False
    if zoom_factor(data, scale):
        data["zoomed"] = (data["panel"] == "funnel") & (data["stage"] > 1)
    return data


def zoom_factor(data: pd.DataFrame, scale: str) -> float | None:
    """Full scale over the magnified panel's scale (anchored to stage 2), or None for no panel."""
    f = data[data["panel"] == "funnel"]
    if scale != "zoom" or len(f) < 2:
        return None
    top, second = float(f["representative"].max()), float(f["representative"].iloc[1])
    return top / second if second > 0 and top / second >= MIN_ZOOM else None


def stages_and_context(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return data[data["panel"] == "funnel"], data[data["panel"] == "context"]
