"""Time the report build, on the reports in reports.toml (`make bench`).

(a) the loop a user would script: for each report, the papermill CLI, then
    `jupyter nbconvert --to html --no-input`, one after the other (into a temp dir);
(b) `taxfirewall build --force` with the default number of jobs (into a temp out dir),
    its kernels forked by the fork server (the default on Linux);
(f) the same with fresh kernels (`TAXFIREWALL_KERNELS=fresh`);
(c) `taxfirewall build` again with nothing changed.

Each is repeated (default: a twice, b, f and c three times; the first b run also writes the
shared vega runtime into the fresh out dir) and the medians, the ratios, each report's
size, each report's phases (kernel start, execute, render, write) with forked and fresh
kernels and a profile of one report's kernel are printed. Targets: b at least 10x faster
than a, c under 0.3 s.

    .venv/bin/python benchmarks/bench_build.py [--repeat 3] [--baseline-repeat 2] [--only SLUG ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))

from taxfirewall.manifest import check_reports, load_manifest  # noqa: E402


def run(cmd: list[str], **kw) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def baseline(plans, tmp: Path) -> float:
    """papermill CLI then nbconvert CLI, report after report."""
    t = time.perf_counter()
    for p in plans:
        executed = tmp / f"{p.report.slug}.ipynb"
        run(
            [
                str(BIN / "papermill"),
                str(p.report.notebook),
                str(executed),
                "-k",
                "python3",
                "-y",
                json.dumps(p.parameters),
                "--no-progress-bar",
                "--log-level",
                "ERROR",
            ]
        )
        run(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--to",
                "html",
                "--no-input",
                str(executed),
                "--output-dir",
                str(tmp),
            ]
        )
    return time.perf_counter() - t


def build(out: Path, *extra: str, kernels: str = "fork") -> float:
    env = {**os.environ, "TAXFIREWALL_KERNELS": kernels}
    return run([str(BIN / "taxfirewall"), "build", "--out", str(out), *extra], env=env)


def phases(out: Path, slugs: list[str], kernels: str) -> dict[str, dict[str, float]]:
    """Each report's phases as the build records them (``Job.phases``): kernel start (from
    asking for a kernel to its first answer), execute (the notebook, papermill's run), render
    (the page, executed notebook and thumbnail) and write (each file, atomically). A
    ``--force --jobs 1`` build, so no report waits for a CPU."""
    code = r"""
import json, sys
from taxfirewall.build.startup import skip_optional_imports
skip_optional_imports()
from taxfirewall.build import build, pool
seen = {}
one_report = pool._one_report
def recorded(job, shared):
    result = one_report(job, shared)
    seen[job.slug] = dict(job.phases)
    return result
pool._one_report = recorded
out, slugs = sys.argv[1], sys.argv[2:]
build("reports.toml", out, only=slugs, force=True, jobs=1, stdout=open("/dev/null", "w"))
print(json.dumps(seen))
"""
    env = {**os.environ, "TAXFIREWALL_KERNELS": kernels}
    done = subprocess.run(
        [sys.executable, "-c", code, str(out), *slugs], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_phases(out: Path, plans) -> None:
    slugs = [p.report.slug for p in plans]
    got = {mode: phases(out, slugs, mode) for mode in ("fork", "fresh")}
    names = ("kernel start", "execute", "render", "write")
    print("per report, --jobs 1, seconds (fork server | fresh kernel; the first report's kernel")
    print("start includes the fork server's own start):")
    print(f"{'report':<16} " + " ".join(f"{n:^17}" for n in names))
    for slug in slugs:
        cells = [f"{got['fork'][slug].get(n, 0):7.2f} | {got['fresh'][slug].get(n, 0):7.2f}" for n in names]
        print(f"{slug:<16} " + " ".join(f"{c:>17}" for c in cells))
    for n in names:
        fork, fresh = (sum(got[m][s].get(n, 0) for s in slugs) for m in ("fork", "fresh"))
        print(f"  total {n:<13}: fork {fork:6.2f} s, fresh {fresh:6.2f} s")


def kernel_profile() -> list[tuple[str, float]]:
    """Where one report's time goes: a fresh interpreter doing what the story notebook does."""
    code = r"""
import json, time
t0 = time.perf_counter(); laps = []
def lap(name):
    global t0
    t = time.perf_counter(); laps.append((name, t - t0)); t0 = t
import IPython, ipykernel.kernelapp; lap("ipykernel import (kernel start, roughly)")
import pandas; lap("pandas import")
from taxfirewall import load_incident, story; lap("taxfirewall data/story import")
import jsonschema; lap("jsonschema import (its rfc3987-syntax plug-in compiles a grammar; build kernels skip it)")
from taxfirewall.charts import funnel_chart, timeline_chart; lap("chart modules import (matplotlib)")
import altair; lap("altair import (after jsonschema)")
data = load_incident("data/irs-dhs"); lap("load_incident (frictionless validation)")
f = funnel_chart(data); lap("funnel_chart()")
f._repr_mimebundle_(); lap("funnel display (its Vega-Lite spec, article and phone layouts)")
t = timeline_chart(data); lap("timeline_chart()")
t._repr_mimebundle_(); lap("timeline display (its Vega-Lite spec, article and phone layouts)")
story.narrative_html(data); story.figures_table_html(data); lap("story text and tables")
print(json.dumps(laps))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def parent_profile() -> list[tuple[str, float]]:
    code = r"""
import json, time
t0 = time.perf_counter(); laps = []
def lap(name):
    global t0
    t = time.perf_counter(); laps.append((name, t - t0)); t0 = t
import papermill; lap("papermill import (incl. nbformat, jsonschema)")
from taxfirewall.data import load_incident; load_incident("data/irs-dhs"); lap("dataset validation")
import nbconvert; lap("nbconvert import")
print(json.dumps(laps))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def inline_sizes(out: Path, plans) -> dict[str, int]:
    """Each page's size were the runtime inlined (rendered again from the executed notebook)."""
    import nbformat

    from taxfirewall import report
    from taxfirewall.data import load_incident
    from taxfirewall.vendor import vega_bundle

    js = vega_bundle()
    incidents, sizes = {}, {}
    for p in plans:
        nb = nbformat.read(p.report.outputs(out)["executed"], as_version=4)
        inc = incidents.setdefault(p.incident, load_incident(p.incident))
        html = report.render(
            nb,
            title=p.report.title,
            dek=p.report.dek,
            incident=inc,
            theme=p.theme,
            notebook=p.report.notebook_label,
            parameters=p.parameters,
            runtime=report.Runtime(src=None),
            inline_js=js,
        )
        sizes[p.report.slug] = len(html.encode())
    return sizes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="runs of (b) and (c) (default 3)")
    ap.add_argument("--baseline-repeat", type=int, default=2, help="runs of (a) (default 2; it is slow)")
    ap.add_argument("--only", nargs="+", metavar="SLUG", help="time only these reports")
    args = ap.parse_args()

    manifest = load_manifest(ROOT / "reports.toml")
    with tempfile.TemporaryDirectory(prefix="tf-bench-") as tmp:
        tmp = Path(tmp)
        out = tmp / "reports"
        plans = [p for p in check_reports(manifest, out) if not args.only or p.report.slug in args.only]
        extra = ["--only", *[p.report.slug for p in plans]] if args.only else []
        print(f"{len(plans)} reports, {os.cpu_count()} CPUs, default jobs = {os.cpu_count()}")

        times = {"a": [], "b": [], "f": [], "c": []}
        for i in range(args.baseline_repeat):
            d = tmp / f"baseline-{i}"
            d.mkdir()
            times["a"].append(baseline(plans, d))
            print(f"  (a) papermill + nbconvert loop, run {i + 1}: {times['a'][-1]:6.1f} s", flush=True)
        for i in range(args.repeat):
            times["b"].append(build(out, "--force", *extra))
            note = " (fresh out dir: writes the shared runtime)" if i == 0 else ""
            print(f"  (b) taxfirewall build --force, run {i + 1}: {times['b'][-1]:6.1f} s{note}", flush=True)
            times["f"].append(build(out, "--force", *extra, kernels="fresh"))
            print(f"  (f) same, fresh kernels,       run {i + 1}: {times['f'][-1]:6.1f} s", flush=True)
        for i in range(args.repeat):
            times["c"].append(build(out, *extra))
            print(f"  (c) taxfirewall build, unchanged, run {i + 1}: {times['c'][-1]:6.2f} s", flush=True)

        med = {k: statistics.median(v) for k, v in times.items()}
        print()
        print(f"median (a) papermill + nbconvert loop : {med['a']:7.2f} s  ({len(times['a'])} run(s))")
        print(
            f"median (b) taxfirewall build --force   : {med['b']:7.2f} s  ({len(times['b'])} runs, fork server)"
        )
        print(f"median (f) same with fresh kernels     : {med['f']:7.2f} s  ({len(times['f'])} runs)")
        print(f"median (c) taxfirewall build, unchanged: {med['c']:7.2f} s  ({len(times['c'])} runs)")
        print(
            f"a/b = {med['a'] / med['b']:.1f}x (target >= 10x)   a/c = {med['a'] / med['c']:.0f}x   "
            f"c {'<' if med['c'] < 0.3 else '>='} 0.3 s (target)"
        )
        print(
            f"a/f = {med['a'] / med['f']:.1f}x   f/b = {med['f'] / med['b']:.2f}x (fork server vs fresh kernels)"
        )

        runtime = sorted((out / "_static").glob("*.js"))
        shared = runtime[0].stat().st_size if runtime else 0
        inline = inline_sizes(out, plans)
        print()
        print(f"{'report':<16} {'shared KB':>9} {'inline KB':>9} {'nbconvert KB':>12}")
        for p in plans:
            slug = p.report.slug
            size = p.report.outputs(out)["html"].stat().st_size
            base = tmp / "baseline-0" / f"{slug}.html"
            base_kb = f"{base.stat().st_size / 1024:12.0f}" if base.exists() else f"{'-':>12}"
            print(f"{slug:<16} {size / 1024:9.0f} {inline[slug] / 1024:9.0f} {base_kb}")
        print(
            f"shared runtime {runtime[0].name if runtime else '-'}: {shared / 1024:.0f} KB, once for all reports"
        )
        largest = max(p.report.outputs(out)["html"].stat().st_size for p in plans)
        print(
            f"largest page {largest / 1024:.0f} KB: {'within' if largest < 150 * 1024 else 'OVER'} the 150 KB target "
            "(plus the shared runtime)"
        )
        print()
        print_phases(out, plans)  # the out folder of (b): thumbnails current, as in a rebuild

    print()
    print("where one report's kernel time goes (fresh interpreter, seconds):")
    for name, secs in kernel_profile():
        print(f"  {secs:5.2f}  {name}")
    print("the build process itself, once per build (seconds):")
    for name, secs in parent_profile():
        print(f"  {secs:5.2f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
