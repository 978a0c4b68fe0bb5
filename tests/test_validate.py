"""Bad input gets one clear DataError listing file:row:column and what was expected."""

from __future__ import annotations

import time

import pytest

from taxfirewall import DataError, load_incident
from taxfirewall.cli import main
from taxfirewall.validate import MAX_TABLE_BYTES

from conftest import edit_cell, read_rows, write_rows


def problems_of(folder) -> list[str]:
    with pytest.raises(DataError) as info:
        load_incident(folder)
    return [str(p) for p in info.value.problems]


def assert_problem(folder, *fragments: str) -> list[str]:
    """Exactly the located problems mention every fragment in one line."""
    found = problems_of(folder)
    assert any(all(f in line for f in fragments) for line in found), "\n".join(found)
    return found


def first_id(folder, file, key):
    return read_rows(folder / file)[0][key]


def test_the_shipped_incident_is_valid():
    incident = load_incident()
    assert len(incident.funnel) >= 1 and len(incident.timeline) >= 1


def test_missing_file_is_named(incident):
    (incident / "events.csv").unlink()
    assert_problem(incident, "events.csv:0:-", "file is missing", "expected a CSV table with header event_id,")


def test_missing_incident_folder_is_one_clear_error(tmp_path):
    assert_problem(tmp_path / "nope", "datapackage.json", "does not exist")


def test_empty_file_is_rejected(incident):
    (incident / "sources.csv").write_bytes(b"")
    assert_problem(incident, "sources.csv:0:-", "file is empty", "expected a header row")


def test_missing_column_is_named(incident):
    rows = read_rows(incident / "figures.csv")
    for r in rows:
        del r["as_reported"]
    write_rows(incident / "figures.csv", rows)
    assert_problem(incident, "figures.csv:1:as_reported", "column is missing")


def test_extra_column_is_named(incident):
    rows = read_rows(incident / "events.csv")
    for r in rows:
        r["mood"] = "x"
    write_rows(incident / "events.csv", rows)
    assert_problem(incident, "events.csv:1:mood", "unknown column")


def test_renamed_column_is_reported_as_a_rename(incident):
    text = (incident / "figures.csv").read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    (incident / "figures.csv").write_text(header.replace(",high,", ",upper,") + "\n" + rest, encoding="utf-8")
    assert_problem(incident, "figures.csv:1:upper", "renamed?", "expected 'high'")


def test_reordered_columns_are_accepted(incident):
    rows = read_rows(incident / "sources.csv")
    names = list(rows[0].keys())
    write_rows(incident / "sources.csv", rows, names[::-1])
    load_incident(incident)


def test_semicolon_delimited_file_is_explained(incident):
    text = (incident / "sources.csv").read_text(encoding="utf-8")
    (incident / "sources.csv").write_text(text.replace(",", ";"), encoding="utf-8")
    assert_problem(incident, "sources.csv:1:-", "separated by semicolons", "expected commas")


def test_non_utf8_bytes_are_located(incident):
    path = incident / "events.csv"
    rows = read_rows(path)
    rows[2]["title"] = "Caf\u00e9 ruling"
    write_rows(path, rows)
    path.write_bytes(path.read_bytes().replace("Caf\u00e9".encode("utf-8"), "Caf\u00e9".encode("latin-1")))
    assert_problem(incident, "events.csv:4:title", "not UTF-8", "expected UTF-8")


@pytest.mark.parametrize("bad", ["1,2 million", "47.000", "about 47000", "4.7e4"])
def test_numbers_written_as_words_or_with_separators_are_rejected(incident, bad):
    value_id = first_id(incident, "figures.csv", "value_id")
    row = edit_cell(incident, "figures.csv", "value_id", value_id, "low", bad)
    assert_problem(incident, f"figures.csv:{row}:low", f"'{bad}'", "expected a whole number")


def test_negative_count_is_rejected(incident):
    value_id = first_id(incident, "figures.csv", "value_id")
    row = edit_cell(incident, "figures.csv", "value_id", value_id, "low", "-5")
    assert_problem(incident, f"figures.csv:{row}:low", "'-5'", "expected at least 0")


def test_low_above_high_is_rejected(incident):
    rows = read_rows(incident / "figures.csv")
    target = next(r for r in rows if r["value"] == "")
    row = edit_cell(incident, "figures.csv", "value_id", target["value_id"], "low", str(int(target["high"]) + 1))
    assert_problem(incident, f"figures.csv:{row}:low", "is above high", "expected low <= high")


def test_value_outside_its_bounds_is_rejected(incident):
    rows = read_rows(incident / "figures.csv")
    target = next(r for r in rows if r["value"] != "")
    row = edit_cell(incident, "figures.csv", "value_id", target["value_id"], "value", str(int(target["high"]) + 1))
    assert_problem(incident, f"figures.csv:{row}:value", "is above high", "expected low <= value <= high")


@pytest.mark.parametrize(
    "date, precision, expected",
    [
        ("2025-13-01", "day", "has month 13 (expected 01-12)"),
        ("2025-02-30", "day", "has day 30"),
        ("April", "day", "'April' is not allowed"),
        ("2025-04", "day", "written to the month but precision says day"),
        ("2025", "month", "written to the year but precision says month"),
    ],
)
def test_bad_event_dates_are_rejected(incident, date, precision, expected):
    event_id = next(r for r in read_rows(incident / "events.csv") if r["date_precision"] == "day")["event_id"]
    row = edit_cell(incident, "events.csv", "event_id", event_id, "date", date)
    edit_cell(incident, "events.csv", "event_id", event_id, "date_precision", precision)
    assert_problem(incident, f"events.csv:{row}:date", expected)


def test_unknown_precision_needs_a_year_window(incident):
    event_id = first_id(incident, "events.csv", "event_id")
    row = edit_cell(incident, "events.csv", "event_id", event_id, "date", "")
    edit_cell(incident, "events.csv", "event_id", event_id, "date_precision", "unknown")
    assert_problem(incident, f"events.csv:{row}:window_start", "expected window_start and window_end")


def test_dangling_source_id_in_figures_is_rejected(incident):
    value_id = first_id(incident, "figures.csv", "value_id")
    row = edit_cell(incident, "figures.csv", "value_id", value_id, "source_id", "no-such-source")
    assert_problem(incident, f"figures.csv:{row}:source_id", "'no-such-source' is not a source_id in sources.csv")


def test_dangling_source_id_in_event_list_is_rejected(incident):
    event = read_rows(incident / "events.csv")[0]
    row = edit_cell(incident, "events.csv", "event_id", event["event_id"], "source_ids", event["source_ids"] + ";ghost")
    assert_problem(incident, f"events.csv:{row}:source_ids", "'ghost' is not a source_id")


def test_duplicated_id_is_rejected(incident):
    rows = read_rows(incident / "sources.csv")
    rows.append(dict(rows[0]))
    write_rows(incident / "sources.csv", rows)
    assert_problem(incident, f"sources.csv:{len(rows) + 1}:source_id", f"duplicate id '{rows[0]['source_id']}'")


def test_funnel_stage_larger_than_the_one_before_is_rejected(synthetic):
    edit_cell(synthetic, "figures.csv", "value_id", "read-a", "value", "3000000")
    edit_cell(synthetic, "figures.csv", "value_id", "read-a", "high", "3000000")
    assert_problem(synthetic, "figure_definitions.csv:4:preferred_value_id", "stage 3 (3,000,000) is larger than stage 2 (350,123)")


def test_preferred_value_of_another_figure_is_rejected(synthetic):
    edit_cell(synthetic, "figure_definitions.csv", "figure_id", "read", "preferred_value_id", "held-a")
    assert_problem(synthetic, "figure_definitions.csv:4:preferred_value_id", "reports figure 'held'")


def test_enum_violation_lists_allowed_values(incident):
    event_id = first_id(incident, "events.csv", "event_id")
    row = edit_cell(incident, "events.csv", "event_id", event_id, "category", "scandal")
    assert_problem(incident, f"events.csv:{row}:category", "'scandal' is not allowed", "expected one of: request, agreement")


def test_every_problem_is_collected_not_just_the_first(incident):
    edit_cell(incident, "events.csv", "event_id", first_id(incident, "events.csv", "event_id"), "category", "scandal")
    edit_cell(incident, "figures.csv", "value_id", first_id(incident, "figures.csv", "value_id"), "low", "-1")
    (incident / "corrections.csv").write_bytes(b"")
    found = problems_of(incident)
    assert len(found) == 3
    assert {line.split(":")[0] for line in found} == {"events.csv", "figures.csv", "corrections.csv"}


def test_html_payload_in_text_is_kept_verbatim(incident):
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)> \"quoted\""
    event_id = first_id(incident, "events.csv", "event_id")
    edit_cell(incident, "events.csv", "event_id", event_id, "description", payload)
    loaded = load_incident(incident)
    assert payload in set(loaded.events["description"])


def test_fifty_megabyte_file_fails_fast(incident):
    path = incident / "sources.csv"
    with open(path, "ab") as fh:
        fh.write(b"x" * (50 * 1024 * 1024))
    started = time.perf_counter()
    found = assert_problem(incident, "sources.csv:0:-", "too large", f"at most {MAX_TABLE_BYTES // 2**20} MB")
    assert time.perf_counter() - started < 5, "a huge file must be refused before it is parsed"
    assert len(found) == 1


def test_byte_order_mark_and_windows_line_endings_are_accepted(incident):
    for name in ("sources.csv", "events.csv", "figures.csv"):
        path = incident / name
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    reference = load_incident()
    loaded = load_incident(incident)
    assert list(loaded.sources["source_id"]) == list(reference.sources["source_id"])
    assert loaded.events["description"].tolist() == reference.events["description"].tolist()


def test_spaces_around_ids_are_accepted(incident):
    value_id = first_id(incident, "figures.csv", "value_id")
    source = read_rows(incident / "figures.csv")[0]["source_id"]
    edit_cell(incident, "figures.csv", "value_id", value_id, "source_id", f"  {source} ")
    loaded = load_incident(incident)
    assert source in set(loaded.figures["source_id"])


def test_cli_validate_prints_each_problem_and_exits_2(incident, capsys):
    edit_cell(incident, "events.csv", "event_id", first_id(incident, "events.csv", "event_id"), "category", "scandal")
    assert main(["validate", str(incident)]) == 2
    err = capsys.readouterr().err
    assert "events.csv:2:category" in err and "Traceback" not in err


def test_cli_validate_prints_a_summary_and_exits_0(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    for word in ("tables:", "figures:", "events:", "date range:", "funnel:"):
        assert word in out
    assert len(out.splitlines()) <= 25, "the summary fits one screen"
