"""Packing: the tick search, first-fit rows, label options and knock-outs, on their own."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxfirewall.charts.packing import (
    GAP,
    ROOM,
    TICK_ROOM,
    fits,
    knockout,
    label_options,
    pack,
    ticks,
    two_lines,
)


def measure(text: str) -> float:
    return 7.0 * len(text)  # a monospace stand-in: every character 7 px


# --------------------------------------------------------------------------- ticks


def test_ticks_take_the_finest_calendar_step_that_fits():
    d0, d1 = pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01")
    got = ticks(d0, d1, 600, measure)
    assert [label for _, label, _ in got][:3] == [
        "Mar 2025",
        "May",
        "Jul",
    ]  # every 2 months (Jan at the edge)
    assert all(t.day == 1 and t.month % 2 == 1 for _, _, t in got)
    assert len(ticks(d0, d1, 2400, measure)) > len(got)  # a wider plot takes a finer step


def test_ticks_name_the_year_on_the_first_day_tick_and_on_new_year():
    got = ticks(pd.Timestamp("2024-12-28"), pd.Timestamp("2025-01-03"), 800, measure)
    labels = [label for _, label, _ in got]
    assert labels[0] == "Dec 29, 2024" and "Jan 1, 2025" in labels and "Dec 30" in labels


@given(
    start=st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2030-01-01").date()),
    days=st.integers(min_value=3, max_value=40 * 365),
    width=st.integers(min_value=120, max_value=1200),
)
def test_tick_labels_sit_inside_the_plot_in_order_without_touching(start, days, width):
    d0 = pd.Timestamp(start)
    d1 = d0 + pd.Timedelta(days=days)
    got = ticks(d0, d1, width, measure)
    for x, label, t in got:
        assert d0 <= t <= d1 and x == (t - d0) / (d1 - d0) * width
        assert x - measure(label) / 2 >= 0 and x + measure(label) / 2 <= width
    if len(got) > 1:
        for (xa, la, _), (xb, lb, _) in zip(got, got[1:]):
            assert xb - xa >= (measure(la) + measure(lb)) / 2 + TICK_ROOM


# --------------------------------------------------------------------------- rows

segment = st.tuples(st.floats(0, 500), st.floats(0, 80)).map(lambda a: (a[0], a[0] + a[1]))
candidate = st.lists(
    st.tuples(st.integers(0, 2), segment).map(lambda t: (t[0], *t[1])),
    min_size=1,
    max_size=3,
    unique_by=lambda seg: seg[0],  # one segment per row, as a label's are
)
items = st.lists(st.lists(candidate, min_size=1, max_size=3), max_size=25)


def test_pack_fills_rows_top_down_in_order():
    placed, n = pack([[[(0, 0, 50)]], [[(0, 40, 90)]], [[(0, 60 + ROOM, 100)]], [[(0, 200, 210)]]])
    assert placed == [(0, 0), (1, 0), (0, 0), (0, 0)] and n == 2


def test_pack_prefers_the_first_candidate_that_fits_in_the_first_free_row():
    placed, _ = pack([[[(0, 0, 50)]], [[(0, 10, 20)], [(0, 100, 120)]]])
    assert placed == [(0, 0), (0, 1)]  # row 0 with its second choice, not row 1 with its first


@given(items)
def test_packed_segments_never_come_within_room_of_each_other(its):
    placed, n = pack(its)
    rows: dict[int, list[tuple[float, float]]] = {}
    for candidates, (k, choice) in zip(its, placed):
        for off, x0, x1 in candidates[choice]:
            for a, b in rows.get(k + off, []):
                assert x1 + ROOM <= a or x0 - ROOM >= b
            rows.setdefault(k + off, []).append((x0, x1))
    assert n == (max(rows) + 1 if rows else 0)


@given(items)
def test_each_item_takes_the_first_row_where_any_candidate_fits(its):
    placed, _ = pack(its)
    rows: list[list[tuple[float, float]]] = []
    for candidates, (k, choice) in zip(its, placed):
        assert not any(fits(rows, j, segs) for j in range(k) for segs in candidates)
        assert fits(rows, k, candidates[choice]) and not any(fits(rows, k, s) for s in candidates[:choice])
        for off, x0, x1 in candidates[choice]:
            while len(rows) <= k + off:
                rows.append([])
            rows[k + off].append((x0, x1))


# --------------------------------------------------------------------------- labels


def test_two_lines_splits_at_the_most_even_width():
    assert two_lines("Court blocks the data transfer", measure) == "Court blocks the\ndata transfer"
    assert two_lines("Ruling", measure) is None


def test_label_options_go_right_then_left_then_above():
    opts = label_options(100, 110, [("Title", 35.0)], 600, None, True)
    assert [o[0] for o in opts] == ["right", "left", "above"]
    assert opts[0][1:3] == (110 + GAP, 110 + GAP + 35.0) and opts[1][1:3] == (100 - GAP - 35.0, 100 - GAP)
    assert opts[2][1:3] == (105 - 17.5, 105 + 17.5)


def test_label_options_would_rather_not_cross_the_as_of_line():
    opts = label_options(100, 110, [("Title", 35.0)], 600, 130.0, True)
    assert [o[0] for o in opts] == ["left", "right", "above"]


@given(
    at=st.floats(0, 1),
    length=st.floats(0, 300),
    width=st.floats(1, 700),
    plot_w=st.floats(50, 800),
    centred=st.booleans(),
)
def test_every_label_option_beside_a_mark_is_inside_the_plot_and_clear_of_it(
    at, length, width, plot_w, centred
):
    m0 = at * plot_w - 5  # a mark in the plot; a ring may reach past its edge
    m1 = min(m0 + length, plot_w + 5)
    opts = label_options(m0, m1, [("t", width)], plot_w, None, centred)
    assert opts[-1][0] == "above" and opts[-1][2] - opts[-1][1] == pytest.approx(width)
    assert opts[-1][1] >= 0 and (opts[-1][2] <= plot_w or width > plot_w)
    for side, x0, x1, _ in opts[:-1]:
        assert x0 >= 0 and x1 <= plot_w
        assert (x0 >= m1 + GAP) if side == "right" else (x1 <= m0 - GAP)


# --------------------------------------------------------------------------- knock-outs


def test_knockout_stops_a_line_short_of_a_label_box():
    assert knockout(50, 0, 100, [(40, 60, 30, 50)]) == [[0, 28], [52, 100]]
    assert knockout(10, 0, 100, [(40, 60, 30, 50)]) == [[0, 100]]  # the box is elsewhere


def test_knockout_drops_slivers_between_two_labels():
    assert knockout(50, 0, 100, [(40, 60, 10, 40), (40, 60, 46, 80)]) == [[82, 100]]


boxes = st.lists(
    st.tuples(st.floats(0, 100), st.floats(0, 40), st.floats(0, 200), st.floats(0, 40)).map(
        lambda b: (b[0], b[0] + b[1], b[2], b[2] + b[3])
    ),
    max_size=8,
)


@given(x=st.floats(0, 100), bxs=boxes)
def test_knocked_out_pieces_miss_every_box_and_stay_on_the_line(x, bxs):
    pieces = knockout(x, 0, 200, bxs)
    for a, b in pieces:
        assert a >= 0 and b <= 200 and b - a >= 10
        for x0, x1, top, bottom in bxs:
            if x0 - 3 <= x <= x1 + 3:
                assert b <= top - 2 + 0.01 or a >= bottom + 2 - 0.01
    assert all(p[1] <= q[0] for p, q in zip(pieces, pieces[1:]))
