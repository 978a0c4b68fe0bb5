"""A chart's other layouts, carried by a page as differences from its main one.

The charts are laid out in Python per width (labels wrapped, lanes stacked), so a phone
needs a layout of its own, not the article layout shrunk to half size. A report page holds
the main Vega-Lite spec whole and each narrower layout as :func:`diff` from it; a chart
page (:mod:`taxfirewall.export`) does the same for every width and theme. Most of a spec
(encodings, config, tooltip tables) is the same in every layout, so another layout costs a
fraction of a second spec. The pages rebuild a layout with ``tfPatch``
(``templates/patch.js``), the JavaScript twin of :func:`patch`.

A difference is JSON: for two objects, only the keys that changed (a removed key is
``{"$del": 1}``); for two lists of the same length holding objects or lists,
``{"$list": {index: difference}}``; anything else is the new value, wrapped as
``{"$set": value}`` when it is an object (so it is not read as a difference). Values are
compared as JSON compares them: ``1``, ``1.0`` and ``true`` all differ.
"""

from __future__ import annotations

from typing import Any

# beside the Vega-Lite output: {"width": main width, "layouts": {"<width>": spec, ...}}
LAYOUTS_MIME = "application/vnd.taxfirewall.layouts+json"
PHONE_WIDTHS = (320,)  # narrower layouts a displayed chart carries (px)
MIN_SCALE = 0.8  # a report shows the widest layout it can draw at no less than this scale
_display = {"widths": PHONE_WIDTHS}


def phone_layouts(on: bool = True) -> None:
    """Whether charts displayed in a notebook carry their phone layouts (the default)."""
    _display["widths"] = PHONE_WIDTHS if on else ()


def display_widths(main_width: int) -> list[int]:
    """The narrower layouts a chart displayed at ``main_width`` carries."""
    return [w for w in _display["widths"] if w < main_width]


def _same(x: Any, y: Any) -> bool:
    """Equal as JSON values (Python's == takes 1, 1.0 and True for one another, and 0.0
    for -0.0, which JSON writes apart)."""
    if type(x) is not type(y):
        return False
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(_same(v, y[k]) for k, v in x.items())
    if isinstance(x, list):
        return len(x) == len(y) and all(map(_same, x, y))
    if isinstance(x, float):
        return repr(x) == repr(y)
    return x == y


def diff(a: Any, b: Any) -> Any:
    """What turns ``a`` into ``b`` (see the module docstring)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = {}
        for k, v in b.items():
            if k not in a:
                out[k] = {"$set": v} if isinstance(v, dict) else v
            elif not _same(a[k], v):
                out[k] = diff(a[k], v)
        for k in a:
            if k not in b:
                out[k] = {"$del": 1}
        return out
    if (
        isinstance(a, list)
        and isinstance(b, list)
        and len(a) == len(b)
        and all(isinstance(x, (dict, list)) for x in a)
    ):
        return {"$list": {str(i): diff(x, y) for i, (x, y) in enumerate(zip(a, b)) if not _same(x, y)}}
    return {"$set": b} if isinstance(b, dict) else b


def patch(a: Any, d: Any) -> Any:
    """``a`` with the difference ``d`` applied (the Python twin of the page's loader)."""
    if not isinstance(d, dict):
        return d
    if "$set" in d:
        return d["$set"]
    if "$list" in d:
        out = list(a)
        for i, sub in d["$list"].items():
            out[int(i)] = patch(a[int(i)], sub)
        return out
    out = dict(a)
    for k, sub in d.items():
        if isinstance(sub, dict) and "$del" in sub:
            out.pop(k, None)
        else:
            out[k] = patch(a.get(k), sub)
    return out


def page_chart(spec: dict, extra: dict | None) -> dict:
    """What a report page carries for one chart: the main spec whole (``extra``: the
    :data:`LAYOUTS_MIME` output beside it, if any), each other layout as a difference from
    it, narrowest first."""
    extra = extra or {}
    narrower = sorted((int(w), s) for w, s in extra.get("layouts", {}).items())
    return {
        "width": extra.get("width"),
        "spec": spec,
        "layouts": [[w, diff(spec, s)] for w, s in narrower],
        "min_scale": MIN_SCALE,
    }
