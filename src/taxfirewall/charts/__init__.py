"""Charts of an incident: each returns a :class:`~taxfirewall.charts.base.Chart` with an
altair (interactive) and a matplotlib (static) rendering of the same content."""

from .base import Chart, source_line
from .funnel import funnel_chart
from .timeline import timeline_chart

CHARTS = {"funnel": funnel_chart, "timeline": timeline_chart}

__all__ = ["CHARTS", "Chart", "funnel_chart", "source_line", "timeline_chart"]
