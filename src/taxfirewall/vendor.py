"""The vega runtime, vendored from vl-convert (pinned in the lock), so charts render offline.

vl-convert ships vega, vega-lite and vega-embed as one JavaScript bundle that defines
``window.vegaEmbed``; no CDN, no require.js. The Vega-Lite version matches the one altair
writes specs for.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def vegalite_version() -> str:
    import altair as alt

    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """The minified runtime (about 0.9 MB) defining window.vegaEmbed, vega and vegaLite."""
    import vl_convert

    return vl_convert.javascript_bundle(vl_version=vegalite_version())


def bundle_name() -> str:
    """A content-addressed file name for the shared copy of the runtime."""
    return f"vega-runtime-{hashlib.sha256(vega_bundle().encode()).hexdigest()[:12]}.js"
