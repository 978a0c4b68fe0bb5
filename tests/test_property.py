"""Random corruptions of a valid dataset end in a DataError or a valid load, never another exception."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import IRS
from taxfirewall import DataError, load_incident

TABLES = ["sources.csv", "figure_definitions.csv", "figures.csv", "events.csv", "corrections.csv"]
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "-1",
            "1,2 million",
            "47.000",
            "2025-13-01",
            "April",
            "true",
            "unknown",
            "<script>x</script>",
            "\x00",
            "  F1  ",
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig", errors="replace"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", errors="surrogatepass")


@st.composite
def corruption(draw):
    table = draw(st.sampled_from(TABLES))
    kind = draw(
        st.sampled_from(
            [
                "drop_column",
                "swap_columns",
                "swap_headers",
                "mutate_cell",
                "truncate",
                "duplicate_row",
                "delete_file",
                "raw_bytes",
            ]
        )
    )
    return table, kind, draw(st.randoms(use_true_random=False)), draw(cells), draw(st.binary(max_size=20))


def apply(folder: Path, table: str, kind: str, rnd, cell: str, blob: bytes) -> None:
    path = folder / table
    rows = _rows(path)
    if not rows or not rows[0]:
        return
    width = len(rows[0])
    if kind == "drop_column":
        i = rnd.randrange(width)
        rows = [r[:i] + r[i + 1 :] for r in rows]
    elif kind in ("swap_columns", "swap_headers"):
        i, j = rnd.randrange(width), rnd.randrange(width)
        targets = rows if kind == "swap_columns" else rows[:1]
        for r in targets:
            if len(r) == width:
                r[i], r[j] = r[j], r[i]
    elif kind == "mutate_cell":
        if len(rows) > 1:
            r = rnd.randrange(1, len(rows))
            rows[r][rnd.randrange(len(rows[r]))] = cell
    elif kind == "duplicate_row":
        rows.append(list(rows[rnd.randrange(len(rows))]))
    elif kind == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: rnd.randrange(len(data) + 1)])
        return
    elif kind == "delete_file":
        path.unlink()
        return
    elif kind == "raw_bytes":
        data = path.read_bytes()
        at = rnd.randrange(len(data) + 1)
        path.write_bytes(data[:at] + blob + data[at:])
        return
    _write(path, rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(corruption(), min_size=1, max_size=3))
def test_random_corruptions_end_in_data_error_or_valid_load(changes):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "incident"
        shutil.copytree(IRS, folder)
        for change in changes:
            if (folder / change[0]).exists():
                apply(folder, *change)
        try:
            incident = load_incident(folder)
        except DataError as exc:
            assert exc.problems, "a DataError always lists at least one problem"
            for problem in exc.problems:
                assert str(problem).count(":") >= 3
        else:
            # a load that succeeds yields usable views
            assert incident.funnel is not None and incident.timeline is not None
