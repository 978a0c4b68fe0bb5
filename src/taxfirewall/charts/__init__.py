"""Charts of an incident: each returns a :class:`~taxfirewall.charts.base.Chart`, its
plotted rows and a layout to a :class:`~taxfirewall.charts.scene.Scene`, which
:mod:`~taxfirewall.charts.render` draws as altair (interactive) and matplotlib (static)."""

from .base import Chart, source_line
from .funnel import funnel_chart
from .timeline import timeline_chart

CHARTS = {"funnel": funnel_chart, "timeline": timeline_chart}

__all__ = ["CHARTS", "Chart", "funnel_chart", "source_line", "timeline_chart"]
