"""A second made-up incident, end to end: the edge cases the codebook promises readers.

``tests/fixtures/edge-incident/`` (the Eldmoor address-sharing case, invented) was written
from ``data/README.md`` alone. Every check here runs on a copy of it in a tmp folder:

* funnel: 1 "more than 12 million" (more_than: 12,000,001, high 12,999,999 only a storage
  convention), 2 "millions" (vague 2,000,000-9,999,999, anonymous sources), 3 "about
  310,000" (about, official report), 4 "between 900 and 1,400" (range, not independently
  verified). Shares, worked out by hand from the supported ends and rounded outward:
  stage 2 "at most 84%" (9,999,999 / 12,000,001 = 83.3%, up; the previous stage has no
  supported high, so no low), stage 3 "3.1-15.5%" (310,000 / 9,999,999 = 3.1000003%,
  down; 310,000 / 2,000,000 = 15.5%, up), stage 4 "0.2-0.5%" (900 / 310,000 = 0.29%, down;
  1,400 / 310,000 = 0.45%, up);
* context: "nearly 80 million" tax returns (also reported as 78 and 79 million), a
  contract of "$4,812,500" (exact, court record) against an unconfirmed "$12 million";
* events at day, month, year and unknown precision; EV6 is ``not_found`` yet highlighted
  (never a key moment; the validator warns); EV8 (September 15, 2026) falls after the
  latest source (March 2, 2026), so it is upcoming and the validator warns.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, read_rows
from taxfirewall.cli import main
from taxfirewall.validate import check_incident
from test_build import report, write_manifest

EDGE = Path(__file__).resolve().parent / "fixtures" / "edge-incident"
BIN = Path(sys.executable).parent
TAXFIREWALL = str(BIN / "taxfirewall")
PAPERMILL = str(BIN / "papermill")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
VEGALITE_MIME = "application/vnd.vegalite.v5+json"

EN = "\u2013"
AS_OF = "March 2, 2026"  # tern-2026-03-02, the latest dated source; no as_of key is set
STAGE_WORDS = ("more than 12 million", "millions", "about 310,000", f"900{EN}1,400")
SHARE_STAGE_3 = f"3.1{EN}15.5%"
SHARE_STAGE_2 = "at most 84%"
SHARE_STAGE_4 = f"0.2{EN}0.5%"
# the storage convention behind "more than 12 million": never shown to a reader
CONVENTION = ("12,999,999", f"12{EN}13 million", "12-13 million")
WEAK_STAGE_WORDS = ("anonymous sources", "not independently verified")  # stages 2 and 4
NOT_FOUND_TITLE = "Commissioner Orlobar resigns"  # EV6, highlight true, not_found
UPCOMING_TITLE = "Appeal hearing set"  # EV8, after the as-of date
KEY_TITLES = (
    "TEU asks for taxpayer records",
    "Bureau and TEU sign a sharing pact",
    "Court pauses the sharing",
)

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = rf"(?:(?:{MONTHS}) \d{{1,2}}, \d{{4}}|(?:{MONTHS}) \d{{4}}|\d{{4}})"
# phrases that state what the data is current to (not "scheduled after ...")
AS_OF_PHRASES = (
    re.compile(rf"\b(?:current to|as of|up to date to|data to)\s+({DATE})", re.I),
    re.compile(rf"({DATE}),? the date the data is current to", re.I),
)


def _copy(dest_parent: Path) -> Path:
    dest = dest_parent / "edge-incident"
    shutil.copytree(EDGE, dest)
    return dest


@pytest.fixture
def edge(tmp_path) -> Path:
    return _copy(tmp_path)


def _row_of(event_id: str) -> int:
    """Spreadsheet row of an event in the fixture's events.csv."""
    ids = [r["event_id"] for r in read_rows(EDGE / "events.csv")]
    return ids.index(event_id) + 2


def _mentions(line: str, event_id: str, title: str) -> bool:
    return event_id in line or f"events.csv:{_row_of(event_id)}:" in line or title in line


def _as_of_dates(text: str) -> list[str]:
    return [m.group(1) for rx in AS_OF_PHRASES for m in rx.finditer(text)]


# --------------------------------------------------------------------------- the fixture itself


def test_fixture_validates_without_problems():
    result = check_incident(EDGE)
    assert result.ok, [str(p) for p in result.problems]


def test_fixture_still_exercises_what_it_is_for():
    """A guard on the fixture: editing it must not quietly drop an edge case."""
    figures = read_rows(EDGE / "figures.csv")
    defs = {d["figure_id"]: d for d in read_rows(EDGE / "figure_definitions.csv")}
    events = read_rows(EDGE / "events.csv")
    statuses = {r["verification"] for r in figures} | {r["verification"] for r in events}
    assert statuses == {
        "court_record",
        "official_report",
        "named_source",
        "anonymous_sources",
        "outlet_calculation",
        "model_estimate",
        "not_independently_verified",
        "not_found",
    }
    assert {
        "nearly",
        "at_least",
        "at_most",
        "exact",
        "rounded",
        "about",
        "more_than",
        "fewer_than",
        "vague",
        "range",
    } <= {r["bound"] for r in figures}
    by_id = {r["value_id"]: r for r in figures}
    stages = sorted((d for d in defs.values() if d["role"] == "funnel"), key=lambda d: int(d["stage"]))
    assert [by_id[d["preferred_value_id"]]["bound"] for d in stages] == [
        "more_than",
        "vague",
        "about",
        "range",
    ]
    assert [by_id[d["preferred_value_id"]]["verification"] for d in stages][1::2] == [
        "anonymous_sources",
        "not_independently_verified",
    ]
    assert all(d["sentence_label"] for d in stages)
    assert any(d["unit"] == "usd" for d in defs.values() if d["role"] == "context")
    assert {e["date_precision"] for e in events} == {"day", "month", "year", "unknown"}
    ev = {e["event_id"]: e for e in events}
    assert (ev["EV6"]["verification"], ev["EV6"]["highlight"]) == ("not_found", "true")
    latest = max(s["published"] for s in read_rows(EDGE / "sources.csv") if s["published"])
    assert latest == "2026-03-02" and ev["EV8"]["date"] > latest
    assert any(e["seed_wording"] for e in events)
    meta = json.loads((EDGE / "datapackage.json").read_text(encoding="utf-8"))["taxfirewall"]
    assert (
        "as_of" not in meta
        and "made up for tests" in json.loads((EDGE / "datapackage.json").read_text())["title"]
    )


def test_reader_facing_cells_are_written_for_readers():
    """The codebook's reader-facing cells: no internal words, placeholders or file names."""
    cells = []
    for r in read_rows(EDGE / "figure_definitions.csv"):
        cells += [r["label"], r["sentence_label"], r["description"], r["preferred_reason"], r["share_label"]]
    for r in read_rows(EDGE / "figures.csv"):
        cells += [r["attributed_to"], r["as_reported"]]
    for r in read_rows(EDGE / "events.csv"):
        cells += [r["title"], r["description"], r["seed_wording"], r["actors"]]
    for r in read_rows(EDGE / "sources.csv"):
        cells += [r["outlet"], r["title"], r["verification"]]
    for cell in cells:
        assert not re.search(r"\bseed|unnamed outlet|\.txt\b|_", cell, re.I), cell


# --------------------------------------------------------------------------- validate


def _validate(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([TAXFIREWALL, "validate", str(folder)], capture_output=True, text=True, timeout=120)


def test_validate_exits_0_and_warns_about_the_unconfirmed_key_moment_and_the_upcoming_event(edge):
    proc = _validate(edge)
    assert proc.returncode == 0, proc.stderr
    assert "Eldmoor" in proc.stdout
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning: ")]
    assert any(_mentions(w, "EV6", NOT_FOUND_TITLE) for w in warnings), proc.stderr
    assert any(_mentions(w, "EV8", UPCOMING_TITLE) for w in warnings), proc.stderr
    # the undated event (window 2025-2026) is not "dated after" the as-of date
    assert not any(_mentions(w, "EV4", "Bureau opens an internal audit") for w in warnings), proc.stderr


def test_validate_summary_words_each_stage_as_its_source_did(edge):
    """The one-screen summary is the data summary: the source's direction and qualifier,
    never the convention's far end, and the one as-of date."""
    out = _validate(edge).stdout
    for words in STAGE_WORDS:
        assert words in out, words
    for bad in CONVENTION:
        assert bad not in out, bad
    assert AS_OF in out


# --------------------------------------------------------------------------- export


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("edge-export")
    data = _copy(tmp)
    out = tmp / "charts"
    assert main(["export", "--data", str(data), "--out", str(out)]) == 0
    return out


def _funnel_texts(exported: Path) -> tuple[str, str]:
    return (
        (exported / "funnel" / "alt.txt").read_text(encoding="utf-8"),
        (exported / "funnel" / "data.csv").read_text(encoding="utf-8"),
    )


@pytest.mark.slow
def test_export_words_each_stage_as_reported_and_never_shows_the_convention(exported):
    alt, csv = _funnel_texts(exported)
    for name, text in (("alt.txt", alt), ("data.csv", csv)):
        for words in STAGE_WORDS:
            assert words in text, (name, words)
        for bad in CONVENTION:
            assert bad not in text, (name, bad)


@pytest.mark.slow
def test_export_shares_are_ranges_rounded_outward(exported):
    alt, csv = _funnel_texts(exported)
    for name, text in (("alt.txt", alt), ("data.csv", csv)):
        assert SHARE_STAGE_3 in text, name
        assert SHARE_STAGE_2 in text, name
        assert SHARE_STAGE_4 in text, name


@pytest.mark.slow
def test_export_alt_text_names_each_weak_stage_status(exported):
    alt, _ = _funnel_texts(exported)
    for words in WEAK_STAGE_WORDS:
        assert words in alt, words


@pytest.mark.slow
def test_export_alt_texts_state_the_one_as_of_date(exported):
    for chart in ("funnel", "timeline"):
        alt = (exported / chart / "alt.txt").read_text(encoding="utf-8")
        named = _as_of_dates(alt)
        assert named, (chart, "the alt text never says what the data is current to")
        assert set(named) == {AS_OF}, (chart, named)


@pytest.mark.slow
def test_export_timeline_never_draws_the_unconfirmed_event_as_a_key_moment(exported):
    import csv

    with open(exported / "timeline" / "data.csv", newline="", encoding="utf-8") as fh:
        rows = {r["event_id"]: r for r in csv.DictReader(fh)}
    assert rows["EV6"]["highlight"] == "False"
    assert rows["EV8"]["upcoming"] == "True"
    alt = (exported / "timeline" / "alt.txt").read_text(encoding="utf-8")
    key_part = alt.split("key moments", 1)[1].split(".", 1)[0] if "key moments" in alt else ""
    assert all(t in key_part for t in KEY_TITLES), key_part
    assert NOT_FOUND_TITLE not in key_part


# --------------------------------------------------------------------------- notebooks


def _notebook_text(nb: dict) -> str:
    """Everything a reader of the executed notebook sees in its outputs."""
    parts = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            if "text" in o:
                parts.append("".join(o["text"]))
            for mime, value in o.get("data", {}).items():
                if mime == VEGALITE_MIME:
                    parts.append(str(value.get("description", "")))
                elif mime.startswith("text/"):
                    parts.append("".join(value) if isinstance(value, list) else str(value))
    return html.unescape("\n".join(parts))


@pytest.fixture(scope="module")
def edge_copy(tmp_path_factory) -> Path:
    return _copy(tmp_path_factory.mktemp("edge-nb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_on_the_edge_incident(path, edge_copy, tmp_path):
    out = tmp_path / "out.ipynb"
    proc = subprocess.run(
        [PAPERMILL, str(path), str(out), "-p", "incident", str(edge_copy), "--no-progress-bar"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    error = (
        proc.stderr[proc.stderr.find("Exception encountered") :]
        if "Exception encountered" in proc.stderr
        else proc.stderr
    )
    assert proc.returncode == 0, error[-3000:]
    assert "Passed unknown parameter" not in proc.stderr
    text = _notebook_text(json.loads(out.read_text(encoding="utf-8")))
    assert "Eldmoor" in text or "TEU" in text
    assert not re.search(r"\bIRS\b|\bICE\b", text)  # nothing from the real story leaks in
    if path.stem in ("02_funnel", "04_story"):
        for words in STAGE_WORDS:
            assert words in text, words
        assert SHARE_STAGE_3 in text
        for bad in CONVENTION:
            assert bad not in text, bad
    if path.stem == "04_story":
        for words in WEAK_STAGE_WORDS:
            assert words in text, words
        assert set(_as_of_dates(text)) == {AS_OF}
        assert not re.search(r"\bseed", text, re.I)


# --------------------------------------------------------------------------- build


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("edge-build")
    data = _copy(tmp)
    manifest = write_manifest(tmp / "reports.toml", [report("edge-story", "04_story", incident=str(data))])
    out = tmp / "out"
    rc = main(["build", "--manifest", manifest, "--out", str(out)])
    return {"rc": rc, "out": out, "page": out / "edge-story.html"}


BLOCK_TAGS = (
    "p",
    "li",
    "ul",
    "ol",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "main",
    "aside",
    "figure",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "br",
    "title",
    "details",
    "summary",
    "blockquote",
)
_BLOCK = re.compile(rf"</?(?:{'|'.join(BLOCK_TAGS)})\b[^>]*>", re.I)


def _visible_blocks(page: str) -> list[str]:
    """The page's text as a reader sees it, one string per block element."""
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = _BLOCK.sub("\n\n", page)
    page = re.sub(r"<[^>]+>", "", page)
    blocks = [re.sub(r"\s+", " ", html.unescape(b)).strip() for b in page.split("\n\n")]
    return [b for b in blocks if b]


def _page(built) -> str:
    assert built["rc"] == 0, "the build failed; see the report's entry under _failed/"
    assert built["page"].is_file()
    return built["page"].read_text(encoding="utf-8")


@pytest.mark.slow
def test_build_writes_the_edge_story(built):
    _page(built)


@pytest.mark.slow
def test_build_never_lists_the_unconfirmed_event_as_a_key_moment(built):
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", _page(built), flags=re.S | re.I)
    m = re.search(r"Key moments", page)
    assert m, "the story lists no key moments although three events are highlighted and sourced"
    lst = re.search(r"<(ul|ol)\b[^>]*>(.*?)</\1>", page[m.end() :], re.S)
    assert lst, "no list after 'Key moments'"
    moments = html.unescape(re.sub(r"<[^>]+>", " ", lst.group(2)))
    for title in KEY_TITLES:
        assert title in moments, title
    assert NOT_FOUND_TITLE not in moments
    assert UPCOMING_TITLE not in moments  # not highlighted


@pytest.mark.slow
def test_build_states_one_as_of_date_once_per_surface(built):
    blocks = _visible_blocks(_page(built))
    named = [(b, _as_of_dates(b)) for b in blocks]
    every = [d for _, ds in named for d in ds]
    assert every, "the page never says what the data is current to"
    assert set(every) == {AS_OF}, sorted(set(every))
    for block, dates in named:
        assert len(dates) <= 1, block  # each surface states it once


@pytest.mark.slow
def test_build_visible_text_has_no_internal_words(built):
    text = "\n".join(_visible_blocks(_page(built)))
    assert not re.search(r"\bseed", text, re.I), re.findall(r".{0,60}\bseed.{0,60}", text, re.I)
    for bad in ("Unnamed outlet", ".txt", "not_found", "(("):
        assert bad not in text, (bad, re.findall(rf".{{0,60}}{re.escape(bad)}.{{0,60}}", text))


@pytest.mark.slow
def test_build_words_each_stage_as_reported_and_never_shows_the_convention(built):
    text = "\n".join(_visible_blocks(_page(built)))
    for words in (*STAGE_WORDS, SHARE_STAGE_3, *WEAK_STAGE_WORDS, "nearly 80 million"):
        assert words in text, words
    for bad in CONVENTION:
        assert bad not in text, (bad, re.findall(rf".{{0,60}}{re.escape(bad)}.{{0,60}}", text))
    assert "Medicaid enrollees" in text and "medicaid" not in text  # a label keeps its capitals


@pytest.mark.slow
def test_build_shows_an_exact_amount_as_the_source_gave_it(built):
    """The codebook: an exact count reads in full ("47,289"), whatever its size; the
    court's exact $4,812,500 is not a rounded $4.81 million."""
    text = "\n".join(_visible_blocks(_page(built)))
    assert "$4,812,500" in text
    assert not re.search(r"Cost of the TEU matching contract: \$4\.81 million", text)
