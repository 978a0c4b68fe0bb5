"""What every chart carries: title, subtitle, the data plotted, alt text and a footer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .. import i18n
from ..data import Incident
from ..i18n import _
from ..theme import Theme
from .scene import Scene


def source_line(incident: Incident, source_ids) -> str:
    """'Sources: AP; FedScoop; ...' naming the outlets of the sources actually plotted,
    in order of first appearance, each once."""
    outlets = []
    for sid in source_ids:
        outlet = incident.outlet(sid)
        if outlet not in outlets:
            outlets.append(outlet)
    return _("Sources: {outlets}.", outlets="; ".join(outlets)) if outlets else ""


@dataclass
class Chart:
    """One chart's content, drawn two ways from one scene.

    ``data`` is exactly the table the chart draws (written beside every export as CSV);
    ``alt_text`` is generated from it. ``layout`` lays the chart out at its width as a
    :class:`~taxfirewall.charts.scene.Scene`, which either renderer draws.
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
    layout: Callable[[Chart], Scene] | None = None  # the chart at its width, as a scene
    relayout: Callable[[int], Chart] | None = None  # the same chart laid out at another width
    lang: str = field(default_factory=i18n.current)  # the language its words are in

    @property
    def footer_lines(self) -> list[str]:
        with i18n.use(self.lang):
            credit = self.credit and _("Chart: {credit}", credit=self.credit)
        return [line for line in (self.sources, self.notes, credit) if line]

    def scene(self) -> Scene:
        """What this chart draws, in pixels at its width (in the chart's language, whatever
        the language when it is drawn)."""
        with i18n.use(self.lang):
            return self.layout(self)

    def vegalite(self) -> dict:
        """The interactive Vega-Lite spec (tooltips; ``description`` = alt text)."""
        from .render.vega import to_spec

        with i18n.use(self.lang):
            return to_spec(self.scene(), self.theme)

    def altair(self):
        """The same chart as an altair object, for a desk that wants to change it."""
        from .render.vega import to_altair

        with i18n.use(self.lang):
            return to_altair(self.scene(), self.theme)

    def figure(self):
        """The static matplotlib Figure (title/desc metadata carry the alt text)."""
        from .render.mpl import to_figure

        with i18n.use(self.lang):
            return to_figure(self.scene(), self.theme)

    def _relayout(self, width: int) -> Chart:
        with i18n.use(self.lang):
            return self.relayout(width)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # In a notebook a Chart displays through altair's active renderer, as an altair
        # chart would: JupyterLab draws it natively (offline), the report template turns it
        # into an inline vega view. Its phone layouts ride along under a mimetype
        # JupyterLab ignores and reports use.
        import altair as alt

        from ..layouts import LAYOUTS_MIME, display_widths

        bundle = alt.renderers.get()(self.vegalite())
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
                    "layouts": {str(w): self._relayout(w).vegalite() for w in widths},
                },
            }
        return data, meta
