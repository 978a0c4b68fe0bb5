"""A checked story as the pieces a notebook displays in order: the desk's prose as HTML,
and the charts and tables where the prose places them. An incident with no story file gets
the generated summary (:mod:`taxfirewall.story`) and a note for the desk."""

from __future__ import annotations

from dataclasses import dataclass

from .. import story
from ..backmatter import corrections_html
from ..data import Incident
from ..errors import DataError
from ..i18n import _
from ..templating import call
from .check import alone, check_story, story_file
from .refs import placement
from .syntax import Document, markdown


@dataclass(frozen=True)
class Html:
    """A piece of the page, displayed as HTML (JupyterLab and the report alike)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


@dataclass(frozen=True)
class DeskNote:
    """A message for the desk: a notebook shows it on stderr, which a report leaves out."""

    text: str


def _table(incident: Incident, name: str) -> Html:
    make = {
        "figures": story.figures_table_html,
        "events": story.events_table_html,
        "verification": story.verification_html,
        "corrections": lambda i: corrections_html(i, heading=None),
    }[name]
    return Html(make(incident))


def _prose(chunk, env) -> Html | None:
    md = markdown()
    html = md.renderer.render(chunk, md.options, env)
    return Html(call("story/fragments.html.j2", "prose", html)) if html.strip() else None


def story_parts(incident: Incident, doc: Document, charts: dict) -> list:
    """The story's pieces in order: prose between placements, each placement a chart
    (from ``charts``, by name) or a table of the incident. ``doc`` is checked
    (:func:`check_story`), which filled in each reference's text."""
    whole, parts, chunk, env = alone(doc), [], [], {}
    tokens, i = doc.tokens, 0
    while i < len(tokens):
        kids = tokens[i + 1].children if tokens[i].type == "paragraph_open" and i + 1 < len(tokens) else None
        ref = next((k for k in kids or [] if id(k) in whole), None)
        if ref is None:
            chunk.append(tokens[i])
            i += 1
            continue
        parts += [p for p in [_prose(chunk, env)] if p]
        chunk = []
        place = placement(ref.content)
        parts.append(charts[place.name] if place.kind == "chart" else _table(incident, place.name))
        i += 3  # paragraph_open, inline, paragraph_close
    return parts + [p for p in [_prose(chunk, env)] if p]


def summary_parts(incident: Incident, charts: dict) -> list:
    """The generated summary, for an incident whose desk has not written a story yet."""
    verification_intro = _(
        "Court records confirm a value or an event; anonymous sources and claims no public "
        "source corroborates are reported as claims, never as fact."
    )
    figures_intro = _(
        "All values any source reported, conflicts included, with the preferred one and the "
        "reason it is preferred."
    )
    return [
        DeskNote(
            _(
                "No {file} in {folder}/: this page shows the generated summary. Write the story "
                "in Markdown with live references (see data/README.md, 'Writing the story').",
                file=story_file(),
                folder=incident.folder.name,
            )
        ),
        Html(story.narrative_html(incident)),
        *charts.values(),
        Html(story.heading_html(_("What is confirmed, and what is not"))),
        Html(call("story/fragments.html.j2", "paragraphs", [verification_intro])),
        _table(incident, "verification"),
        Html(story.heading_html(_("Every figure, every reported value"))),
        Html(call("story/fragments.html.j2", "paragraphs", [figures_intro])),
        _table(incident, "figures"),
        Html(story.corrections_html(incident)),
    ]


def parts(incident: Incident, charts: dict) -> list:
    """The story report's pieces in the current language: the desk's story of that language
    when the incident has one (``story.md``, ``story.es.md``; raises DataError listing its
    problems when it does not check), else the generated summary, never another edition's
    story."""
    checked = check_story(incident)
    if checked is None:
        return summary_parts(incident, charts)
    if checked.problems:
        raise DataError(checked.problems, str(incident.folder))
    return story_parts(incident, checked.document, charts)
