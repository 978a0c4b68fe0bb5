"""Fixtures for the reader-facing browser tests (the browser itself is in tests/conftest.py)."""

from __future__ import annotations

import pytest


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
