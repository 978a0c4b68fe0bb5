"""The funnel's reader-facing words: subtitle, notes, alt text, tooltips and the words
drawn in the chart, all from the plotted rows (:mod:`taxfirewall.charts.funnel.rows`).
Each sentence is one message in the current language (:mod:`taxfirewall.i18n`)."""

from __future__ import annotations

import pandas as pd

from ... import verification
from ...formatting import EN_DASH, format_number
from ...i18n import N_, _, n_, p_
from ...missing import present

NOT_IN_FUNNEL = N_("Not part of the funnel")
LOG_AXIS = N_("Logarithmic scale")
# beside a range too narrow to see, drawn wider than its bounds: the longest that fits
NOT_TO_SCALE = (N_("widened to be seen, not to scale"), N_("not to scale"))
HOW = {
    "zoom": N_("drawn as horizontal bars on one linear scale"),
    "linear": N_("drawn as horizontal bars on one linear scale"),
    "log": N_("drawn as dots on a logarithmic scale where each gridline is 10 times the last"),
}


def _numbers(stages) -> str:
    """[2, 3] -> '2–3'; [3] -> '3'; [2, 4, 6] -> '2, 4 and 6'."""
    nums = [format_number(s) for s in stages]
    if len(nums) == 1:
        return nums[0]
    if list(stages) == list(range(stages[0], stages[-1] + 1)):
        return f"{nums[0]}{EN_DASH}{nums[-1]}"
    return _("{items} and {last}", items=", ".join(nums[:-1]), last=nums[-1])


def reported_list(records: list[dict]) -> str:
    """Every reported value in its own words with its outlet, the preferred one marked:
    the tooltip's evidence."""
    out = []
    for r in records:
        said = verification.with_caveat(f"{r['value_text']}, {r['outlet']}", r["verification"])
        out.append(_("{value} (preferred)", value=said) if r["preferred"] else said)
    return "; ".join(out)


def share_text(share: str, label) -> str:
    """'4% of those asked for' (the share of the stage its label names); '' stays ''."""
    return _("{share} of {label}", share=share, label=label) if share and present(label) else share


def counted(value: str, label: str) -> str:
    """'1.28 million people': a count and what it counts (Spanish puts 'de' after a word
    such as 'millones' or 'miles', never after digits)."""
    if value[-1:].isalpha():
        return p_("a count ending in a word, and what it counts", "{value} {label}", value=value, label=label)
    return p_("a count and what it counts", "{value} {label}", value=value, label=label)


def subtitle(stages: pd.DataFrame, scale: str) -> str:
    text = ""
    for _i, r in stages.iterrows():
        part = counted(r["value_text"], r["sentence_label"])
        notes = "; ".join(x for x in (r["share_text"], r["caveat"]) if x)
        part = f"{part} ({notes})" if notes else part
        text = _("{before}, then {next}", before=text, next=part) if text else part
    text += "."
    text = text[:1].upper() + text[1:]  # a sentence opens capitalised; labels are untouched
    if scale == "log":  # says how to read it before reading
        text += " " + _("Logarithmic scale: each gridline is 10 times the last.")
    return text


def notes(stages: pd.DataFrame, context: pd.DataFrame, scale: str, asof_text: str) -> str:
    out = []
    ranges = stages[stages["is_range"]]
    if len(ranges):
        nums = _numbers([int(s) for s in ranges["stage"]])
        out.append(
            n_(
                "Stage {nums} has no exact count: drawn as a shaded span, not a bar, with a bracket at "
                "each end a source supports.",
                "Stages {nums} have no exact count: drawn as a shaded span, not a bar, with a bracket at "
                "each end a source supports.",
                len(ranges),
                nums=nums,
            )
        )
    if (ranges["open_low"] | ranges["open_high"]).any():
        out.append(_("A span without a bracket at one end: no source sets a limit on that side."))
    if scale == "log":
        out.append(_("Scale: logarithmic."))
    if len(context):
        out.append(_("Figures not part of the funnel count other things and are never added to it."))
    out.append(_("Data as of {date}.", date=asof_text))
    return " ".join(out)


def _stage_sentence(r) -> str:
    bits = [r["value_text"]]
    if r["share_text"]:
        bits.append(r["share_text"])
    if r["caveat"]:
        bits.append(_("verification: {caveat}", caveat=r["caveat"]))
    if r["reported_text"]:
        bits.append(r["reported_text"])
    fields = dict(stage=format_number(r["stage"]), label=r["sentence_label"], details=", ".join(bits))
    if r["is_range"]:
        return _("Stage {stage}, {label}: {details}; drawn as a shaded span, not a solid bar.", **fields)
    return _("Stage {stage}, {label}: {details}.", **fields)


def alt_text(
    stages: pd.DataFrame, context: pd.DataFrame, scale: str, zoom: float | None, asof_text: str
) -> str:
    how = _(HOW[scale])
    if zoom:
        later = [int(s) for s in stages["stage"].iloc[1:]]
        how = n_(
            "{how}, with a lower panel that redraws stage {nums} enlarged {factor} times so the small "
            "stages can be seen",
            "{how}, with a lower panel that redraws stages {nums} enlarged {factor} times so the small "
            "stages can be seen",
            len(later),
            how=how,
            nums=_numbers(later),
            factor=format_number(round(zoom)),
        )
    n = len(stages)
    count = format_number(n)
    text = [
        n_(
            "A funnel chart in {count} stage, {how}.",
            "A funnel chart in {count} stages, {how}.",
            n,
            count=count,
            how=how,
        )
    ]
    text += [_stage_sentence(r) for _i, r in stages.iterrows()]
    if len(context):
        items = "; ".join(
            verification.bracketed(f"{r['sentence_label']}, {r['value_text']}", r["caveat"])
            for _i, r in context.iterrows()
        )
        text.append(_("Also shown, not part of the funnel: {items}.", items=items))
    text.append(_("Data as of {date}.", date=asof_text))
    return " ".join(text)


def zoom_head(stages: pd.DataFrame, zoom: float) -> str:
    """'Stages 2–4, enlarged ×27': the magnified panel's heading."""
    later = [int(s) for s in stages["stage"].iloc[1:]]
    factor = format_number(round(zoom))
    return n_(
        "Stage {nums}, enlarged ×{factor}",
        "Stages {nums}, enlarged ×{factor}",
        len(later),
        nums=_numbers(later),
        factor=factor,
    )


def figure_line(r) -> str:
    """'Label: value' with its caveat bracketed: a figure named in a list."""
    return verification.bracketed(f"{r['label']}: {r['value_text']}", r["caveat"])


def caveat_line(r) -> str:
    return _("Verification: {caveat}", caveat=r["caveat"])


def tip_table(r) -> tuple[tuple[str, str], ...]:
    """What hovering any mark of a figure tells: the figure, its value, its evidence."""
    share = r["share_text"] or (_("first stage") if r["panel"] == "funnel" else _("not part of the funnel"))
    return (
        (_("Figure"), r["label"]),
        (_("Value"), r["value_text"]),
        (_("Share"), share),
        (_("Reported values"), r["reported_values"]),
        (_("Verification"), r["verification"]),
        (_("Sources"), r["outlets"]),
    )


def tip_description(r) -> str:
    """What a screen reader announces for a figure's mark."""
    return f"{r['label']}: {r['value_text']}" + (f", {r['share_text']}" if r["share_text"] else "")
