"""Validate an incident folder: file shape, the Frictionless schema, then the domain rules.

Every problem is collected and reported together as ``file:row:column: what (expected ...)``.
The order of checks matters only where a later check cannot run on broken input: a file
that cannot be read as CSV is not schema-checked, and a cell the schema check reported is
not reported again by the domain rules (one message per cell).

Warnings use the same format for what a desk may mean but should see (an unconfirmed key
moment, an upcoming event, a default heading); they never make validation fail.

One module per job: :mod:`.reading` (CSV files), :mod:`.schema_problems` (the descriptor's
types, constraints and keys), :mod:`.frames` (typed tables), the domain rules per table or
concern (:mod:`.figures`, :mod:`.funnel`, :mod:`.events`, :mod:`.sources`,
:mod:`.corrections`, :mod:`.descriptor`), and :mod:`.check`, which runs them in order.
"""

from .check import CheckResult, check_incident
from .frames import typed_frame
from .funnel import representative
from .reading import MAX_TABLE_BYTES, read_table

__all__ = ["MAX_TABLE_BYTES", "CheckResult", "check_incident", "read_table", "representative", "typed_frame"]
