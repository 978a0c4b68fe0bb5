"""The desk's story: ``data/<incident>/story.md`` (English) or ``story.<lang>.md`` (another
edition: ``story.es.md``), Markdown in which every figure, date and count is a
``{{ reference }}`` filled in from the dataset (the syntax is documented in data/README.md,
"Writing the story").

- :func:`check_story` reads and checks the story of one language before any kernel starts
  (errors and typed-number warnings at ``story.md:line:column``); ``taxfirewall validate``
  and the build's pre-flight call it for each language they write.
- :func:`parts` gives the pieces a notebook displays in order; :func:`show` displays them.
"""

from __future__ import annotations

from .check import STORY_FILE, StoryCheck, check_story, story_file, story_path
from .refs import RefError, resolve
from .render import DeskNote, Html, parts


def show(incident, charts: dict) -> None:
    """Display the story (or the generated summary) in a notebook: re-running the cell
    re-reads the story file, so an edit shows at once. A note for the desk goes to stderr,
    which JupyterLab shows and a report leaves out."""
    import sys

    from IPython.display import display

    for part in parts(incident, charts):
        if isinstance(part, DeskNote):
            print(part.text, file=sys.stderr)
        else:
            display(part)


__all__ = [
    "STORY_FILE",
    "DeskNote",
    "Html",
    "RefError",
    "StoryCheck",
    "check_story",
    "parts",
    "resolve",
    "show",
    "story_file",
    "story_path",
]
