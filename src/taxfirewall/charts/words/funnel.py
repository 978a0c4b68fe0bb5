"""The funnel's reader-facing words: subtitle, notes, alt text, tooltips and the words
drawn in the chart, all from the plotted rows (:mod:`taxfirewall.charts.funnel.rows`)."""

from __future__ import annotations

import pandas as pd

from ... import verification
from ...formatting import EN_DASH, format_number
from ...missing import present

NOT_IN_FUNNEL = "Not part of the funnel"
LOG_AXIS = "Logarithmic scale"
# beside a range too narrow to see, drawn wider than its bounds: the longest that fits
NOT_TO_SCALE = ("widened to be seen, not to scale", "not to scale")
HOW = {
    "zoom": "drawn as horizontal bars on one linear scale",
    "linear": "drawn as horizontal bars on one linear scale",
    "log": "drawn as dots on a logarithmic scale where each gridline is 10 times the last",
}


def stage_numbers(stages) -> str:
    """[2, 3] -> 'stages 2–3'; [3] -> 'stage 3'; [2, 4] -> 'stages 2 and 4'."""
    nums = [format_number(s) for s in stages]
    if len(nums) == 1:
        return f"stage {nums[0]}"
    if list(stages) == list(range(stages[0], stages[-1] + 1)):
        return f"stages {nums[0]}{EN_DASH}{nums[-1]}"
    return f"stages {', '.join(nums[:-1])} and {nums[-1]}"


def reported_list(records: list[dict]) -> str:
    """Every reported value in its own words with its outlet, the preferred one marked:
    the tooltip's evidence."""
    out = []
    for r in records:
        said = verification.with_caveat(f"{r['value_text']}, {r['outlet']}", r["verification"])
        out.append(said + (" (preferred)" if r["preferred"] else ""))
    return "; ".join(out)


def share_text(share: str, label) -> str:
    """'4% of those asked for' (the share of the stage its label names); '' stays ''."""
    return f"{share} of {label}" if share and present(label) else share


def subtitle(stages: pd.DataFrame, scale: str) -> str:
    parts = []
    for _, r in stages.iterrows():
        text = f"{r['value_text']} {r['sentence_label']}"
        notes = "; ".join(x for x in (r["share_text"], r["caveat"]) if x)
        parts.append(f"{text} ({notes})" if notes else text)
    text = ", then ".join(parts) + "."
    text = text[:1].upper() + text[1:]  # a sentence opens capitalised; labels are untouched
    if scale == "log":  # says how to read it before reading
        text += " Logarithmic scale: each gridline is 10 times the last."
    return text


def notes(stages: pd.DataFrame, context: pd.DataFrame, scale: str, asof_text: str) -> str:
    out = []
    ranges = stages[stages["is_range"]]
    if len(ranges):
        verb = "has" if len(ranges) == 1 else "have"
        out.append(
            f"{stage_numbers([int(s) for s in ranges['stage']]).capitalize()} {verb} no exact count: drawn as a "
            "shaded span, not a bar, with a bracket at each end a source supports."
        )
    if (ranges["open_low"] | ranges["open_high"]).any():
        out.append("A span without a bracket at one end: no source sets a limit on that side.")
    if scale == "log":
        out.append("Scale: logarithmic.")
    if len(context):
        out.append("Figures not part of the funnel count other things and are never added to it.")
    out.append(f"Data as of {asof_text}.")
    return " ".join(out)


def _stage_sentence(r) -> str:
    bits = [r["value_text"]]
    if r["share_text"]:
        bits.append(r["share_text"])
    if r["caveat"]:
        bits.append(f"verification: {r['caveat']}")
    if r["reported_text"]:
        bits.append(r["reported_text"])
    sentence = f"Stage {format_number(r['stage'])}, {r['sentence_label']}: {', '.join(bits)}"
    if r["is_range"]:
        sentence += "; drawn as a shaded span, not a solid bar"
    return sentence + "."


def alt_text(
    stages: pd.DataFrame, context: pd.DataFrame, scale: str, zoom: float | None, asof_text: str
) -> str:
    how = HOW[scale]
    if zoom:
        later = [int(s) for s in stages["stage"].iloc[1:]]
        how += (
            f", with a lower panel that redraws {stage_numbers(later)} enlarged {format_number(round(zoom))} times "
            "so the small stages can be seen"
        )
    n = len(stages)
    text = [f"A funnel chart in {format_number(n)} stage{'s' if n != 1 else ''}, {how}."]
    text += [_stage_sentence(r) for _, r in stages.iterrows()]
    if len(context):
        items = "; ".join(
            verification.bracketed(f"{r['sentence_label']}, {r['value_text']}", r["caveat"])
            for _, r in context.iterrows()
        )
        text.append(f"Also shown, not part of the funnel: {items}.")
    text.append(f"Data as of {asof_text}.")
    return " ".join(text)


def zoom_head(stages: pd.DataFrame, zoom: float) -> str:
    """'Stages 2–4, enlarged ×27': the magnified panel's heading."""
    later = [int(s) for s in stages["stage"].iloc[1:]]
    return f"{stage_numbers(later).capitalize()}, enlarged ×{format_number(round(zoom))}"


def figure_line(r) -> str:
    """'Label: value' with its caveat bracketed: a figure named in a list."""
    return verification.bracketed(f"{r['label']}: {r['value_text']}", r["caveat"])


def caveat_line(r) -> str:
    return f"Verification: {r['caveat']}"


def tip_table(r) -> tuple[tuple[str, str], ...]:
    """What hovering any mark of a figure tells: the figure, its value, its evidence."""
    share = r["share_text"] or ("first stage" if r["panel"] == "funnel" else "not part of the funnel")
    return (
        ("Figure", r["label"]),
        ("Value", r["value_text"]),
        ("Share", share),
        ("Reported values", r["reported_values"]),
        ("Verification", r["verification"]),
        ("Sources", r["outlets"]),
    )


def tip_description(r) -> str:
    """What a screen reader announces for a figure's mark."""
    return f"{r['label']}: {r['value_text']}" + (f", {r['share_text']}" if r["share_text"] else "")
