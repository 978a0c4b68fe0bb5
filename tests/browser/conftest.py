"""Headless Debian Chromium driven by playwright, with every non-local request blocked and counted."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags Chromium phones home at start; the closed
# network refuses those calls and they would count as blocked requests.
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
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

    if not shutil.which("chromium") and not shutil.os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed; `make test` installs it (make browser-deps)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def open_page(browser):
    """open_page(url, width=..., scripts=True) -> (page, log): network blocked but local."""
    contexts = []

    def _open(url: str, width: int = 1200, height: int = 900, scripts: bool = True, color_scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=scripts, color_scheme=color_scheme)
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


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Every report, the index and every chart export, freshly built into a temp folder."""
    import io

    from taxfirewall.build import build
    from taxfirewall.export import export_all
    from taxfirewall.paths import DEFAULT_INCIDENT, MANIFEST

    out = tmp_path_factory.mktemp("site")
    log = io.StringIO()
    assert build(MANIFEST, out, force=True, stdout=log, stderr=log) == 0, log.getvalue()
    export_all(DEFAULT_INCIDENT, out / "charts")
    return out


def site_pages(site) -> list:
    """Reports, the index and the chart pages: everything a reader can open."""
    return sorted(site.glob("*.html")) + sorted(site.glob("charts/*/index.html"))
