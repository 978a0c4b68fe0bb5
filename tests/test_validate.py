"""Bad input gets one clear DataError listing file:row:column and what was expected."""

from __future__ import annotations

import json
import time

import pytest

from conftest import edit_cell, read_rows, write_rows
from taxfirewall import DataError, load_incident
from taxfirewall.cli import main
from taxfirewall.validate import MAX_TABLE_BYTES, check_incident


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
    assert_problem(
        incident, "events.csv:0:-", "file is missing", "expected a CSV table with header event_id,"
    )


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
    row = edit_cell(
        incident, "figures.csv", "value_id", target["value_id"], "low", str(int(target["high"]) + 1)
    )
    assert_problem(incident, f"figures.csv:{row}:low", "is above high", "expected low <= high")


def test_value_outside_its_bounds_is_rejected(incident):
    rows = read_rows(incident / "figures.csv")
    target = next(r for r in rows if r["value"] != "" and r["bound"] in ("rounded", "about"))
    row = edit_cell(
        incident, "figures.csv", "value_id", target["value_id"], "value", str(int(target["high"]) + 1)
    )
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


@pytest.mark.parametrize(
    "published, precision, expected",
    [
        ("", "day", "is empty but precision is day (expected a date, or precision unknown)"),
        ("2024-03", "day", "'2024-03' is written to the month but precision says day (expected YYYY-MM-DD)"),
        ("2024-02-30", "day", "'2024-02-30' has day 30 (expected 01-29 for 2024-02)"),
        (
            "2024-03-02",
            "unknown",
            "'2024-03-02' is given but precision is unknown (expected empty, or a precision of day, month or year)",
        ),
    ],
)
def test_a_source_date_must_be_written_to_its_precision(synthetic, published, precision, expected):
    row = edit_cell(synthetic, "sources.csv", "source_id", "gazette-1", "published", published)
    edit_cell(synthetic, "sources.csv", "source_id", "gazette-1", "published_precision", precision)
    assert only_problem(synthetic) == f"sources.csv:{row}:published: {expected}"


def test_unknown_precision_needs_a_year_window(incident):
    event_id = first_id(incident, "events.csv", "event_id")
    row = edit_cell(incident, "events.csv", "event_id", event_id, "date", "")
    edit_cell(incident, "events.csv", "event_id", event_id, "date_precision", "unknown")
    assert_problem(incident, f"events.csv:{row}:window_start", "expected window_start and window_end")


def test_dangling_source_id_in_figures_is_rejected(incident):
    value_id = first_id(incident, "figures.csv", "value_id")
    row = edit_cell(incident, "figures.csv", "value_id", value_id, "source_id", "no-such-source")
    assert_problem(
        incident, f"figures.csv:{row}:source_id", "'no-such-source' is not a source_id in sources.csv"
    )


def test_dangling_source_id_in_event_list_is_rejected(incident):
    event = read_rows(incident / "events.csv")[0]
    row = edit_cell(
        incident, "events.csv", "event_id", event["event_id"], "source_ids", event["source_ids"] + ";ghost"
    )
    assert_problem(incident, f"events.csv:{row}:source_ids", "'ghost' is not a source_id")


def test_duplicated_id_is_rejected(incident):
    rows = read_rows(incident / "sources.csv")
    rows.append(dict(rows[0]))
    write_rows(incident / "sources.csv", rows)
    assert_problem(
        incident, f"sources.csv:{len(rows) + 1}:source_id", f"duplicate id '{rows[0]['source_id']}'"
    )


def test_funnel_stage_larger_than_the_one_before_is_rejected(synthetic):
    edit_cell(synthetic, "figures.csv", "value_id", "read-a", "value", "3000000")
    edit_cell(synthetic, "figures.csv", "value_id", "read-a", "high", "3000000")
    assert_problem(
        synthetic,
        "figure_definitions.csv:4:preferred_value_id",
        "stage 3 (3,000,000) is larger than stage 2 (350,123)",
    )


def test_preferred_value_of_another_figure_is_rejected(synthetic):
    edit_cell(synthetic, "figure_definitions.csv", "figure_id", "read", "preferred_value_id", "held-a")
    assert_problem(synthetic, "figure_definitions.csv:4:preferred_value_id", "reports figure 'held'")


def test_enum_violation_lists_allowed_values(incident):
    event_id = first_id(incident, "events.csv", "event_id")
    row = edit_cell(incident, "events.csv", "event_id", event_id, "category", "scandal")
    assert_problem(
        incident,
        f"events.csv:{row}:category",
        "'scandal' is not allowed",
        "expected one of: request, agreement",
    )


def test_every_problem_is_collected_not_just_the_first(incident):
    edit_cell(
        incident,
        "events.csv",
        "event_id",
        first_id(incident, "events.csv", "event_id"),
        "category",
        "scandal",
    )
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
    edit_cell(
        incident,
        "events.csv",
        "event_id",
        first_id(incident, "events.csv", "event_id"),
        "category",
        "scandal",
    )
    assert main(["validate", str(incident)]) == 2
    err = capsys.readouterr().err
    assert "events.csv:2:category" in err and "Traceback" not in err


def test_cli_validate_prints_a_summary_and_exits_0(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    for word in ("tables:", "figures:", "events:", "date range:", "funnel:"):
        assert word in out
    assert len(out.splitlines()) <= 25, "the summary fits one screen"


# --------------------------------------------------------------------------- bounds


def only_problem(folder) -> str:
    """The one problem a folder has (a check that reports twice fails here)."""
    found = problems_of(folder)
    assert len(found) == 1, "\n".join(found)
    return found[0]


@pytest.mark.parametrize(
    "bound", ["more_than", "at_least", "fewer_than", "at_most", "nearly", "range", "vague"]
)
def test_a_value_under_a_bound_that_carries_none_is_rejected(synthetic, bound):
    row = edit_cell(synthetic, "figures.csv", "value_id", "misused-a", "bound", bound)
    edit_cell(synthetic, "figures.csv", "value_id", "misused-a", "value", "500")
    assert only_problem(synthetic) == (
        f"figures.csv:{row}:value: value 500 is given but bound is {bound} "
        "(expected an empty value: only rounded, about and exact carry a value)"
    )


def test_a_value_outside_bounds_that_carries_none_is_reported_once(synthetic):
    row = edit_cell(synthetic, "figures.csv", "value_id", "misused-a", "value", "5000")
    assert only_problem(synthetic).startswith(
        f"figures.csv:{row}:value: value 5000 is given but bound is vague"
    )


@pytest.mark.parametrize(
    "column, new, expected",
    [
        (
            "high",
            "350124",
            "value 350123, low 350123 and high 350124 differ but bound is exact (expected value = low = high)",
        ),
        ("value", "", "is empty but bound is exact (expected value = low = high: the count the source gave)"),
    ],
)
def test_exact_needs_value_low_and_high_equal(synthetic, column, new, expected):
    row = edit_cell(synthetic, "figures.csv", "value_id", "copied-court", column, new)
    assert only_problem(synthetic) == f"figures.csv:{row}:value: {expected}"


def test_exact_value_outside_its_bounds_is_reported_once_as_not_exact(synthetic):
    row = edit_cell(synthetic, "figures.csv", "value_id", "copied-court", "value", "350124")
    assert only_problem(synthetic).startswith(
        f"figures.csv:{row}:value: value 350124, low 350123 and high 350123 differ"
    )


@pytest.mark.parametrize("bound", ["rounded", "about"])
def test_rounded_and_about_need_a_value(synthetic, bound):
    row = edit_cell(synthetic, "figures.csv", "value_id", "held-a", "bound", bound)
    edit_cell(synthetic, "figures.csv", "value_id", "held-a", "value", "")
    assert only_problem(synthetic) == (
        f"figures.csv:{row}:value: is empty but bound is {bound} "
        "(expected the number the source gave, with low <= value <= high)"
    )


# --------------------------------------------------------------------------- warnings


def warnings_of(folder) -> list[str]:
    """Warnings of a folder that is valid: warnings never make it fail."""
    result = check_incident(folder)
    assert result.problems == [], "\n".join(map(str, result.problems))
    load_incident(folder)
    return [str(w) for w in result.warnings]


def set_meta(folder, **changes) -> None:
    """Edit the descriptor's taxfirewall block; a value of None removes the key."""
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            descriptor["taxfirewall"].pop(key, None)
        else:
            descriptor["taxfirewall"][key] = value
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def test_a_not_found_event_marked_highlight_is_a_warning(synthetic):
    row = edit_cell(synthetic, "events.csv", "event_id", "D", "highlight", "true")
    assert (
        f"events.csv:{row}:highlight: is true but verification is not_found: an unconfirmed event is never shown as a key moment; set highlight to false or find a source"
        in warnings_of(synthetic)
    )


def test_a_funnel_stage_preferring_a_not_found_value_is_a_warning(synthetic):
    edit_cell(synthetic, "figures.csv", "value_id", "read-a", "verification", "not_found")
    assert (
        "figure_definitions.csv:4:preferred_value_id: 'read-a' has verification not_found: the stage is shown as unconfirmed (no public source corroborates it); prefer a sourced value or find a source"
        in warnings_of(synthetic)
    )


def test_a_not_found_context_figure_is_not_a_stage_warning(synthetic):
    edit_cell(synthetic, "figures.csv", "value_id", "fines-a", "verification", "not_found")
    assert not any("preferred_value_id" in w for w in warnings_of(synthetic))


def test_an_event_after_the_latest_source_is_upcoming(synthetic):
    row = edit_cell(synthetic, "events.csv", "event_id", "C", "date", "2025")
    assert (
        f"events.csv:{row}:date: upcoming: dated after the as-of date 2024-05; drawn as scheduled"
        in warnings_of(synthetic)
    )


def test_an_event_after_the_desks_as_of_is_upcoming(synthetic):
    set_meta(synthetic, as_of="2024-01-31")
    found = [w for w in warnings_of(synthetic) if "upcoming" in w]
    # B (February 2024) starts after January 31; C (the year 2024) starts before it
    assert found == ["events.csv:3:date: upcoming: dated after the as-of date 2024-01-31; drawn as scheduled"]


def test_an_undated_event_whose_window_starts_later_is_upcoming(synthetic):
    assert not any("upcoming" in w for w in warnings_of(synthetic))
    row = edit_cell(synthetic, "events.csv", "event_id", "D", "window_start", "2025")
    assert (
        f"events.csv:{row}:window_start: upcoming: dated after the as-of date 2024-05; drawn as scheduled"
        in warnings_of(synthetic)
    )


def test_a_malformed_as_of_is_a_problem(synthetic):
    set_meta(synthetic, as_of="2024-13")
    assert (
        only_problem(synthetic)
        == "datapackage.json:0:taxfirewall.as_of: '2024-13' has month 13 (expected 01-12)"
    )


def test_a_taxfirewall_block_that_is_not_an_object_is_a_problem(synthetic):
    descriptor = json.loads((synthetic / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["taxfirewall"] = "IRS story"
    (synthetic / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert only_problem(synthetic).startswith("datapackage.json:0:taxfirewall: is not an object")


def test_a_missing_taxfirewall_block_warns_for_every_key_with_its_default(synthetic):
    path = synthetic / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    del descriptor["taxfirewall"]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    title = descriptor["title"]
    missing = "is missing (the descriptor has no taxfirewall block), so"
    assert warnings_of(synthetic) == [
        f"datapackage.json:0:taxfirewall.as_of: {missing} the publication date of the latest dated source (2024-05) is used",
        f"datapackage.json:0:taxfirewall.credit: {missing} no credit line is shown",
        f"datapackage.json:0:taxfirewall.funnel_title: {missing} the descriptor's title '{title}' is used",
        f"datapackage.json:0:taxfirewall.short_title: {missing} the descriptor's title '{title}' is used",
        f"datapackage.json:0:taxfirewall.timeline_title: {missing} the descriptor's title '{title}' is used",
    ]


def test_a_missing_or_empty_taxfirewall_key_names_its_default(synthetic):
    set_meta(synthetic, as_of="2024-05-31", credit=None, short_title="")
    assert warnings_of(synthetic) == [
        "datapackage.json:0:taxfirewall.credit: is missing, so no credit line is shown",
        "datapackage.json:0:taxfirewall.short_title: is empty, so the descriptor's title 'Synthetic test incident (made up for tests, not a real event)' is used",
    ]


def test_cli_validate_prints_warnings_and_exits_0(synthetic, capsys):
    row = edit_cell(synthetic, "events.csv", "event_id", "D", "highlight", "true")
    assert main(["validate", str(synthetic)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("valid: ")
    assert f"warning: events.csv:{row}:highlight: is true but verification is not_found" in err
    assert "taxfirewall.as_of" not in err  # optional: the latest source's date is the normal case


def test_cli_validate_prints_problems_and_warnings_and_exits_2(synthetic, capsys):
    edit_cell(synthetic, "events.csv", "event_id", "D", "highlight", "true")
    edit_cell(synthetic, "events.csv", "event_id", "A", "category", "scandal")
    assert main(["validate", str(synthetic)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "events.csv:2:category: 'scandal' is not allowed" in err
    assert "warning: events.csv:5:highlight:" in err


# --------------------------------------------------------------------------- rough edges


def test_enum_expectation_says_how_to_extend_it(synthetic):
    row = edit_cell(synthetic, "figures.csv", "value_id", "held-a", "bound", "guess")
    assert only_problem(synthetic) == (
        f"figures.csv:{row}:bound: 'guess' is not allowed (expected one of: exact, rounded, about, more_than, "
        "at_least, fewer_than, at_most, nearly, range, vague; or extend the enum in datapackage.json)"
    )


def test_a_gap_in_stage_numbers_is_reported_at_the_stage_after_it(synthetic):
    row = edit_cell(synthetic, "figure_definitions.csv", "figure_id", "misused", "stage", "5")
    assert (
        only_problem(synthetic)
        == f"figure_definitions.csv:{row}:stage: stage 5 follows stage 3 (expected 1, 2, 3 ... without gaps: no stage is numbered 4)"
    )


def test_stages_not_starting_at_one_are_reported_at_the_first_stage(synthetic):
    edit_cell(synthetic, "figure_definitions.csv", "figure_id", "held", "stage", "5")
    assert_problem(
        synthetic, "figure_definitions.csv:3:stage: stage 2 is the first stage", "no stage is numbered 1"
    )


def test_a_date_breaking_the_pattern_is_reported_once(synthetic):
    # the schema's pattern error is kept; the domain rule would only restate it
    row = edit_cell(synthetic, "events.csv", "event_id", "A", "date", "2025/04/07")
    assert only_problem(synthetic).startswith(
        f"events.csv:{row}:date: '2025/04/07' is not allowed (expected ISO date"
    )


def test_a_too_long_label_says_its_length(synthetic):
    row = edit_cell(synthetic, "figure_definitions.csv", "figure_id", "held", "label", "x" * 73)
    assert (
        only_problem(synthetic)
        == f"figure_definitions.csv:{row}:label: is 73 characters (expected at most 60 characters)"
    )


def test_a_descriptor_that_is_not_json_is_located_at_its_line(synthetic):
    (synthetic / "datapackage.json").write_text('{\n  "resources": [\n', encoding="utf-8")
    assert (
        only_problem(synthetic)
        == "datapackage.json:3:-: not valid JSON: Expecting value at column 1 (expected a JSON object)"
    )


def test_a_resource_without_a_path_is_named_by_its_position(synthetic):
    descriptor = json.loads((synthetic / "datapackage.json").read_text(encoding="utf-8"))
    del descriptor["resources"][1]["path"]
    (synthetic / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert only_problem(synthetic) == (
        "datapackage.json:0:resources[1]: needs a name, a path and an inline schema"
        " (expected a tabular data resource)"
    )
