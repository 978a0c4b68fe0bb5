"""The timeline: every event of an incident at its date, at the precision the sources give.

Design
------
* Events dated to the day are points, with a colour *and* a shape per category (the
  house palette and shapes, by position in the dataset's category enum). Events dated
  only to the month or year are lighter bars across that whole period, never a falsely
  precise point. Events whose date was sought and not found are not put on the time
  axis at all: they are listed in a "Date not found" lane under it, with the years they
  may fall in.
* Key moments (``highlight``) get a larger mark inside an accent ring and a bold label.
* A dashed rule marks the date the data is current to ("As of ...", the one as-of date
  of :mod:`taxfirewall.asof`): never an event's date, never the clock.
* Labels (title, and the date under it) sit right beside their mark: on its right, else
  on its left, else beside it with the title on two lines, else just above it (a bar as
  wide as the chart). Each event (mark plus label) is packed into the first row, top
  down, where it collides with nothing already there, in date order: the rows fill like
  a staircase, time reads left to right and top to bottom, no two labels or marks share
  a pixel, and no leader lines are needed. Gridlines and the as-of rule stop short of
  words instead of striking through them. Text widths are measured with the static
  renderer's font (DejaVu Sans, wider than the browser fonts in the stack), so the
  layout holds in both renderings. A bar cut off by a date window ends in an arrowhead.
* Phone widths: when the longest label would take more than 60% of the plot width
  (below about 480 px for the IRS story), labels become numbers beside the marks and a
  numbered key under the axis gives every event's title and date at full size, key
  moments in bold. The strip keeps what only a chart shows (clusters, gaps, spans, the
  as-of line); the key keeps every word readable without shrinking a desktop layout.
  Tooltips carry the full detail in the interactive version at every width.

Modules: :mod:`.rows` (the plotted table: ``chart.data``, no pixels, and the time axis),
:mod:`.layout` (rows at a width -> a :class:`~.layout.Plan` in pixels, packed with
:mod:`..packing`), :mod:`.marks` and :mod:`.below` (the plan as scene marks),
:mod:`.chart` (``timeline_chart``: rows, words from :mod:`..words.timeline`, the scene).
The generic renderers (:mod:`..render`) draw the scene.
"""

from .chart import timeline_chart
from .layout import BAR, RING, STRIP

__all__ = ["BAR", "RING", "STRIP", "timeline_chart"]
