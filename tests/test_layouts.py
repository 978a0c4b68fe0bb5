"""A chart's phone layout travels in a report as a difference from its article layout."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import IRS, SYNTHETIC
from taxfirewall import load_incident
from taxfirewall.charts import funnel_chart, timeline_chart
from taxfirewall.layouts import LAYOUTS_MIME, diff, page_chart, patch, phone_layouts
from taxfirewall.notebook import VEGALITE_MIME, setup

# JSON-like values with the shapes Vega-Lite specs have: objects, lists of objects, scalars
keys = st.sampled_from(["a", "b", "c", "data", "values", "x", "$schema"])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from([0.0, 1.0, -1.0, 0.5]),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.text(max_size=3),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=20,
)


def size(value) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


@settings(max_examples=300, deadline=None)
@given(values, values)
@example({"a": None, "b": None, "$schema": 0.0}, {"a": None, "b": None, "$schema": -0.0})  # found in CI
def test_patch_of_a_diff_gives_back_the_second_value(a, b):
    as_json = lambda v: json.dumps(v, sort_keys=True)  # noqa: E731  1, 1.0 and true differ here
    assert as_json(patch(a, diff(a, b))) == as_json(b)
    # what the page carries is JSON: the difference survives a round trip through it
    assert as_json(patch(a, json.loads(json.dumps(diff(a, b))))) == as_json(b)


@pytest.fixture(scope="module")
def loaded():
    setup()  # charts display as the Vega-Lite mimetype, as in the notebooks
    return {IRS: load_incident(IRS), SYNTHETIC: load_incident(SYNTHETIC)}


@pytest.mark.parametrize("make", [funnel_chart, timeline_chart])
@pytest.mark.parametrize("folder", [IRS, SYNTHETIC])
def test_phone_layout_is_rebuilt_exactly_and_costs_far_less_than_a_second_spec(loaded, folder, make):
    main, phone = make(loaded[folder], width=600), make(loaded[folder], width=320)
    a, b = main.vegalite(), phone.vegalite()
    assert a != b
    d = diff(a, b)
    assert patch(a, d) == b
    assert size(d) < 0.75 * size(b)


def test_a_displayed_chart_carries_its_phone_layout_built_with_the_same_options(loaded):
    chart = timeline_chart(loaded[IRS], theme="dark", start="2025-01-01", end="2025-12-31", annotate=False)
    data, _ = chart._repr_mimebundle_()
    extra = data[LAYOUTS_MIME]
    assert extra["width"] == 600 and list(extra["layouts"]) == ["320"]
    expected = timeline_chart(
        loaded[IRS], theme="dark", start="2025-01-01", end="2025-12-31", annotate=False, width=320
    )
    assert extra["layouts"]["320"] == expected.vegalite()
    page = page_chart(data[VEGALITE_MIME], extra)
    assert page["width"] == 600 and [w for w, _ in page["layouts"]] == [320]
    assert patch(page["spec"], page["layouts"][0][1]) == extra["layouts"]["320"]


def test_phone_layouts_can_be_switched_off_and_a_phone_sized_chart_carries_none(loaded):
    try:
        phone_layouts(False)
        data, _ = funnel_chart(loaded[IRS])._repr_mimebundle_()
        assert LAYOUTS_MIME not in data and VEGALITE_MIME in data
    finally:
        phone_layouts(True)
    data, _ = funnel_chart(loaded[IRS], width=320)._repr_mimebundle_()
    assert LAYOUTS_MIME not in data
    assert page_chart(data[VEGALITE_MIME], None)["layouts"] == []
