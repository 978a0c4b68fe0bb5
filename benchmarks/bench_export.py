"""Time `taxfirewall export` (both charts, every format, both themes) in one run.

Prints the median of three runs with the default worker count and with one worker, and
their ratio: the parallel speed-up on this machine. Target: under 10 s on 2 cores.
Run: `make bench` or `.venv/bin/python benchmarks/bench_export.py`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from taxfirewall.export import export_all


def timed(jobs: int | None) -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        export_all(None, Path(out), jobs=jobs)
        return time.perf_counter() - started


def main() -> None:
    timed(None)  # warm caches (imports, the vendored runtime)
    parallel = statistics.median(timed(None) for _ in range(3))
    serial = statistics.median(timed(1) for _ in range(3))
    print(f"export, default jobs: {parallel:.1f} s (median of 3)")
    print(f"export, one job:      {serial:.1f} s (median of 3)")
    print(f"speed-up: {serial / parallel:.2f}x; target under 10 s: {'met' if parallel < 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
