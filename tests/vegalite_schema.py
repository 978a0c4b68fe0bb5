"""The Vega-Lite schema altair ships, for checking the specs the charts write (the charts
write their specs directly, so this is where the schema is enforced)."""

from __future__ import annotations

from functools import cache

import jsonschema
from altair.vegalite.v5.schema import load_schema


@cache
def _validator():
    schema = load_schema()
    return jsonschema.validators.validator_for(schema)(schema)


def valid(spec: dict) -> dict:
    """``spec``, after failing the test if it breaks the Vega-Lite schema."""
    errors = sorted(str(e.message)[:300] for e in _validator().iter_errors(spec))
    assert not errors, f"{len(errors)} schema error(s), first: {errors[0]}"
    return spec
