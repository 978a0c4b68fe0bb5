"""What the fork server readies before its first kernel, beyond imports (:mod:`.forkserver`).

For each edition the build's reports read, the server loads the dataset (kept for the first
:func:`~taxfirewall.data.load_incident` of each kernel it forks, which checks the folder's
files are unchanged) and lays out both charts at the article and phone widths, which
measures their words once (:func:`~taxfirewall.charts.text.text_width` keeps each width).
A kernel then skips what every report of that edition would do first; what it inherits is
what a fresh kernel would compute from the same files, never anything a report did.

Nothing here starts a thread (the server forks only while it has one). A dataset that fails
to load is left to the kernels, which report it as they would without the server.
"""

from __future__ import annotations

import sys


def prime(editions: list[tuple[str, str]]) -> None:
    """Ready each (incident folder, language)."""
    for folder, lang in editions:
        try:
            _prime_edition(folder, lang)
        except Exception as exc:  # the kernels meet it themselves, with the notebook's context
            print(f"fork server: {folder} ({lang}) not readied: {type(exc).__name__}: {exc}", file=sys.stderr)


def _prime_edition(folder: str, lang: str) -> None:
    from .. import i18n
    from ..charts import funnel_chart, timeline_chart
    from ..data import preload
    from ..layouts import display_widths

    with i18n.use(lang):
        incident = preload(folder, lang)
        for draw in (funnel_chart, timeline_chart):
            chart = draw(incident)  # laid out as a notebook displays it: then at each phone width
            chart.scene()
            for width in display_widths(chart.width):
                chart.relayout(width).scene()
