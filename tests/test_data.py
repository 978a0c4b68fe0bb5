"""load_incident returns typed tables and the funnel/timeline views, for any incident."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import IRS, SYNTHETIC
from taxfirewall import load_incident
from taxfirewall.formatting import format_number
from taxfirewall.quantity import Quantity, share


@pytest.mark.parametrize("folder", [IRS, SYNTHETIC], ids=["irs-dhs", "synthetic"])
def test_tables_have_proper_dtypes(folder):
    inc = load_incident(folder)
    assert str(inc.figures["value"].dtype) == "Int64"
    assert str(inc.figures["low"].dtype) == "Int64"
    assert isinstance(inc.figures["verification"].dtype, pd.CategoricalDtype)
    assert isinstance(inc.events["category"].dtype, pd.CategoricalDtype)
    assert str(inc.events["highlight"].dtype) == "boolean"
    assert pd.api.types.is_datetime64_any_dtype(inc.corrections["date"])
    assert pd.api.types.is_datetime64_any_dtype(inc.timeline["start"])


@pytest.mark.parametrize("folder", [IRS, SYNTHETIC], ids=["irs-dhs", "synthetic"])
def test_funnel_view_is_ordered_and_never_increases(folder):
    inc = load_incident(folder)
    f = inc.funnel
    assert list(f["stage"]) == list(range(1, len(f) + 1))
    reps = list(f["representative"])
    assert all(b <= a for a, b in zip(reps, reps[1:]))
    assert pd.isna(f.loc[0, "share_of_previous"])
    # every reported value of each stage is carried along with the preferred one
    for _, row in f.iterrows():
        reported = row["reported"]
        assert sum(r["preferred"] for r in reported) == 1
        assert len(reported) == (inc.figures["figure_id"] == row["figure_id"]).sum()


def test_funnel_shares_are_computed_from_the_preferred_values():
    f = load_incident(SYNTHETIC).funnel
    assert f.loc[1, "share_of_previous"] == pytest.approx(350123 / 2000000)
    assert f.loc[2, "share_of_previous"] == pytest.approx(90000 / 350123)
    # a range stage has a share range, not a point
    assert pd.isna(f.loc[3, "share_of_previous"])
    assert f.loc[3, "share_low"] == pytest.approx(100 / 90000)
    assert f.loc[3, "share_high"] == pytest.approx(999 / 90000)
    assert f.loc[3, "share_low"] < f.loc[3, "share_high"]


def test_context_figures_are_not_funnel_stages():
    inc = load_incident(SYNTHETIC)
    assert list(inc.context["figure_id"]) == ["fines"]
    assert "fines" not in set(inc.funnel["figure_id"])


def test_timeline_windows_follow_precision():
    tl = load_incident(SYNTHETIC).timeline.set_index("event_id")
    assert (tl.loc["A", "start"], tl.loc["A", "end"]) == (
        pd.Timestamp("2024-01-15"),
        pd.Timestamp("2024-01-15"),
    )
    assert (tl.loc["B", "start"], tl.loc["B", "end"]) == (
        pd.Timestamp("2024-02-01"),
        pd.Timestamp("2024-02-29"),
    )
    assert (tl.loc["C", "start"], tl.loc["C", "end"]) == (
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-12-31"),
    )
    assert (tl.loc["D", "start"], tl.loc["D", "end"]) == (
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2025-12-31"),
    )
    assert bool(tl.loc["D", "undated"]) and not bool(tl.loc["A", "undated"])
    assert tl.loc["B", "outlets"] == "The Example Gazette; Example District Court"


def test_irs_funnel_prefers_the_declarations_exact_count():
    f = load_incident(IRS).funnel
    # the count returned: the exact figure from the IRS declaration, not a rounding
    values = set(f["value"].dropna())
    reported = {r["value"] for row in f["reported"] for r in row if r["value"] is not pd.NA}
    assert 47289 in values
    assert {47000, 47489}.issubset(reported)
    # the errors stage is reported only as a range
    assert bool(f.iloc[-1]["is_range"])


def test_fingerprint_changes_with_the_data(synthetic):
    before = load_incident(synthetic).fingerprint
    path = synthetic / "events.csv"
    path.write_text(path.read_text().replace("Victims sue.", "Victims sue again."))
    assert load_incident(synthetic).fingerprint != before


@pytest.mark.parametrize(
    "args, expected",
    [
        ((47289,), "47,289"),
        ((1280000,), "1.28 million"),
        ((1200000,), "1.2 million"),
        ((96700000000, "usd"), "$96.7 billion"),
        ((8889, "usd_per_person"), "$8,889"),
    ],
)
def test_numbers_in_newsroom_style(args, expected):
    assert format_number(*args) == expected


def test_ranges_and_shares_in_newsroom_style():
    def q(bound, value, low, high, words=""):
        return Quantity(bound, value, low, high, "people", words)

    assert q("range", None, 1200000, 1280000).text == "1.2\u20131.28 million"  # one scale word for both ends
    assert (
        q("range", None, 2000, 2364).text == "2,000\u20132,364"
    )  # both ends supported: no rounding, no "about"
    assert q("more_than", None, 7000001, 7999999).text == "more than 7 million"
    assert q("nearly", None, 47200, 47299).text == "nearly 47,300"
    assert q("about", 310000, 305000, 314999).text == "about 310,000"
    assert q("vague", None, 2000, 9999, "thousands").text == "thousands"
    assert q("at_most", None, 1, 2364).text == "at most 2,364"
    returned = q("exact", 47289, 47289, 47289)
    assert share(returned, q("rounded", 1280000, 1275000, 1284999)).text == "3.7%"
    assert share(q("range", None, 2000, 2364), returned).text == "4.2\u20135.0%"
    # after a range stage ('millions': 2-10 million) a point's share is a range, rounded outward
    assert (
        share(q("about", 310000, 305000, 314999), q("vague", None, 2000000, 10000000, "millions")).text
        == "3.1\u201315.5%"
    )
    # an end that is only a convention leaves the share open on that side
    assert (
        share(q("about", 310000, 305000, 314999), q("more_than", None, 7000001, 7999999)).text
        == "at most 4.5%"
    )


def test_codebook_matches_the_datapackage():
    from taxfirewall.codebook import NAME, render
    from taxfirewall.generated import block

    text = (IRS.parent / "README.md").read_text(encoding="utf-8")
    assert block(text, NAME) == render(IRS), "run `taxfirewall codebook` to regenerate data/README.md"


def test_frictionless_cli_reports_the_package_valid():
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("frictionless")
    done = subprocess.run(
        [str(exe), "validate", str(IRS / "datapackage.json")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "INVALID" not in done.stdout
