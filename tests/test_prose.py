"""The desk's story file: references filled in from the dataset by the charts' own code,
problems located at ``story.md:line:column`` before any kernel starts, typed numbers
flagged, HTML never run, and the IRS explainer itself."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import IRS, SYNTHETIC, edit_cell
from taxfirewall import load_incident, prose, verification
from taxfirewall.cli import main
from taxfirewall.prose import DeskNote, Html, check_story, resolve

CHARTS = {"funnel": "<funnel chart>", "timeline": "<timeline chart>"}


@pytest.fixture(scope="module")
def irs():
    return load_incident(IRS)


def _story(folder: Path, text: str):
    (folder / "story.md").write_text(text, encoding="utf-8")
    return load_incident(folder)


def prose_text(incident) -> str:
    """The story's words as a reader reads them (charts and tables left out)."""
    html = "".join(
        p.html for p in prose.parts(incident, CHARTS) if isinstance(p, Html) and "tf-prose" in p.html
    )
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_references_print_what_the_charts_print(irs):
    from taxfirewall.charts.funnel.rows import rows

    drawn = rows(irs, "zoom", show_context=True)
    for _, shown in drawn.iterrows():
        fid = shown["figure_id"]
        assert resolve(irs, fid) == verification.bracketed(shown["value_text"], shown["caveat"])
        if shown["share_text"]:
            assert shown["share_text"].startswith(resolve(irs, f"{fid}.share"))
    assert resolve(irs, "F2.share") == "3.7%"
    assert resolve(irs, "F3.share") == "4.2–5.0%"  # a share involving a range is a range
    assert resolve(irs, "F3") == "2,000–2,364"
    assert resolve(irs, "F1-initial") == "more than 7 million (not independently verified)"  # one-sided stays
    assert resolve(irs, "F4") == "about 42,695"  # "about" stays
    assert resolve(irs, "F1.bounds") == "1,275,000–1,284,999"
    assert resolve(irs, "F2.reported") == "6"
    assert resolve(irs, "E3") == resolve(irs, "E3.date") == "April 7, 2025"
    assert resolve(irs, "E2.date") == "March 2025"
    assert resolve(irs, "E6.date") == "June 2025 (not independently verified)"
    assert resolve(irs, "S1.title | unconfirmed").endswith("(unconfirmed: no public source corroborates it)")
    assert resolve(irs, "count.sources") == str(len(irs.sources))
    assert resolve(irs, "as_of") == "June 8, 2026"


def test_changing_a_preferred_value_changes_every_mention_and_leaves_no_trace(incident):
    before = prose_text(load_incident(incident))
    mentions = before.count("47,289")
    assert mentions >= 2 and "3.7%" in before
    for column in ("value", "low", "high"):
        edit_cell(incident, "figures.csv", "value_id", "F2-checkpoint-2026-02", column, "51234")
    edit_cell(incident, "figures.csv", "value_id", "F2-checkpoint-2026-02", "as_reported", "51,234")
    after = prose_text(load_incident(incident))
    assert "47,289" not in after
    assert after.count("51,234") >= mentions  # (now also the top of the reported spread)
    assert "4.0%" in after and "3.7%" not in after  # the share of those requested follows


ERRORS = """Intro {{ F9 }} and {{ F2.nope }}.

A claim: {{ S1.title }}; {{ E3.share }}; {{ count.people }}.

Inline {{ chart: funnel }} here. {{ F5.spread }} {{ F1.share }} {{ E1 | unconfirmed }}

{{ table: pies }}

Open {{ F2
"""


def test_a_story_with_errors_fails_validation_at_exact_locations(incident, capsys):
    _story(incident, ERRORS)
    assert main(["validate", str(incident)]) == 2
    err = capsys.readouterr().err
    located = re.findall(r"story\.md:(\d+):(\d+): ", err)
    assert located == [
        ("1", "7"),
        ("1", "20"),
        ("3", "10"),
        ("3", "26"),
        ("3", "42"),
        ("5", "8"),
        ("5", "34"),
        ("5", "50"),
        ("5", "65"),
        ("7", "1"),
        ("9", "6"),
    ], err
    assert "unknown id 'F9'" in err and "write {{ S1.title | unconfirmed }}" in err
    assert "put it in a paragraph of its own" in err and "unknown table 'pies'" in err


def test_the_build_refuses_a_broken_story_before_any_kernel_starts(incident, tmp_path):
    import io

    from taxfirewall.build import build
    from taxfirewall.errors import DataError
    from test_build import report, write_manifest

    _story(incident, "The count was {{ F2.typo }}.\n")
    manifest = write_manifest(
        tmp_path / "reports.toml", [report("story", "04_story", incident=str(incident))]
    )
    log = io.StringIO()
    with pytest.raises(DataError, match=r"story\.md:1:15: a figure has no field 'typo'"):
        build(manifest, tmp_path / "site", stdout=log, stderr=log)
    assert not (tmp_path / "site" / "story.html").exists()


def test_typed_numbers_warn_unless_a_year_a_case_number_a_section_or_allowed(incident, capsys):
    _story(
        incident,
        '---\nallow: ["94-page"]\n---\nIn 2025, under §6103 and section 6103, case No. 25-5181 '
        "(1:25-cv-00457), a 94-page opinion.\n\n1. It counted 47,289 people, 5% of them.\n",
    )
    assert main(["validate", str(incident)]) == 0
    err = capsys.readouterr().err
    warned = re.findall(r"story\.md:(\d+):(\d+): the number '([^']+)' is typed", err)
    assert warned == [("6", "15", "47,289"), ("6", "30", "5%")]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_and_script_payloads_in_a_story_run_nothing(incident):
    edit_cell(incident, "events.csv", "event_id", "E3", "title", "<img src=x onerror=alert(1)>")
    data = _story(
        incident,
        "<script>alert(1)</script> <img src=x onerror=alert(2)> <a href='javascript:alert(3)'>a</a>\n\n"
        "[click](javascript:alert(4)) ![x](x.png) {{ E3.title }}\n\n<div onclick=alert(5)>\n",
    )
    check = check_story(data)
    assert [p.message for p in check.problems] == [
        "images are not placed from the story (a report must work offline): place a chart with {{ chart: funnel }}"
    ]
    (incident / "story.md").write_text(
        (incident / "story.md").read_text(encoding="utf-8").replace("![x](x.png)", ""), encoding="utf-8"
    )
    html = "".join(p.html for p in prose.parts(load_incident(incident), CHARTS) if isinstance(p, Html))
    parser = _Elements()
    parser.feed(html)
    assert {tag for tag, _ in parser.tags} <= {"div", "p"}
    assert not [a for _, attrs in parser.tags for a in attrs if a.startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_charts_and_tables_go_where_the_story_places_them(incident):
    data = _story(
        incident, "First {{ F1 }}.\n\n{{ chart: timeline }}\n\nThen.\n\n{{ table: corrections }}\n\nEnd.\n"
    )
    parts = prose.parts(data, CHARTS)
    assert [p if isinstance(p, str) else type(p).__name__ for p in parts] == [
        "Html",
        "<timeline chart>",
        "Html",
        "Html",
        "Html",
    ]
    assert "1.28 million" in parts[0].html and 'data-tf-section="corrections"' in parts[3].html
    assert "<h2>" not in parts[3].html  # the story's own heading introduces the log


def test_an_incident_without_a_story_gets_the_generated_summary_and_a_desk_note():
    data = load_incident(SYNTHETIC)
    assert check_story(data) is None
    parts = prose.parts(data, CHARTS)
    notes = [p for p in parts if isinstance(p, DeskNote)]
    assert len(notes) == 1 and "story.md" in notes[0].text and "data/README.md" in notes[0].text
    shown = "".join(p.html for p in parts if isinstance(p, Html))
    assert "story.md" not in shown and "tf-narrative" in shown
    assert "<funnel chart>" in parts and "<timeline chart>" in parts


def test_the_irs_story_is_a_checked_news_explainer(irs):
    check = check_story(irs)
    assert check.problems == [] and check.warnings == []
    text = prose_text(irs)
    assert 600 <= len(text.split()) <= 1200, len(text.split())
    source = (IRS / "story.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", source, re.M)
    assert len(headings) >= 5 and any("Correction" in h for h in headings)
    assert "§6103" in text or "section 6103" in text.lower()
    for placed in ("{{ chart: funnel }}", "{{ chart: timeline }}"):
        assert placed in source
    for value in ("1.28 million", "47,289", "2,000–2,364", "about 42,695"):
        assert value in text
    assert not re.search(r"\bseed\b|\.txt\b|\bF\d\b|\bE\d+\b", text)


def _fenced_markdown(text: str, after: str) -> str:
    return re.search(r"```markdown\n(.*?)```", text[text.index(after) :], re.S).group(1)


def test_the_codebook_and_readme_examples_check_and_print_what_the_readme_says(incident):
    from taxfirewall.paths import ROOT

    codebook = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    data = _story(incident, _fenced_markdown(codebook, "### Example"))
    check = check_story(data)
    assert check.problems == [] and check.warnings == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    data = _story(incident, _fenced_markdown(readme, "### Writing the story"))
    said = re.search(r'prints "(.*?)", then the funnel chart', readme, re.S).group(1)
    assert " ".join(prose_text(data).split()) == " ".join(said.split())


def test_re_running_shows_the_edited_story(incident):
    data = _story(incident, "First draft: {{ F2 }}.\n")
    assert "First draft: 47,289." in prose_text(data)
    (incident / "story.md").write_text("Second draft: {{ F1 }}.\n", encoding="utf-8")
    assert "Second draft: 1.28 million." in prose_text(data)  # the same loaded dataset, re-read story
