"""What the build's processes leave out at start-up.

Every Python process that imports jsonschema (Frictionless, altair and nbformat all do) also
imports its optional ``rfc3987-syntax`` plug-in, which compiles a grammar for 1.1-1.6 s, only
to check the "iri" string formats that none of our schemas (Vega-Lite, Frictionless,
nbformat) use. The build's own process and its kernels leave that plug-in out: a third of
each kernel's start-up, with identical outputs.
"""

from __future__ import annotations

import sys

SKIPPED_IMPORTS = ("rfc3987_syntax",)


def skip_optional_imports() -> None:
    """Leave :data:`SKIPPED_IMPORTS` out of this process, if jsonschema is not loaded yet
    (so call it before anything imports papermill, nbformat or a dataset)."""
    if "jsonschema" not in sys.modules:
        for name in SKIPPED_IMPORTS:
            sys.modules.setdefault(name, None)


def kernel_arguments() -> list[str]:
    """Kernel command-line options: do the same in each kernel before the notebook runs."""
    code = "import sys; " + "; ".join(f"sys.modules.setdefault({n!r}, None)" for n in SKIPPED_IMPORTS)
    return [f"--IPKernelApp.exec_lines={code}"] if SKIPPED_IMPORTS else []
