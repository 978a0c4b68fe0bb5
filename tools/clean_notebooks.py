"""Strip outputs, execution counts and volatile metadata from notebooks before committing.

    .venv/bin/python tools/clean_notebooks.py            # every notebooks/*.ipynb, in place
    .venv/bin/python tools/clean_notebooks.py path.ipynb  # just these
    .venv/bin/python tools/clean_notebooks.py --stdin     # a notebook on stdin, cleaned on stdout
    .venv/bin/python tools/clean_notebooks.py --install-git-filter

``--install-git-filter`` (run by the Makefile's set-up) makes this script git's clean filter
for the notebooks (``.gitattributes``): ``git add`` stores a notebook without its outputs
while the working copy keeps them. Outside a git work tree (a tarball) it does nothing.

tests/test_notebooks.py fails on a notebook stored with its outputs; the filter and this
script write what that test checks against. ``--stdin`` imports only the standard library
(git runs it on every ``git add`` and ``git status`` of a changed notebook).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from taxfirewall.notebook import git_text  # noqa: E402

FILTER = "taxfirewall-notebook"  # the name .gitattributes gives the filter
SCRIPT = "tools/clean_notebooks.py"  # git runs filters from the top of the work tree


def clean_files(paths: list[str]) -> int:
    import nbformat  # only here: it takes seconds to import

    targets = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in targets:
        before = path.read_text(encoding="utf-8")
        after = git_text(before)
        nbformat.validate(nbformat.reads(after, as_version=nbformat.NO_CONVERT))
        if after != before:
            path.write_text(after, encoding="utf-8")
            print(f"cleaned {path}")
    return 0


def clean_stdin() -> int:
    text = sys.stdin.buffer.read().decode("utf-8")
    try:
        out = git_text(text)
    except (ValueError, AttributeError, TypeError) as exc:  # say, a conflicted merge: kept as it is
        print(f"clean_notebooks: not a notebook ({exc}); stored unchanged", file=sys.stderr)
        out = text
    sys.stdout.buffer.write(out.encode("utf-8"))
    return 0


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True)
    except FileNotFoundError:  # no git at all
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def install_git_filter() -> int:
    top = _git("rev-parse", "--show-toplevel")
    if not top:
        print("not a git work tree: notebook output filter not installed")
        return 0
    # the interpreter running this, relative to the work tree when inside it (.venv/bin/python);
    # python3 when that is gone (after `make clean`), since a failing filter stops `git status`
    python = Path(sys.executable).absolute()
    if python.is_relative_to(top):
        python = python.relative_to(top)
    clean = f'p={shlex.quote(str(python))}; [ -x "$p" ] || p=python3; exec "$p" {SCRIPT} --stdin'
    settings = {
        "clean": clean,
        "smudge": "cat",
        "required": "true",  # a filter that fails stops the commit rather than store outputs
    }
    for key, value in settings.items():
        if _git("config", f"filter.{FILTER}.{key}", value) is None:
            print(f"could not set git config filter.{FILTER}.{key}", file=sys.stderr)
            return 1
    print(f"git: notebooks are committed without their outputs (filter {FILTER})")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--stdin"]:
        return clean_stdin()
    if argv == ["--install-git-filter"]:
        return install_git_filter()
    if any(a.startswith("-") for a in argv):
        print(__doc__, file=sys.stderr)
        return 2
    return clean_files(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
