"""The incident's own words in Spanish come from its package's translations table, and a
Spanish load never mixes English in: a missing text is a located error."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import IRS, SYNTHETIC, read_rows, write_rows
from taxfirewall import i18n, translations
from taxfirewall.cli import main
from taxfirewall.data import load_incident
from taxfirewall.errors import DataError
from taxfirewall.validate import check_incident

MISSING_E3_TITLE = (
    "events.csv:4:title: no Spanish translation (expected a row in translations.csv: "
    "table=events, record_id=E3, field=title, lang=es)"
)


def _drop_row(folder, **key) -> None:
    path = folder / "translations.csv"
    rows = read_rows(path)
    kept = [r for r in rows if any(r[k] != v for k, v in key.items())]
    assert len(kept) == len(rows) - 1
    write_rows(path, kept)


def _add_rows(folder, *rows) -> int:
    """Append translation rows; returns the spreadsheet row number of the first."""
    path = folder / "translations.csv"
    existing = read_rows(path)
    write_rows(path, existing + [dict(zip(("table", "record_id", "field", "lang", "text"), r)) for r in rows])
    return len(existing) + 2


def _problems(folder) -> list[str]:
    return [str(p) for p in check_incident(folder).problems]


def test_spanish_load_gives_spanish_labels_titles_and_headings():
    es = load_incident(lang="es")
    fd = es.figure_definitions.set_index("figure_id")
    assert fd.at["F1", "label"] == "Personas cuyas direcciones pidió ICE"
    assert es.events.set_index("event_id").at["E3", "title"] == "Firman el acuerdo entre el IRS y el DHS"
    assert es.meta["funnel_title"] == "Lo que pidió ICE y lo que entregó el IRS"
    assert es.title.startswith("El IRS comparte direcciones")
    assert es.lang == "es"
    assert es.funnel["share_label"].iloc[1] == "las solicitadas"
    assert "Personas de las que el IRS devolvió direcciones" in set(es.preferred["label"])


def test_spanish_load_keeps_the_sources_wording_and_glosses_it_beside():
    en, es = load_incident(lang="en"), load_incident(lang="es")
    assert list(es.figures["as_reported"]) == list(en.figures["as_reported"])
    # an outlet's bare name stays; one the desk describes, or a court, reads in Spanish
    outlets = dict(zip(en.sources["outlet"], es.sources["outlet"]))
    assert outlets["Reuters"] == "Reuters" and outlets["The Washington Post"] == "The Washington Post"
    assert (
        outlets["MS NOW (column quoting The Washington Post)"]
        == "MS NOW (columna que cita a The Washington Post)"
    )
    assert outlets["U.S. District Court for the District of Columbia"].startswith("Tribunal de Distrito")
    glosses = es.figures.set_index("value_id")["as_reported_gloss"]
    assert glosses["F3-seed-000"] == "miles"
    assert es.preferred.set_index("figure_id").at["F3", "as_reported"] == "fewer than 5%"
    # a published title stays; a bracketed one is the desk's and is translated
    titles = es.sources.set_index("source_id")["title"]
    assert titles["itep-2024-07-30"] == "Tax Payments by Undocumented Immigrants"
    assert titles["seed-000"].startswith("[columna de opinión")


def test_english_load_is_unchanged_and_has_no_translation_columns():
    en = load_incident(lang="en")
    assert (
        en.figure_definitions.set_index("figure_id").at["F1", "label"]
        == "People whose addresses ICE requested"
    )
    assert "as_reported_gloss" not in en.figures and "translations" not in en.tables
    assert en.title == json.loads((IRS / "datapackage.json").read_text())["title"]
    assert set(en.summary()["tables"]) == {
        "sources",
        "figure_definitions",
        "figures",
        "events",
        "corrections",
    }


def test_the_default_language_is_the_current_one():
    with i18n.use("es"):
        assert load_incident().lang == "es"
    assert load_incident().lang == "en"


def test_every_translatable_text_of_the_shipped_incident_has_spanish():
    assert translations.missing(IRS, "es") == []


def test_the_descriptor_lists_exactly_the_translatable_fields():
    res = {r["name"]: r for r in json.loads((IRS / "datapackage.json").read_text())["resources"]}
    fields = {f["name"]: f for f in res["translations"]["schema"]["fields"]}
    names = set(translations.TRANSLATABLE) | set(translations.GLOSSES)
    assert set(fields["table"]["constraints"]["enum"]) == names
    allowed = {f for t in (translations.TRANSLATABLE, translations.GLOSSES) for fs in t.values() for f in fs}
    assert set(fields["field"]["constraints"]["enum"]) == allowed


def test_an_incident_without_translations_is_valid_in_english(incident, capsys):
    (incident / "translations.csv").unlink()
    assert check_incident(incident).ok
    assert load_incident(incident, lang="en").figure_definitions is not None
    assert load_incident(SYNTHETIC, lang="en").lang == "en"


def test_without_translations_validate_lang_es_lists_every_text_and_exits_2(incident, capsys):
    (incident / "translations.csv").unlink()
    assert main(["validate", "--lang", "es", str(incident)]) == 2
    err = capsys.readouterr().err
    assert MISSING_E3_TITLE in err
    assert "figure_definitions.csv:2:label: no Spanish translation" in err
    assert "datapackage.json:0:funnel_title: no Spanish translation" in err
    assert "figures.csv:2:as_reported" not in err  # a gloss is optional


def test_a_deleted_row_is_located_by_validate_lang_es(incident, capsys):
    _drop_row(incident, table="events", record_id="E3", field="title")
    assert main(["validate", "--lang", "es", str(incident)]) == 2
    err = capsys.readouterr().err
    assert "1 problem(s)" in err and MISSING_E3_TITLE in err


def test_validate_without_lang_ignores_missing_translations(incident, monkeypatch):
    _drop_row(incident, table="events", record_id="E3", field="title")
    assert check_incident(incident).ok


def test_loading_in_spanish_with_a_missing_translation_names_it(incident):
    _drop_row(incident, table="figure_definitions", record_id="F2", field="share_label")
    with pytest.raises(DataError) as exc:
        load_incident(incident, lang="es")
    assert [str(p) for p in exc.value.problems] == [
        "figure_definitions.csv:3:share_label: no Spanish translation (expected a row in translations.csv: "
        "table=figure_definitions, record_id=F2, field=share_label, lang=es)"
    ]
    assert load_incident(incident, lang="en").lang == "en"


def test_missing_takes_a_loaded_incident_too(incident):
    _drop_row(incident, table="events", record_id="E3", field="title")
    en = load_incident(incident, lang="en")
    assert [str(p) for p in translations.missing(en, "es")] == [MISSING_E3_TITLE]


@pytest.mark.parametrize(
    "row, column, expected",
    [
        (("pages", "E3", "title", "es", "x"), "table", "'pages' is not allowed"),
        (("events", "E99", "title", "es", "x"), "record_id", "'E99' is not a row of events"),
        (("events", "E3", "category", "es", "x"), "field", "'category' is not allowed"),
        (
            ("sources", "ap-2025-04-08", "label", "es", "x"),
            "field",
            "'label' of sources is not translatable",
        ),
        (("events", "E1", "seed_wording", "es", "x"), "field", "seed_wording of events E1 is empty"),
        (("sources", "itep-2024-07-30", "title", "es", "x"), "field", "is a published title"),
        (("events", "E3", "title", "es", "y" * 41), "text", "expected at most 40, as events.title"),
        (("events", "E3", "description", "es", ""), "text", "required"),
        (("events", "E3", "description", "fr", "x"), "lang", "'fr'"),
    ],
)
def test_bad_translation_rows_are_located_by_row_and_column(incident, row, column, expected):
    number = _add_rows(incident, row)
    mine = [p for p in _problems(incident) if p.startswith(f"translations.csv:{number}:{column}:")]
    assert mine and expected in mine[0], _problems(incident)


def test_a_repeated_key_is_rejected(incident):
    number = _add_rows(incident, ("events", "E3", "title", "es", "Otro título"))
    assert any(
        p.startswith(f"translations.csv:{number}:") and "duplicate id 'events, E3, title, es'" in p
        for p in _problems(incident)
    )


def test_english_is_not_a_language_to_translate_into(incident):
    rows = read_rows(incident / "translations.csv")
    res = json.loads((incident / "datapackage.json").read_text())
    for r in res["resources"]:
        if r["name"] == "translations":
            r["schema"]["fields"][3]["constraints"]["enum"] = ["en", "es"]
    (incident / "datapackage.json").write_text(json.dumps(res))
    number = _add_rows(incident, ("events", "E3", "title", "en", "x"))
    assert len(rows) + 2 == number
    assert any(
        p.startswith(f"translations.csv:{number}:lang:") and "not a language we translate into" in p
        for p in _problems(incident)
    )


def test_the_fixture_incidents_stay_english_only(tmp_path):
    for folder in (SYNTHETIC, SYNTHETIC.parent / "edge-incident"):
        copy = tmp_path / folder.name
        shutil.copytree(folder, copy)
        assert check_incident(copy).ok
