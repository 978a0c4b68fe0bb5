"""The one place that knows where things live.

Everything is relative to the project root (the folder holding ``pyproject.toml``), so
the package works from an editable install, a notebook in ``notebooks/`` or the CLI.
``TAXFIREWALL_ROOT`` overrides the root, e.g. for tests that build into a temp copy.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"


def project_root() -> Path:
    env = os.environ.get("TAXFIREWALL_ROOT")
    if env:
        return Path(env).resolve()
    # src/taxfirewall/paths.py -> project root is two levels above the package
    return PACKAGE_DIR.parents[1]


ROOT = project_root()
DATA_DIR = ROOT / "data"
DEFAULT_INCIDENT = DATA_DIR / "irs-dhs"
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORTS_DIR = ROOT / "reports"
CHARTS_DIR = REPORTS_DIR / "charts"
MANIFEST = ROOT / "reports.toml"

DESCRIPTOR_NAME = "datapackage.json"
