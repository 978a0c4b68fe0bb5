"""Article exports: per chart, a folder a graphics editor can hand to any CMS.

``<out>/<chart>/`` holds
- ``index.html``: the interactive chart page. It carries the chart built at several widths
  and both themes (the article spec whole, every other one as its difference from it) and
  shows the one that fits its container (layout and label wrapping
  are computed per width in Python, so a phone gets a real phone layout, not a shrunk
  desktop one), tells its parent frame its height, switches theme on ``?theme=`` or a
  message, and falls back to the static PNG without scripts;
- ``embed.html``: the copy-paste snippet (responsive iframe, a few lines of resize script,
  noscript image with the alt text);
- ``<chart>.vl.json`` / ``<chart>-dark.vl.json``: the Vega-Lite specs at article width;
- ``<chart>[-dark].svg|.pdf|.png|@2x.png``: the static matplotlib renderings;
- ``alt.txt``: the generated alt text; ``data.csv``: exactly the data plotted.
The vega runtime is vendored once in ``<out>/_static/``; nothing loads from a network.
Every file is a pure function of the dataset: same data, same bytes.

Languages: English exports are written as above; another language's go side by side, in
``<out>/<lang>/<chart>/`` (Spanish: ``reports/charts/es/funnel/``), the same files with
every word in that language (titles, labels, alt text, the embed snippet, whose root says
its ``lang``), sharing ``<out>/_static/``. Each chart page links its page in the other
languages the incident can be exported in (English always; Spanish once every text has a
translation). A Spanish export is refused, before anything is written, while any text of
the incident has no Spanish translation (each one located ``file:row:field``).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from . import i18n
from .charts import CHARTS
from .data import Incident, load_incident
from .layouts import diff, patch
from .output import json_for_script, write_atomic
from .templating import call, render
from .theme import THEMES, get_theme, mpl_style
from .vendor import EMBED_OPTIONS, bundle_name, vega_bundle

BREAKPOINTS = (320, 400, 600, 800)  # widths the page can choose from (px)
ARTICLE_WIDTH = 600
STATIC_DIR = "_static"


def svg_with_alt(svg: str, title: str, desc: str) -> str:
    """Give an SVG an accessible name: <title> and <desc> first inside <svg>, role=img."""
    open_tag = re.search(r"<svg\b([^>]*)>", svg)
    if not open_tag:
        return svg
    attributes = Markup(open_tag.group(1))  # matplotlib's own attributes, kept as they are
    named = call("svg/fragments.svg.j2", "labelled", attributes, title, desc)
    return svg[: open_tag.start()] + named + svg[open_tag.end() :]


def render_statics(chart) -> dict[str, bytes]:
    """Every static rendering from one figure: {'svg', 'pdf', 'png', '@2x.png'} -> bytes."""
    with mpl_style(chart.theme):
        fig = chart.figure()
        return {
            ".svg": _save(chart, fig, "svg", 1),
            ".pdf": _save(chart, fig, "pdf", 1),
            ".png": _save(chart, fig, "png", 1),
            "@2x.png": _save(chart, fig, "png", 2),
        }


def _save(chart, fig, fmt: str, scale: int) -> bytes:
    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(
            buf, format="svg", metadata={"Date": None, "Title": chart.title, "Description": chart.alt_text}
        )
        return svg_with_alt(buf.getvalue().decode("utf-8"), chart.title, chart.alt_text).encode("utf-8")
    if fmt == "pdf":
        fig.savefig(
            buf,
            format="pdf",
            metadata={
                "CreationDate": None,
                "ModDate": None,
                "Title": chart.title,
                "Subject": chart.alt_text,
                "Creator": "taxfirewall",
                "Producer": "taxfirewall",
            },
        )
        return buf.getvalue()
    if fmt == "png":
        fig.savefig(
            buf,
            format="png",
            dpi=100 * scale,
            metadata={"Title": chart.title, "Description": chart.alt_text, "Software": "taxfirewall"},
        )
        return buf.getvalue()
    raise ValueError(f"unknown format '{fmt}' (expected svg, pdf or png)")


@dataclass
class ExportResult:
    chart: str
    folder: Path
    files: list[Path]


def page_specs(charts: dict, default_theme: str) -> dict:
    """What a chart page carries: the default theme's article spec whole; each width of the
    default theme as its difference from that spec, and each other theme as its difference
    from the default theme at the same width (:mod:`taxfirewall.layouts`). Encodings,
    tooltip tables and, across themes, all data repeat, so this is a fraction of the bytes
    of eight whole specs."""
    base = charts[(default_theme, ARTICLE_WIDTH)]
    layouts = {default_theme: {str(w): diff(base, charts[(default_theme, w)]) for w in BREAKPOINTS}}
    for theme in THEMES:
        if theme != default_theme:
            layouts[theme] = {
                str(w): diff(charts[(default_theme, w)], charts[(theme, w)]) for w in BREAKPOINTS
            }
    return {"theme": default_theme, "spec": base, "layouts": layouts}


def page_spec_at(carried: dict, theme: str, width: int) -> dict:
    """The spec a chart page draws for ``theme`` at ``width`` (the twin of its script)."""
    spec = patch(carried["spec"], carried["layouts"][carried["theme"]][str(width)])
    return spec if theme == carried["theme"] else patch(spec, carried["layouts"][theme][str(width)])


def _page(slug: str, charts: dict, default_theme: str, alt: str, title: str, editions=()) -> str:
    """The standalone chart page (see module docstring), in the current language, linking
    the chart's page in each of ``editions`` (other languages)."""
    return render(
        "chart_page.html.j2",
        slug=slug,
        alternates=[{"lang": lang, "href": _edition_href(slug, lang)} for lang in editions],
        title=title,
        alt=alt,
        default_theme=default_theme,
        specs_json=json_for_script(page_specs(charts, default_theme)),
        options_json=json_for_script(EMBED_OPTIONS),
        breakpoints_json=json_for_script(list(BREAKPOINTS)),
        runtime=f"{_up()}{STATIC_DIR}/{bundle_name()}",
        backgrounds={name: get_theme(name).background for name in THEMES},
        texts={name: get_theme(name).text for name in THEMES},
    )


def _embed_snippet(slug: str, base_url: str, default_theme: str, alt: str, title: str, height: int) -> str:
    return render(
        "embed.html.j2", slug=slug, base=base_url, theme=default_theme, alt=alt, title=title, height=height
    )


def _up() -> str:
    """From a chart's folder to the export root: another language's charts are one deeper."""
    return "../" if i18n.current() == i18n.DEFAULT else "../../"


def _edition_href(slug: str, lang: str) -> str:
    """From this chart's page to its page in ``lang``."""
    return f"{_up()}{'' if lang == i18n.DEFAULT else lang + '/'}{slug}/index.html"


def editions(folder: Path, lang: str) -> list[str]:
    """The other languages the incident's charts can be exported in: English always, another
    when every text is translated into it (so a link never depends on what was exported)."""
    from .translations import missing

    return [
        other
        for other in i18n.LANGS
        if other != lang and (other == i18n.DEFAULT or not missing(folder, other))
    ]


def charts_folder(out: str | Path, lang: str = i18n.DEFAULT) -> Path:
    """Where the charts in ``lang`` go: ``out`` for English, ``out/<lang>`` for another."""
    return Path(out) if i18n.check(lang) == i18n.DEFAULT else Path(out) / lang


_FORKED_INCIDENT: tuple[str, Incident] | None = None  # (language, incident) set before forking


def _theme_part(
    folder: str, slug: str, theme: str, out: str, options: dict, lang: str = i18n.DEFAULT
) -> tuple[dict, list[str]]:
    """One chart in one theme, in ``lang``: the specs at every breakpoint and the static files.

    Runs in a forked worker, which inherits the parent's imports and loaded incident, so
    a worker starts in milliseconds instead of re-importing altair and matplotlib.
    """
    with i18n.use(lang):  # set here: a worker does not share the parent's context
        return _theme_specs(folder, slug, theme, out, options)


def _theme_specs(folder: str, slug: str, theme: str, out: str, options: dict) -> tuple[dict, list[str]]:
    forked = _FORKED_INCIDENT
    incident = (
        forked[1]
        if forked is not None and forked[0] == i18n.current() and str(forked[1].folder) == folder
        else load_incident(folder)  # in the current language
    )
    factory = CHARTS[slug]
    specs, written = {}, []
    suffix = "" if theme == "light" else "-dark"
    for width in BREAKPOINTS:
        chart = factory(incident, theme=theme, width=width, **options)
        specs[width] = chart.vegalite()  # validated against the Vega-Lite schema by the tests
        if width != ARTICLE_WIDTH:
            continue
        target = Path(out) / slug
        files = {
            f"{slug}{suffix}.vl.json": json.dumps(specs[width], indent=2, sort_keys=True, ensure_ascii=False)
            + "\n"
        }
        files.update({f"{slug}{suffix}{ext}": content for ext, content in render_statics(chart).items()})
        for name, content in files.items():
            written.append(str(write_atomic(target / name, content)))
    return specs, written


def _finish_chart(
    incident: Incident,
    slug: str,
    out: Path,
    specs: dict,
    files: list[Path],
    default_theme: str,
    base_url: str,
    options: dict,
    other_langs: list[str],
) -> ExportResult:
    """The theme-independent files: alt text, data, page (linking the chart's page in
    ``other_langs``) and embed snippet."""
    folder = out / slug
    main = CHARTS[slug](incident, theme=default_theme, width=ARTICLE_WIDTH, **options)

    def put(name: str, content) -> None:
        files.append(write_atomic(folder / name, content))

    put("alt.txt", main.alt_text + "\n")
    put("data.csv", main.data.to_csv(index=False, lineterminator="\n"))
    put("index.html", _page(slug, specs, default_theme, main.alt_text, main.title, other_langs))
    height = int(round(main.figure().get_figheight() * 100))
    put("embed.html", _embed_snippet(slug, base_url, default_theme, main.alt_text, main.title, height))
    return ExportResult(slug, folder, sorted(files))


def export_all(
    data: str | Path | Incident | None = None,
    out: str | Path = "reports/charts",
    *,
    default_theme: str = "light",
    base_url: str = "",
    charts=None,
    jobs: int | None = None,
    options: dict | None = None,
    lang: str = i18n.DEFAULT,
) -> list[ExportResult]:
    """Export every chart (or those named) for the incident in ``lang``, into
    :func:`charts_folder` (``data`` given as an Incident must be loaded in ``lang``); returns
    what was written. Raises DataError, writing nothing, when a text has no translation.

    Each (chart, theme) pair renders in its own worker process, ``jobs`` at a time
    (default: one per core); output bytes do not depend on the order they finish in.
    """
    get_theme(default_theme)  # fail early on a bad name
    names = list(charts or CHARTS)
    unknown = [n for n in names if n not in CHARTS]
    if unknown:
        raise ValueError(f"unknown chart(s) {', '.join(unknown)} (expected one of: {', '.join(CHARTS)})")
    with i18n.use(lang):
        incident = data if isinstance(data, Incident) else load_edition(data, lang)
        write_atomic(Path(out) / STATIC_DIR / bundle_name(), vega_bundle())
        target, options = charts_folder(out, lang), options or {}
        tasks = [
            (str(incident.folder), slug, theme, str(target), options.get(slug, {}), lang)
            for slug in names
            for theme in THEMES
        ]
        parts = _render_parts(tasks, incident, jobs)
        other_langs, results = editions(incident.folder, lang), []
        for slug in names:
            specs, files = {}, []
            for task, (theme_specs, written) in zip(tasks, parts):
                if task[1] == slug:
                    specs.update({(task[2], w): spec for w, spec in theme_specs.items()})
                    files += [Path(p) for p in written]
            results.append(
                _finish_chart(
                    incident,
                    slug,
                    target,
                    specs,
                    files,
                    default_theme,
                    base_url,
                    options.get(slug, {}),
                    other_langs,
                )
            )
    return results


def load_edition(data: str | Path | None, lang: str) -> Incident:
    """The incident in ``lang``; DataError listing each text without a translation (the
    load itself checks them)."""
    from .paths import DEFAULT_INCIDENT

    folder = Path(data) if data is not None else DEFAULT_INCIDENT
    with i18n.use(lang):
        return load_incident(folder)  # in the current language


def _render_parts(tasks: list[tuple], incident: Incident, jobs: int | None) -> list:
    """Run :func:`_theme_part` for each task, in forked workers when ``jobs`` > 1."""
    import os

    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1:
        return [_theme_part(*task) for task in tasks]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _FORKED_INCIDENT
    _FORKED_INCIDENT = (i18n.current(), incident)
    try:
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(tasks)), mp_context=multiprocessing.get_context("fork")
        ) as pool:
            return list(pool.map(_theme_part, *zip(*tasks)))
    finally:
        _FORKED_INCIDENT = None
