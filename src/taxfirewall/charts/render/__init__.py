"""The renderers: each draws any :class:`~taxfirewall.charts.scene.Scene`, applying the
house theme (colour roles become colours). :mod:`.vega` gives the interactive Vega-Lite
chart (``to_spec``), :mod:`.mpl` the static matplotlib Figure (``to_figure``); each is
imported when first used, so drawing one never loads the other's library."""
