"""Shared fixtures: copies of incident folders that tests may corrupt."""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IRS = ROOT / "data" / "irs-dhs"
SYNTHETIC = Path(__file__).resolve().parent / "fixtures" / "synthetic-incident"


@pytest.fixture
def incident(tmp_path) -> Path:
    """A writable copy of the IRS–DHS incident folder."""
    dest = tmp_path / "irs-dhs"
    shutil.copytree(IRS, dest)
    return dest


@pytest.fixture
def synthetic(tmp_path) -> Path:
    """A writable copy of a small made-up incident with four funnel stages."""
    dest = tmp_path / "synthetic"
    shutil.copytree(SYNTHETIC, dest)
    return dest


def read_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(rows[0].keys())
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def edit_cell(folder: Path, file: str, key: str, key_value: str, column: str, new: str) -> int:
    """Set one cell; returns the spreadsheet row number of the edited row."""
    path = folder / file
    rows = read_rows(path)
    for i, row in enumerate(rows):
        if row[key] == key_value:
            row[column] = new
            write_rows(path, rows, list(rows[0].keys()))
            return i + 2
    raise KeyError(key_value)


def write_notebook(path: Path, parameters: str, *cells) -> Path:
    """A notebook file for build tests: a cell tagged `parameters` with that source, then
    ``cells`` (nbformat cells), with stable cell ids and the project's python3 kernel."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    params = new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[params, *cells])
    for i, c in enumerate(nb.cells):
        c.id = f"cell-{i}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _dataset(spec: dict, data: dict) -> list[dict]:
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def layer_rows(spec: dict, layer: dict, parent: dict | None = None) -> list[dict]:
    """A Vega-Lite layer's rows as its marks see them: its data (or the data its parent
    hoisted), inline or in the top-level datasets, with its lookup transforms applied."""
    rows = [dict(r) for r in _dataset(spec, layer.get("data") or (parent or {}).get("data"))]
    for tr in layer.get("transform", []):
        if "lookup" in tr:
            src = tr["from"]
            table = {r[src["key"]]: r for r in _dataset(spec, src["data"])}
            for r in rows:
                hit = table.get(r.get(tr["lookup"]), {})
                r.update({f: hit.get(f) for f in src.get("fields", hit.keys())})
    return rows


# --------------------------------------------------------------------------- browser
# One headless Debian Chromium (driven by playwright) for every browser test, with every
# non-local request blocked and counted.

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags Chromium phones home at start; the closed
# network refuses those calls and they would count as blocked requests.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
LOCAL = ("file://", "data:", "blob:", "about:", "http://127.0.0.1", "http://localhost")


@dataclass
class PageLog:
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed; `make test` installs it (make browser-deps)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def open_page(browser):
    """open_page(url, width=..., scripts=True) -> (page, log): network blocked but local."""
    contexts = []

    def _open(
        url: str, width: int = 1200, height: int = 900, scripts: bool = True, color_scheme: str = "light"
    ):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            java_script_enabled=scripts,
            color_scheme=color_scheme,
        )
        contexts.append(context)
        log = PageLog()

        def route(r):
            if r.request.url.startswith(LOCAL):
                r.continue_()
            else:
                log.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: log.errors.append(str(e)))

        def on_dialog(d):
            log.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url, wait_until="load")
        return page, log

    yield _open
    for c in contexts:
        c.close()
