"""The story's words and tables: every number comes from the dataset through formatting,
every piece of dataset text is escaped, and what is confirmed is told apart from what is not."""

from __future__ import annotations

import re
from html import escape

import pytest

from conftest import IRS, SYNTHETIC, edit_cell, read_rows, write_rows
from taxfirewall import backmatter, load_incident, story
from taxfirewall.formatting import format_number
from taxfirewall.quantity import Quantity


@pytest.fixture(scope="module")
def irs():
    return load_incident(IRS)


@pytest.fixture(scope="module")
def synth():
    return load_incident(SYNTHETIC)


@pytest.mark.parametrize("which", ["irs", "synth"])
def test_story_numbers_equal_formatting_of_the_loaded_dataset_values(which, request):
    incident = request.getfixturevalue(which)
    text = "\n".join(story.narrative(incident))
    for _, row in incident.funnel.iterrows():
        assert Quantity.of(row).text in text
        if row["stage"] > 1:
            assert f"{row['share'].text} of {row['share_label']}" in text
    for _, row in incident.context.iterrows():
        assert f"{row['label']}: {Quantity.of(row).text}" in text
    assert f"draws on {format_number(len(incident.figures))} reported values" in text
    assert f"from {format_number(len(incident.sources))} sources" in text
    assert f"The timeline has {format_number(len(incident.timeline))} events" in text


def test_story_numbers_follow_a_changed_dataset(synthetic):
    edit_cell(synthetic, "figures.csv", "value_id", "copied-court", "value", "350200")
    edit_cell(synthetic, "figures.csv", "value_id", "copied-court", "low", "350200")
    edit_cell(synthetic, "figures.csv", "value_id", "copied-court", "high", "350200")
    text = "\n".join(story.narrative(load_incident(synthetic)))
    assert "Records copied: 350,200" in text
    assert "350,123" not in text


def test_irs_story_reads_as_expected(irs):
    text = "\n".join(story.narrative(irs))
    assert "People the IRS returned addresses for: 47,289, 3.7% of those requested (court record)." in text
    assert "the best-supported range is 2,000–2,364, 4.2–5.0% of those returned" in text
    assert (
        "The 4 reports range from 1.2 million (not independently verified) to more than 1.27 million." in text
    )
    assert (
        "People in ICE's earlier, un-narrowed request: more than 7 million (not independently verified)."
        in text
    )
    assert "current to June 8, 2026" in text


def test_story_tells_confirmed_from_unverified(irs, synth):
    text = "\n".join(story.verification_summary(irs))
    confirmed = next(line for line in text.splitlines() if line.startswith("Confirmed in court records:"))
    for _, row in irs.preferred.iterrows():
        if row["verification"] == "court_record":
            assert row["label"] in confirmed
    assert "Unconfirmed: 2 claims could not be corroborated" in text
    for title in irs.timeline.loc[irs.timeline["verification"] == "not_found", "title"]:
        assert title in text
    synth_text = "\n".join(story.verification_summary(synth))
    assert (
        "Not verified (anonymous sources, not independently verified, or unconfirmed): Records misused."
        in synth_text
    )
    assert (
        "Unconfirmed: 1 claim could not be corroborated by any public source and is not stated as fact: Audit promised."
        in synth_text
    )


def test_figures_table_lists_every_reported_value_with_source_verification_and_reason(irs):
    html = story.figures_table_html(irs)
    for _, v in irs.reported_values.iterrows():
        assert f'<td data-label="Reported as">{escape(str(v["as_reported"]))}</td>' in html
    for reason in irs.figure_definitions["preferred_reason"]:
        assert escape(str(reason)) in html
    assert html.count(">preferred</td>") == len(irs.figure_definitions)
    assert "court record" in html and "not independently verified" in html


def test_funnel_table_holds_only_funnel_stages(irs):
    html = story.figures_table_html(irs, role="funnel")
    assert html.count('class="tf-figure"') == len(irs.funnel)
    assert "Stage 1: " in html and "Active ITINs" not in html


def test_dataset_text_is_escaped_and_only_http_sources_are_linked(synthetic):
    rows = read_rows(synthetic / "sources.csv")
    rows[0]["outlet"] = "<script>alert(1)</script> & Co"
    rows[0]["url"] = "javascript:alert(1)"
    rows[1]["url"] = "https://example.org/a?b=1&c=<2>"
    write_rows(synthetic / "sources.csv", rows)
    edit_cell(synthetic, "events.csv", "event_id", "A", "title", "Records <b>copied</b>")
    inc = load_incident(synthetic)
    html = "".join(
        [
            backmatter.sources_html(inc),
            story.figures_table_html(inc),
            story.events_table_html(inc),
            story.narrative_html(inc),
            story.verification_html(inc),
            backmatter.corrections_html(inc),
        ]
    )
    assert "<script>" not in html and "<b>copied" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert all(h.startswith(("http://", "https://")) for h in re.findall(r'href="([^"]*)"', html))
    assert 'href="javascript' not in html
    assert 'href="https://example.org/a?b=1&amp;c=&lt;2&gt;"' in html


def test_corrections_log_is_shown_or_said_to_be_empty(synthetic):
    assert "No corrections have been logged" in backmatter.corrections_html(load_incident(synthetic))
    (synthetic / "corrections.csv").write_text(
        "date,table,record_id,what_changed,why\n"
        '2024-06-01,figures,read-a,"value 80,000 -> 90,000",The agency\'s <final> audit\n',
        encoding="utf-8",
    )
    inc = load_incident(synthetic)
    html = backmatter.corrections_html(inc)
    assert (
        "June 1, 2024" in html
        and "Records opened: 90,000" in html
        and "read-a" not in html
        and "The agency&#x27;s &lt;final&gt; audit" in html
    )
    assert 'data-tf-section="corrections"' in html
    assert "Corrections logged since publication: 1" in "\n".join(story.narrative(inc))


def test_events_table_keeps_the_window_and_categories(irs):
    html = story.events_table_html(irs, start="2025-01-01", end="2025-12-31")
    assert "Centro restraining order refused" in html
    assert "Judge Talwani bars ICE use of IRS data" not in html
    only = story.events_table_html(irs, categories=["court_ruling"])
    assert "IRS–DHS agreement signed" not in only and "Court stays IRS address-sharing policy" in only


def test_as_of_is_given_or_the_latest_date_in_the_data(irs, synth):
    assert story.as_of(irs) == "June 8, 2026"
    assert story.as_of(irs, "2026-03") == "March 2026"
    assert story.as_of(synth) == "May 2024"
    with pytest.raises(ValueError, match="not a date"):
        story.as_of(irs, "next week")


def test_title_defaults_to_the_dataset_short_title(irs):
    assert story.title(irs) == "IRS data sharing with ICE"
    assert story.title(irs, "Mine") == "Mine"


def test_readme_findings_match_the_dataset():
    from taxfirewall import generated, load_incident
    from taxfirewall.paths import ROOT
    from taxfirewall.story import findings_markdown

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    expected = generated.fence("findings", "taxfirewall readme", findings_markdown(load_incident()))
    assert generated.block(text, "findings") == expected, "run `taxfirewall readme` (make reports does)"


@pytest.mark.parametrize("which", ["irs", "synth"])
def test_story_page_lists_the_stages_in_order_and_the_context_figures_one_by_one(which, request):
    incident = request.getfixturevalue(which)
    page = story.narrative_html(incident)
    stages = re.findall(r"<li>(.*?)</li>", re.search(r"<ol[^>]*>(.*?)</ol>", page).group(1))
    assert len(stages) == len(incident.funnel)
    for item, (_, row) in zip(stages, incident.funnel.iterrows()):
        assert item.startswith(escape(f"{row['label']}: "))
    lists = re.findall(r'<ul class="tf-list">(.*?)</ul>', page)
    if len(incident.context):
        assert len(re.findall(r"<li>", lists[0])) == len(incident.context)
