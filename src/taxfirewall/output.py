"""Write files atomically: a reader (or a failed build) never sees a half-written output."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, content: str | bytes) -> Path:
    """Write ``content`` to a temporary file beside ``path``, then rename it into place.

    On failure nothing is left behind and ``path`` keeps its old content; an OSError
    (read-only folder, full disk ...) names ``path`` itself, not the temporary file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno is not None:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    return path


def json_for_script(obj, *, sort_keys: bool = True) -> str:
    """JSON safe to inline in any <script> element, report and chart pages alike: '<', '>'
    and '&' are escaped, so '</script', '<!--' and ']]>' cannot end or confuse it, and the
    line separators JavaScript once rejected are escaped too."""
    text = json.dumps(obj, sort_keys=sort_keys, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
