"""Strip outputs, execution counts and volatile metadata from notebooks before committing.

    .venv/bin/python tools/clean_notebooks.py            # every notebooks/*.ipynb
    .venv/bin/python tools/clean_notebooks.py path.ipynb  # just these

tests/test_notebooks.py fails on a notebook saved from Jupyter with its outputs; this makes
it pass again (the same cleaning the test checks against).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from taxfirewall.notebook import clean_for_git  # noqa: E402


def main(paths: list[str]) -> int:
    targets = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in targets:
        before = path.read_text(encoding="utf-8")
        nb = nbformat.from_dict(clean_for_git(json.loads(before)))
        nbformat.validate(nb)
        after = nbformat.writes(nb) + "\n"
        if after != before:
            path.write_text(after, encoding="utf-8")
            print(f"cleaned {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
