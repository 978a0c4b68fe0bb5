"""What a build says about each report: how its run ended, and how its page stands."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .plan import RuntimeRecord


class Status(enum.Enum):
    """How a report's run in this build ended (the values are the words printed)."""

    BUILT = "built"
    FAILED = "failed"
    SKIPPED = "skipped (unchanged)"
    CANCELLED = "cancelled"

    @property
    def timed(self) -> bool:
        """True when a kernel ran to an end, so the report's seconds mean something."""
        return self in (Status.BUILT, Status.FAILED)


class PageStatus(enum.Enum):
    """How a report's page stands against its inputs (the index's badge; the values are
    the keys the index template words)."""

    CURRENT = "current"  # built from the inputs as they are
    STALE = "stale"  # these inputs failed to build: the previous page is shown
    FAILED = "failed"  # these inputs failed to build and there is no page
    OUTDATED = "outdated"  # inputs changed since the page was built (not rebuilt yet)
    MISSING = "missing"  # never built


@dataclass(frozen=True)
class Result:
    """One report's outcome in this build."""

    slug: str
    status: Status
    seconds: float = 0.0
    message: str = ""  # why it failed
    size: int = 0  # bytes of the page written
    thumb: str | None = None  # key of the thumbnail written or kept


@dataclass(frozen=True)
class Run:
    """How the runs of the reports that needed one ended."""

    finished: tuple[Result, ...] = ()  # the reports whose run ended, in the order they ended
    interrupted: bool = False  # Ctrl-C: the others were cancelled
    runtime: RuntimeRecord | None = None  # the shared runtime file the pages load, if written
