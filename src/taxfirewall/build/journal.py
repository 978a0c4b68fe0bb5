"""The state file, kept true while pages are written, so a build killed at any moment
leaves a state the next build can trust.

Before a report's outputs are replaced its record forgets its good build (and thumbnail),
and the state is saved; once they are all written the record names the new build and the
state is saved again. Killed in between, the next build finds the report with no good
build and runs it again, whatever is on disk. Each save is atomic (written beside, then
renamed), so the state file itself is always whole.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from .plan import BuildState, save_state
from .results import Result


class Journal:
    """The out folder's state as the running build changes it (thread-safe)."""

    def __init__(self, out: Path, state: BuildState, keys: Mapping[str, str]):
        self._lock = threading.Lock()
        self._out, self._keys = out, keys
        self.state = state

    def begin(self, slug: str) -> None:
        """Before the first output of ``slug`` is replaced (raises OSError when the state
        cannot be saved: then nothing of the report is written)."""
        with self._lock:
            record = self.state.record(slug)
            if record.good is None and record.thumb is None:
                return
            self.state = self.state.with_record(slug, replace(record, good=None, thumb=None))
            save_state(self._out, self.state)

    def done(self, result: Result) -> None:
        """Once every output of the report is written. A state file that cannot be saved
        is left to the end of the build, which saves it again and says so."""
        with self._lock, contextlib.suppress(OSError):
            record = self.state.record(result.slug).after(self._keys[result.slug], result)
            self.state = self.state.with_record(result.slug, record)
            save_state(self._out, self.state)
