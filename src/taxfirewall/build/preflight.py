"""The datasets a build will use, checked and loaded before any kernel starts and before
anything is written.

Each (incident, language) the reports to run read is validated and loaded in that
language, and its story checked in that language (typed numbers are warnings). A Spanish
report also needs every reader-facing text of its incident translated: the build refuses
with the ``file:row:field`` of each text without a Spanish translation. Any problem raises
one :class:`~taxfirewall.errors.DataError` (exit 2) listing them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from ..manifest import Plan

# the cached views a page reads, computed once here before threads share the incident
VIEWS = ("reported_values", "preferred", "funnel", "context", "timeline", "fingerprint")
LANGUAGE = {"en": "English", "es": "Spanish"}  # for the build's messages, which are in English


def editions_used(plans: Iterable[Plan]) -> list[tuple[Path, str]]:
    """Every (incident folder, language) the reports read, in a stable order."""
    return sorted({(p.incident, p.lang) for p in plans if p.incident is not None})


def load_incidents(
    plans: Iterable[Plan], say: Callable[[str], None], loaded: Mapping | None = None
) -> dict[tuple[Path, str], object]:
    """Each edition the reports read, validated, translated and story-checked (raises
    DataError for the first incident with problems); ``loaded`` ones are reused."""
    from .startup import skip_optional_imports

    skip_optional_imports()  # before the datasets (and later papermill) import jsonschema
    out = dict(loaded or {})
    for folder, lang in editions_used(plans):
        if (folder, lang) not in out:
            out[(folder, lang)] = load_edition(folder, lang, say)
    return out


def load_edition(folder: Path, lang: str, say: Callable[[str], None] = print):
    """One incident in ``lang``, ready for the pages (raises DataError)."""
    from .. import i18n
    from ..data import load_incident
    from ..errors import DataError
    from ..prose import check_story

    where = str(folder) if lang == i18n.DEFAULT else f"{folder} ({LANGUAGE[lang]} edition)"
    with i18n.use(lang):  # the dataset's texts and the story's references in the edition's language
        try:  # loading in a language lists every untranslated text file:row:field
            incident = load_incident(folder)  # in the current language
        except DataError as exc:
            raise DataError(exc.problems, where) from None
        story = check_story(incident)
    if story and story.problems:
        raise DataError(story.problems, where)
    for warning in story.warnings if story else []:
        say(f"warning: {warning}")
    for view in VIEWS:  # the cached views, computed once before the pages' threads share them
        getattr(incident, view)
    return incident
