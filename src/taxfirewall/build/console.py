"""What ``taxfirewall build`` prints: a line per report as it ends, then a table of them all,
then, on the error stream, what failed and what was kept."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from .results import Result, Status


class Console:
    def __init__(self, stdout=None, stderr=None):
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr

    def say(self, text: str = "", *, err: bool = False) -> None:
        print(text, file=self.stderr if err else self.stdout, flush=True)

    def skipped(self, slug: str) -> None:
        self.say(f"{slug}: {Status.SKIPPED.value}")

    def progress(self, done: int, total: int, r: Result) -> None:
        """'[2/8] funnel-log: built in 9.3 s (61 KB)'."""
        self.say(
            f"[{done}/{total}] {r.slug}: {r.status.value} in {r.seconds:.1f} s"
            + (f" ({r.size / 1024:.0f} KB)" if r.size else "")
            + (f": {r.message}" if r.message else "")
        )

    def summary(
        self,
        results: list[Result],
        seconds: float,
        *,
        copies: Path | None,
        unwritten: list[str],
        interrupted: bool,
    ) -> None:
        """The table, then each failure (``copies``: the folder holding failed runs'
        notebooks, if any), each file not updated and whether Ctrl-C stopped the build."""
        self.say()
        self.say(table(results, seconds))
        failed = [r for r in results if r.status is Status.FAILED]
        for r in failed:
            self.say(f"FAILED {r.slug}: {r.message}", err=True)
        if failed:
            self.say(
                f"{len(failed)} report(s) failed; their last good pages were kept"
                + (f", executed copies are in {copies}" if copies else ""),
                err=True,
            )
        for problem in unwritten:
            self.say(f"index or build state not updated: {problem}", err=True)
        if interrupted:
            self.say(
                "interrupted: kernels stopped; reports already written are complete, the others were left as they were",
                err=True,
            )


def write_problem(exc: OSError) -> str:
    """'could not write /out/x.html: No space left on device' (one line, no traceback)."""
    where = f" {exc.filename}" if exc.filename else ""
    return f"could not write{where}: {exc.strerror or exc}"


def table(results: list[Result], seconds: float) -> str:
    """Each report's status and seconds, and the counts of each status."""
    width = max([len("report")] + [len(r.slug) for r in results])
    lines = [f"{'report':<{width}}  {'status':<20}  {'seconds':>7}", f"{'-' * width}  {'-' * 20}  {'-' * 7}"]
    for r in results:
        secs = f"{r.seconds:7.1f}" if r.status.timed else f"{'':>7}"
        lines.append(f"{r.slug:<{width}}  {r.status.value:<20}  {secs}")
    counts = Counter(r.status.value for r in results)  # in order of first appearance
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    lines.append(f"{len(results)} report(s): {summary}; {seconds:.1f} s")
    return "\n".join(lines)
