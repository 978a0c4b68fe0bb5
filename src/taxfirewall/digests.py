"""SHA-256 over files: what says a folder's content is the same as before."""

from __future__ import annotations

import hashlib
from pathlib import Path


def digest_files(base: Path, files) -> str:
    """Each file's path below ``base`` and bytes, in the order given."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def folder_digest(folder: Path) -> str:
    """Every file in a folder (an incident's), at any depth."""
    return digest_files(folder, sorted(p for p in folder.rglob("*") if p.is_file()))
