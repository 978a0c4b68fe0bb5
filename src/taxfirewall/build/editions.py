"""Editions: one report in several languages.

Two reports are editions of one another when they run the same notebook on the same
incident with the same parameters except ``lang`` (and the title, which is in each
edition's own language). Each page links to its other editions; the index says each
entry's language. Standard library only: the index is written on the unchanged path too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..manifest import Plan

# what may differ between two editions of one report: the language and the words of the title
EDITION_FREE = ("lang", "title")


def edition_key(plan: Plan) -> str:
    """What the editions of one report share (as canonical JSON, since values may be lists)."""
    parameters = {k: v for k, v in plan.report.parameters.items() if k not in EDITION_FREE}
    parameters.pop("incident", None)  # compared resolved: given or the notebook's default
    return json.dumps(
        [str(plan.report.notebook), str(plan.incident), parameters],
        sort_keys=True,
        ensure_ascii=False,
    )


def alternates(plans: Iterable[Plan]) -> dict[str, list[dict]]:
    """For each report (by slug), its editions in other languages as {"lang", "href"}, in
    manifest order; one edition per other language (the first listed, if several)."""
    plans = list(plans)
    groups: dict[str, list[Plan]] = {}
    for plan in plans:
        groups.setdefault(edition_key(plan), []).append(plan)
    out = {}
    for plan in plans:
        seen, links = {plan.lang}, []
        for other in groups[edition_key(plan)]:
            if other.lang not in seen:
                seen.add(other.lang)
                links.append({"lang": other.lang, "href": f"{other.report.slug}.html"})
        out[plan.report.slug] = links
    return out
