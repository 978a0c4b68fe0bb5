"""Turn an executed notebook into a report page, and the reports into an index page.

The page is ``templates/report/page.html.j2``, rendered by the package's one Jinja environment
(:mod:`taxfirewall.templating`, markdown and terminal text through nbconvert's public filters):
code hidden, no prompts, no require.js, no MathJax, nothing from a CDN.
A Vega-Lite output becomes a ``<figure>`` holding the spec as JSON and its alt text; one
loader draws every chart with the vendored vega runtime (:mod:`taxfirewall.vendor`), either
shared by all reports (``_static/<bundle_name()>``, the default) or inlined into each page.

Everything on the page is a function of the notebook's outputs and the dataset: element ids
come from cell and output positions, the footer names the dataset's sha256 and the package
version, never a time.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import __version__, i18n, templating
from .i18n import N_, _
from .layouts import LAYOUTS_MIME, page_chart
from .notebook import VEGALITE_MIME
from .tablestyle import without_notebook_css

HIDE_TAG = "report-hide"  # cells for the notebook reader only (titles, intros)
DATA_PRIORITY = [  # an output is shown as the first of these types it has
    VEGALITE_MIME,
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/plain",
]


@dataclass(frozen=True)
class Runtime:
    """Where pages get the vega runtime: a shared file (``src`` relative to the page) or
    inlined (``src`` None)."""

    src: str | None = None

    @property
    def shared(self) -> bool:
        return self.src is not None


def shared_runtime(out: Path) -> Runtime:
    """Write ``out/_static/<bundle_name()>`` if it is missing; pages refer to it relatively."""
    from .output import write_atomic
    from .vendor import bundle_name, vega_bundle

    name = bundle_name()
    path = out / "_static" / name
    if not path.is_file():
        write_atomic(path, vega_bundle())
    return Runtime(src=f"_static/{name}")


# --------------------------------------------------------------------------- chart outputs


def script_json(value) -> str:
    """JSON safe inside a <script> element, by the one escaper chart pages use too."""
    from .output import json_for_script

    return json_for_script(value, sort_keys=False)


def chart_alt(spec: dict) -> str:
    """The chart's alt text: its description, else its title, else a generic label."""
    if spec.get("description"):
        return str(spec["description"])
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return _("Chart: {title}", title=title) if title else _("Chart (no description given)")


def markdown_source(source) -> str:
    """A markdown cell's text in the current language: the notebooks are written in
    English and each cell's whole text (stripped) is a message of ``locales/<lang>/notebooks.po``;
    a cell with no translation stays as written."""
    source = "".join(source) if isinstance(source, list) else str(source)
    if i18n.current() == "en" or not source.strip():
        return source
    translated = i18n.translations(i18n.current()).gettext(source.strip())
    return source if translated == source.strip() else translated


_INDENT = re.compile(r"\n[ \t]+")
_PANDAS_STYLE = re.compile(r"<style scoped>.*?</style>\s*", re.S)


def prepare(nb):
    """A copy of ``nb`` ready for the template: reader-hidden cells dropped, each Vega-Lite
    output annotated with a deterministic id, its alt text and its escaped spec (with its
    narrower layouts as differences, :mod:`taxfirewall.layouts`), pandas
    tables without their notebook styles and pretty-printing indentation."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if HIDE_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            cell.source = markdown_source(cell.source)
    tables = 0
    for ci, cell in enumerate(nb.cells):
        for oi, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            html = data.get("text/html")
            if isinstance(html, list):
                html = "".join(html)
            if isinstance(html, str):  # the story tables' notebook CSS: the page styles them
                data["text/html"] = html = without_notebook_css(html)
            if isinstance(html, str) and 'class="dataframe"' in html:
                # the page's CSS styles tables; pandas' notebook <style scoped> and border="1"
                # are not valid HTML in a page body
                html = _PANDAS_STYLE.sub("", html).replace(
                    '<table border="1" class="dataframe">', '<table class="dataframe">'
                )
                data["text/html"] = _INDENT.sub("\n", html).replace("<th></th>", "<td></td>")
                tables += 1  # each table is a scroll region, reachable by keyboard, with its own name
                output.setdefault("metadata", {})["tf_table"] = _("Data table {n}", n=tables)
            spec = data.get(VEGALITE_MIME)
            if isinstance(spec, dict):
                data[VEGALITE_MIME] = spec = page_spec(spec)
                output.setdefault("metadata", {})["tf_chart"] = {
                    "id": f"chart-{ci}-{oi}",
                    "alt": chart_alt(spec),
                    "spec_json": script_json(page_chart(spec, data.get(LAYOUTS_MIME))),
                }
    return nb


def page_spec(spec: dict) -> dict:
    """A notebook's chart as a page draws it: a notebook's spec names the Vega-Lite JupyterLab
    draws with (:func:`taxfirewall.charts.render.vega.notebook_renderer`), a page's the
    vendored runtime's, altair's own (the same spec otherwise)."""
    from .charts.render.vega import SCHEMA

    return {**spec, "$schema": SCHEMA} if "$schema" in spec else spec


def ready() -> None:
    """Import and compile what rendering a page needs, before the first page is rendered
    (a build does it while its first kernels start)."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer  # noqa: F401

    env = templating.environment()
    for name in env.list_templates(filter_func=lambda name: name.startswith("report/")):
        env.get_template(name)


def chart_specs(nb) -> list[dict]:
    """Every Vega-Lite spec in the notebook's outputs, in order, as a page draws it."""
    return [
        page_spec(o["data"][VEGALITE_MIME])
        for c in nb.get("cells", [])
        for o in c.get("outputs", [])
        if isinstance(o.get("data", {}).get(VEGALITE_MIME), dict)
    ]


# --------------------------------------------------------------------------- the page


def _colours(theme: str) -> dict[str, str]:
    from .theme import get_theme

    t = get_theme(theme)
    return {
        "bg": t.background,
        "text": t.text,
        "muted": t.muted,
        "grid": t.grid,
        "link": t.ink,
        "accent": t.accent,
        "panel": t.grid + "55",
    }


def _parameters_line(parameters: dict) -> str:
    shown = {k: v for k, v in parameters.items() if k != "title"}
    return ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in sorted(shown.items()))


def _outputs(nb):
    return [o for c in nb.cells for o in c.get("outputs", [])]


_DATASET_VALUES = [  # what a page about a dataset adds ("" on a page about none)
    "kicker",
    "credit",
    "as_of",
    "dataset",
    "fingerprint",
    "sources_html",
    "methodology_html",
    "corrections_html",
]


def _dataset_values(incident, as_of: str | None, body_has_corrections: bool) -> dict:
    """The masthead and back matter a page about ``incident`` carries (a notebook about no
    dataset gets none)."""
    from . import backmatter, story

    if incident is None:
        return dict.fromkeys(_DATASET_VALUES, "")
    return {
        "kicker": story.title(incident),
        "credit": story.credit(incident),
        "as_of": story.as_of(incident, as_of),
        "dataset": incident.folder.name,
        "fingerprint": incident.fingerprint,
        "sources_html": backmatter.sources_html(incident),
        "methodology_html": backmatter.methodology_html(incident),
        "corrections_html": ""
        if body_has_corrections
        else without_notebook_css(backmatter.corrections_html(incident)),
    }


# a link to another edition, in that edition's own language ("Leer en español" on an English page)
EDITION_LINK = N_("Read in English")


def edition_links(alternates: list[dict] | None) -> list[dict]:
    """The page's other editions as ``{"lang", "href", "text"}``: ``text`` is written in
    ``lang``, so a reader of that language recognises the link."""
    links = []
    for alt in alternates or []:
        with i18n.use(i18n.check(alt["lang"])):
            text = _(EDITION_LINK)
        links.append({"lang": alt["lang"], "href": str(alt["href"]), "text": text})
    return links


def render(
    nb,
    *,
    title: str,
    dek: str,
    incident,
    theme: str,
    notebook: str,
    parameters: dict,
    runtime: Runtime,
    inline_js: str | None = None,
    alternates: list[dict] | None = None,
) -> str:
    """The report page for an executed notebook (a NotebookNode) of ``incident`` (an
    Incident, or None for a notebook that reads no dataset), in the current language. The
    vega runtime is the shared file, or ``inline_js`` (default: the vendored bundle) inlined
    into the page. ``alternates``: the report's other editions, ``[{"lang": "es", "href":
    "story-light-es.html"}]`` (linked from the head and the masthead)."""
    from .vendor import EMBED_OPTIONS, vega_bundle

    prepared = prepare(nb)
    outputs = _outputs(prepared)
    has_charts = any("tf_chart" in o.get("metadata", {}) for o in outputs)
    body_has_corrections = any(
        'data-tf-section="corrections"' in str(o.get("data", {}).get("text/html", "")) for o in outputs
    )
    runtime_js = ""
    if has_charts and not runtime.shared:  # a script's text ends at its first "</script"
        runtime_js = (vega_bundle() if inline_js is None else inline_js).replace("</script", "<\\/script")
    tf = {
        "title": title,
        "dek": dek,
        "theme": theme,
        "colours": _colours(theme),
        "version": __version__,
        "notebook": notebook,
        "parameters": _parameters_line(parameters),
        "has_charts": has_charts,
        "embed_options": script_json(EMBED_OPTIONS),
        "runtime_src": runtime.src,
        "runtime_js": runtime_js,
        "alternates": edition_links(alternates),
        **_dataset_values(incident, parameters.get("as_of"), body_has_corrections),
    }
    return templating.render("report/page.html.j2", tf=tf, nb=prepared, priority=DATA_PRIORITY)


# --------------------------------------------------------------------------- thumbnails


def thumbnail_key(nb) -> str | None:
    """Identity of the thumbnail :func:`thumbnail_svg` would draw (its spec's sha256)."""
    specs = chart_specs(nb)
    if not specs:
        return None
    return hashlib.sha256(json.dumps(specs[0], sort_keys=True).encode()).hexdigest()


def thumbnail_svg(nb) -> str | None:
    """A static SVG of the notebook's first chart (vl-convert, deterministic), or None."""
    specs = chart_specs(nb)
    if not specs:
        return None
    import vl_convert

    spec = specs[0]
    m = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    version = f"{m.group(1)}.{m.group(2)}" if m else None
    try:
        return (
            vl_convert.vegalite_to_svg(spec, vl_version=version)
            if version
            else vl_convert.vegalite_to_svg(spec)
        )
    except Exception:  # a thumbnail is decoration: a card stands in
        return None


def card_svg(title: str, theme: str = "light") -> str:
    """A plain generated card for a report without a chart thumbnail."""
    return templating.call("svg/fragments.svg.j2", "card", title[:28], _colours(theme))


# --------------------------------------------------------------------------- the index

STATUS_TEXT = {
    "current": N_("up to date"),
    "stale": N_("out of date: last build failed, showing the previous version"),
    "outdated": N_("out of date: inputs changed since it was built"),
    "failed": N_("failed: no version built yet"),
    "missing": N_("not built yet"),
}
INDEX_TITLE = N_("taxfirewall reports")


def editions(entries: list[dict]) -> list[dict]:
    """The entries grouped by language as ``{"lang", "name", "entries"}``: the page's
    language first, then the others in :data:`taxfirewall.i18n.LANGS` order."""
    here = i18n.current()
    order = [here] + [lang for lang in i18n.LANGS if lang != here]
    groups = [
        {"lang": lang, "name": i18n.NAMES[lang], "entries": [e for e in entries if e["lang"] == lang]}
        for lang in order
    ]
    return [g for g in groups if g["entries"]] or groups[:1]


def render_index(
    entries: list[dict], *, title: str | None = None, version: str, alternates: list[dict] | None = None
) -> str:
    """The index page, in the current language. ``entries``: dicts with slug, title, dek,
    status, href, thumb (a relative path) or card (inline SVG), and lang (the report's
    language, default "en"). ``title``: default "taxfirewall reports" in the current
    language. ``alternates``: the index in other languages, as for :func:`render`."""
    for e in entries:
        e.setdefault("lang", i18n.DEFAULT)
        i18n.check(e["lang"])
        status = STATUS_TEXT.get(e["status"])
        e.setdefault("status_text", _(status) if status else e["status"])
    return templating.render(
        "index.html.j2",
        editions=editions(entries),
        # the build names the index in English: the default title is written in the page's language
        title=_(INDEX_TITLE) if title in (None, INDEX_TITLE) else title,
        version=version,
        colours=_colours("light"),
        alternates=edition_links(alternates),
    )
