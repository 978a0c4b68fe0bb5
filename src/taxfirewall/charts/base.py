"""What every chart carries: title, subtitle, the data plotted, alt text and a footer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from ..data import Incident
from ..theme import Theme


def source_line(incident: Incident, source_ids) -> str:
    """'Sources: AP; FedScoop; ...' naming the outlets of the sources actually plotted,
    in order of first appearance, each once."""
    outlets = []
    for sid in source_ids:
        outlet = incident.outlet(sid)
        if outlet not in outlets:
            outlets.append(outlet)
    return "Sources: " + "; ".join(outlets) + "." if outlets else ""


@dataclass
class Chart:
    """One chart's content, renderable two ways.

    ``data`` is exactly the table the chart draws (written beside every export as CSV);
    ``alt_text`` is generated from it. ``build_altair`` and ``build_matplotlib`` are the
    chart module's renderers, bound to this content.
    """

    slug: str
    title: str
    subtitle: str
    data: pd.DataFrame
    alt_text: str
    source_ids: tuple[str, ...]
    sources: str
    notes: str
    credit: str
    theme: Theme
    width: int
    options: dict = field(default_factory=dict)
    build_altair: Callable[[Chart], object] | None = None
    build_matplotlib: Callable[[Chart], object] | None = None
    relayout: Callable[[int], Chart] | None = None  # the same chart laid out at another width

    @property
    def footer_lines(self) -> list[str]:
        return [line for line in (self.sources, self.notes, self.credit and f"Chart: {self.credit}") if line]

    def altair(self):
        """The interactive Vega-Lite chart (tooltips; ``description`` = alt text)."""
        return self.build_altair(self)

    def figure(self):
        """The static matplotlib Figure (title/desc metadata carry the alt text)."""
        return self.build_matplotlib(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # In a notebook a Chart displays as its altair rendering: JupyterLab draws it
        # natively (offline), the report template turns it into an inline vega view. Its
        # phone layouts ride along under a mimetype JupyterLab ignores and reports use.
        from ..layouts import LAYOUTS_MIME, display_widths

        bundle = self.altair()._repr_mimebundle_(include=include, exclude=exclude)
        data, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        widths = display_widths(self.width)
        if (
            self.relayout is not None
            and widths
            and any(k.startswith("application/vnd.vegalite") for k in data)
        ):
            data = {
                **data,
                LAYOUTS_MIME: {
                    "width": self.width,
                    "layouts": {str(w): self.relayout(w).altair().to_dict() for w in widths},
                },
            }
        return data, meta
