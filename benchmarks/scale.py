"""Time the build of many generated variants of one report, locally and on Dask.

Writes a temporary reports.toml holding one [[matrix]] over notebooks/02_funnel.ipynb:
theme x funnel_scale x as_of (as many as_of dates as it takes to reach N reports, so N is
rounded up to a multiple of 6), then times, each into a fresh temporary out folder:

(a) ``taxfirewall build --jobs 1``;
(b) ``taxfirewall build --jobs 2``;
(c) ``taxfirewall build --executor dask`` on a LocalCluster of 2 worker processes (started
    by the build, so its start-up counts; its kernels start fresh, not forked).

For each it prints the wall time, the seconds per report and the peak memory: the largest
sum of resident memory over the build's process tree (the build, its fork server, kernels
and Dask workers), sampled every 0.1 s with psutil, and the largest single process
(``getrusage``). A 200-report run takes the better part of an hour on 2 cores.

    .venv/bin/python benchmarks/scale.py [-n 200] [--skip dask]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
TAXFIREWALL = str(Path(sys.executable).parent / "taxfirewall")
RUNS = {
    "jobs 1": ["--jobs", "1"],
    "jobs 2": ["--jobs", "2"],
    "dask": ["--executor", "dask", "--jobs", "2"],
}


def manifest(n: int, folder: Path) -> tuple[Path, int]:
    """A reports.toml of one matrix of at least ``n`` reports; its path and report count."""
    dates = -(-n // 6)
    first = dt.date(2026, 1, 1)
    as_of = [(first + dt.timedelta(days=i)).isoformat() for i in range(dates)]
    text = f"""[[matrix]]
slug = "funnel-{{theme}}-{{funnel_scale}}-{{as_of}}"
notebook = "{ROOT / "notebooks" / "02_funnel.ipynb"}"
title = "The funnel ({{funnel_scale}}, {{theme}}, as of {{as_of}})"
dek = "One generated variant."
[matrix.over]
theme = ["light", "dark"]
funnel_scale = ["zoom", "linear", "log"]
as_of = {json.dumps(as_of)}
"""
    path = folder / "reports.toml"
    path.write_text(text, encoding="utf-8")
    return path, dates * 6


def tree_rss(proc: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants (0 for any that just ended)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def timed(args: list[str]) -> tuple[float, int, int]:
    """Run a build; its wall seconds, peak tree RSS and largest process RSS (bytes)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak, done = [0], threading.Event()

    def sample() -> None:
        watched = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                peak[0] = max(peak[0], tree_rss(watched))
            except psutil.Error:
                return
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"build failed ({proc.returncode}): {' '.join(args)}\n{err[-2000:]}")
    # ru_maxrss (KiB on Linux): the largest single process among the children waited for so far
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return wall, peak[0], largest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="reports (rounded up to a multiple of 6)")
    parser.add_argument("--skip", nargs="*", default=[], choices=list(RUNS), help="runs to leave out")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="taxfirewall-scale-") as tmp:
        path, count = manifest(args.n, Path(tmp))
        print(f"{count} reports (02_funnel: theme x funnel_scale x as_of), CPUs: {psutil.cpu_count()}")
        print(f"{'run':<8} {'wall s':>8} {'s/report':>9} {'peak tree MiB':>14} {'largest proc MiB':>17}")
        for name, extra in RUNS.items():
            if name in args.skip:
                continue
            out = Path(tmp) / name.replace(" ", "-")
            wall, peak, largest = timed(
                [TAXFIREWALL, "build", "--manifest", str(path), "--out", str(out), *extra]
            )
            print(
                f"{name:<8} {wall:>8.1f} {wall / count:>9.2f} {peak / 2**20:>14.0f} {largest / 2**20:>17.0f}"
            )


if __name__ == "__main__":
    main()
