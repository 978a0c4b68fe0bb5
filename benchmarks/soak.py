"""Soak the incremental build: many builds in one process, with random edits between them.

Each round makes one random edit, to the data (the returned count takes one of three
values) or to the report list (a report's dek changes; a second report comes or goes), then
calls ``build()`` in this process. After each round it records this process's resident
memory, open file descriptors, threads and child processes, and compares every page and
executed notebook with a fresh build of the same inputs (built once per distinct input, in
a separate process). It fails (exit 1) when an output differs or when processes, open files
or memory grow: the last ten rounds against the first ten after warm-up.

    .venv/bin/python benchmarks/soak.py [--rounds 50] [--seed 14]

The reports are light notebooks that read the data (no pandas or altair in their kernels),
so fifty rounds take a few minutes; the build machinery around them is the real one.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import psutil  # noqa: E402

from conftest import edit_cell, write_notebook  # noqa: E402
from taxfirewall.build import build  # noqa: E402
from test_build_killed import CELL  # noqa: E402  the same light report of the dataset

VALUES = ("47289", "47311", "51234")
DEKS = ("One figure.", "The same figure, told again.")


def manifest_text(notebook: Path, data: Path, dek: str, second: bool) -> str:
    entries = [("count", dek)] + ([("count-again", "A second page of the same figure.")] if second else [])
    return "".join(
        f'[[report]]\nslug = "{slug}"\nnotebook = "{notebook}"\ntitle = "The count"\n'
        f'dek = "{text}"\n[report.parameters]\nincident = "{data}"\n\n'
        for slug, text in entries
    )


class Inputs:
    """The data folder and report list the soak edits, and what they currently are."""

    def __init__(self, tmp: Path):
        from conftest import IRS

        self.data = tmp / "data"
        shutil.copytree(IRS, self.data)
        self.notebook = write_notebook(
            tmp / "count.ipynb", 'incident = ""  # the incident folder', _cell(CELL)
        )
        self.manifest = tmp / "reports.toml"
        self.now = {"value": VALUES[0], "dek": DEKS[0], "second": False}
        self.write()

    def edit(self, rng: random.Random) -> str:
        what = rng.choice(["value", "dek", "second"])
        if what == "value":
            self.now["value"] = rng.choice([v for v in VALUES if v != self.now["value"]])
        elif what == "dek":
            self.now["dek"] = DEKS[1 - DEKS.index(self.now["dek"])]
        else:
            self.now["second"] = not self.now["second"]
        self.write()
        return f"{what}={self.now[what]}"

    def write(self) -> None:
        for column in ("value", "low", "high"):
            edit_cell(
                self.data, "figures.csv", "value_id", "F2-checkpoint-2026-02", column, self.now["value"]
            )
        text = manifest_text(self.notebook, self.data, self.now["dek"], self.now["second"])
        self.manifest.write_text(text, encoding="utf-8")

    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.now, sort_keys=True).encode()).hexdigest()[:12]


def _cell(source: str):
    from nbformat.v4 import new_code_cell

    return new_code_cell(source)


def outputs(out: Path) -> dict[str, bytes]:
    """Every page and executed notebook (the index and state describe the build's history,
    which a fresh build does not share)."""
    names = [p for p in out.glob("*.html") if p.name != "index.html"] + list(out.glob("_executed/*.ipynb"))
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(names)}


def fresh(inputs: Inputs, refs: Path, cache: dict) -> dict[str, bytes]:
    key = inputs.key()
    if key not in cache:
        out = refs / key
        args = [sys.executable, "-m", "taxfirewall.cli", "build", "--manifest", str(inputs.manifest)]
        subprocess.run([*args, "--out", str(out)], check=True, capture_output=True)
        cache[key] = outputs(out)
    return cache[key]


def sample() -> dict:
    me = psutil.Process()
    return {
        "rss_mb": me.memory_info().rss / 2**20,
        "fds": me.num_fds(),
        "threads": threading.active_count(),
        "children": len(me.children(recursive=True)),
    }


def flat(rows: list[dict], warm: int = 5) -> list[str]:
    """What grew: the median of the last ten rounds against the first ten after warm-up."""
    warm = max(1, min(warm, len(rows) // 4))  # the first build fills caches, never counted
    span = max(1, min(10, (len(rows) - warm) // 2))  # ten rounds each, fewer in a short soak
    first, last = rows[warm : warm + span], rows[-span:]
    problems = []
    for name, slack in (("fds", 0), ("threads", 0), ("children", 0), ("rss_mb", 25.0)):
        a, b = statistics.median(r[name] for r in first), statistics.median(r[name] for r in last)
        if b > a + slack:
            problems.append(f"{name} grew from {a:g} to {b:g}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="taxfirewall-soak-") as tmp:
        tmp = Path(tmp)
        inputs, out, cache, rows, wrong = Inputs(tmp), tmp / "site", {}, [], []
        for i in range(args.rounds):
            edit = inputs.edit(rng) if i else "first build"
            log = io.StringIO()
            rc = build(inputs.manifest, out, jobs=1, stdout=log, stderr=log)
            same = rc == 0 and outputs(out) == fresh(inputs, tmp / "refs", cache)
            rows.append({"round": i + 1, "edit": edit, "rc": rc, "same": same, **sample()})
            if not same:
                wrong.append(f"round {i + 1} ({edit}): rc {rc}, outputs differ from a fresh build")
            r = rows[-1]
            print(
                f"{r['round']:>3} {edit:<18} rc={rc} same={same} rss={r['rss_mb']:.1f} MB "
                f"fds={r['fds']} threads={r['threads']} children={r['children']}",
                flush=True,
            )
    problems = wrong + flat(rows)
    print("\n".join(problems) if problems else f"flat and byte-identical over {args.rounds} builds")
    return 1 if problems else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
