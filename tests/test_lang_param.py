"""The ``lang`` parameter end to end: notebooks declare it, reports.toml and matrices set it,
the build and the exports refuse a Spanish edition of an incident with an untranslated
text before anything runs or is written (no kernels here, except the one slow build)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import IRS, ROOT, write_rows
from taxfirewall.build.editions import alternates
from taxfirewall.cli import main
from taxfirewall.manifest import ManifestError, check_reports, load_manifest
from taxfirewall.notebook import read_parameters
from taxfirewall.translations import missing
from test_build import NB, report, run_cli, write_manifest
from test_manifest_matrix import manifest_of, matrix_toml

SPANISH = {
    "story-light-es": "story-light",
    "funnel-zoom-es": "funnel-zoom",
    "timeline-full-es": "timeline-full",
}
EXPECTED_ROW = re.compile(
    r"table=(?P<table>[^,]+), record_id=(?P<record_id>.+), field=(?P<field>[^,]+), lang=es"
)


def translated(folder, leave_out: int | None = None) -> list:
    """Give ``folder`` a translations table with a Spanish text for every reader-facing text
    (each its own filler words), but for the one numbered ``leave_out``; returns what is missing."""
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    if not any(r["name"] == "translations" for r in descriptor["resources"]):
        shipped = json.loads((IRS / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["resources"].append(next(r for r in shipped["resources"] if r["name"] == "translations"))
        descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    needed = [EXPECTED_ROW.search(p.message).groupdict() for p in missing(folder, "es")]
    rows = [
        {**key, "lang": "es", "text": f"Texto en español {n}"}
        for n, key in enumerate(needed)
        if n != leave_out
    ]
    write_rows(folder / "translations.csv", rows, ["table", "record_id", "field", "lang", "text"])
    return missing(folder, "es")


@pytest.fixture
def no_kernels(monkeypatch):
    """Fail the test if the build gets as far as starting a kernel."""
    from taxfirewall.build import pool

    def refuse(*a, **k):
        raise AssertionError("a kernel was about to start")

    monkeypatch.setattr(pool, "run_reports", refuse)
    monkeypatch.setattr(pool, "run_notebook", refuse)


# --------------------------------------------------------------------------- notebooks and reports.toml


@pytest.mark.parametrize("name", sorted(NB), ids=str)
def test_every_notebook_takes_lang_en_by_default_or_es(name):
    lang = read_parameters(NB[name])["lang"]
    assert (lang.default, lang.choices, lang.annotation) == ("en", ("en", "es"), "str")
    assert "language" in lang.doc


def test_a_language_we_do_not_publish_in_is_refused_by_the_manifest_check(tmp_path, capsys, no_kernels):
    manifest = write_manifest(tmp_path / "reports.toml", [report("funnel-fr", lang="fr")])
    with pytest.raises(ManifestError) as exc:
        check_reports(load_manifest(manifest), tmp_path / "out")
    assert "report 'funnel-fr': parameter 'lang' = 'fr' should be one of \"en\", \"es\"" in str(exc.value)
    assert run_cli(manifest, tmp_path / "out") == 2
    assert "parameter 'lang' = 'fr'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_reports_toml_has_the_three_spanish_editions_of_english_reports(tmp_path):
    plans = {p.report.slug: p for p in check_reports(load_manifest(ROOT / "reports.toml"), tmp_path)}
    links = alternates(plans.values())
    for spanish, english in SPANISH.items():
        assert (plans[spanish].lang, plans[english].lang) == ("es", "en")
        assert plans[spanish].report.title != plans[english].report.title
        assert links[spanish] == [{"lang": "en", "href": f"{english}.html"}]
        assert links[english] == [{"lang": "es", "href": f"{spanish}.html"}]
    assert links["story-dark"] == [] and links["funnel-log"] == []
    assert all(p.lang == "en" for slug, p in plans.items() if slug not in SPANISH)


def test_a_matrix_over_lang_gives_one_edition_per_language(tmp_path):
    toml = matrix_toml(slug="funnel-{lang}", over={"lang": ["en", "es"]}, parameters={"funnel_scale": "log"})
    plans = check_reports(load_manifest(manifest_of(tmp_path, toml)), tmp_path / "out")
    assert [(p.report.slug, p.lang, p.parameters["lang"]) for p in plans] == [
        ("funnel-en", "en", "en"),
        ("funnel-es", "es", "es"),
    ]
    assert alternates(plans)["funnel-es"] == [{"lang": "en", "href": "funnel-en.html"}]


def test_reports_that_differ_in_more_than_lang_are_not_editions(tmp_path):
    manifest = write_manifest(
        tmp_path / "reports.toml",
        [report("log-en", funnel_scale="log"), report("zoom-es", funnel_scale="zoom", lang="es")],
    )
    plans = check_reports(load_manifest(manifest), tmp_path / "out")
    assert alternates(plans) == {"log-en": [], "zoom-es": []}


# --------------------------------------------------------------------------- refusing before anything runs


def test_build_refuses_a_spanish_report_of_an_incident_missing_a_translation(
    tmp_path, synthetic, capsys, no_kernels
):
    (left_out,) = translated(synthetic, leave_out=3)
    manifest = write_manifest(
        tmp_path / "reports.toml",
        [report("synth", incident=str(synthetic)), report("synth-es", incident=str(synthetic), lang="es")],
    )
    out = tmp_path / "out"
    assert run_cli(manifest, out) == 2
    err = capsys.readouterr().err
    assert "1 problem(s) with the dataset" in err and "(Spanish edition)" in err
    assert f"{left_out.file}:{left_out.row}:{left_out.column}: no Spanish translation" in err
    assert not out.exists()  # not even the out folder or its lock


def test_an_english_report_of_an_incident_without_translations_still_passes_the_check(tmp_path, synthetic):
    from taxfirewall.build.preflight import load_incidents

    plans = check_reports(
        load_manifest(write_manifest(tmp_path / "r.toml", [report("synth", incident=str(synthetic))])),
        tmp_path / "out",
    )
    assert list(load_incidents(plans, print)) == [(synthetic.resolve(), "en")]


def test_export_in_spanish_refuses_an_untranslated_incident_and_writes_nothing(tmp_path, synthetic, capsys):
    out = tmp_path / "charts"
    assert main(["export", "--data", str(synthetic), "--out", str(out), "--lang", "es"]) == 2
    err = capsys.readouterr().err
    assert "datapackage.json:0:title: no Spanish translation" in err
    assert main(["summary", "--data", str(synthetic), "--out", str(tmp_path / "s.md"), "--lang", "es"]) == 2
    assert not out.exists() and not (tmp_path / "s.md").exists()


def test_export_in_spanish_goes_beside_the_english_exports(tmp_path, synthetic, capsys):
    assert translated(synthetic) == []
    out = tmp_path / "charts"
    for lang in ("en", "es"):
        args = ["export", "--data", str(synthetic), "--out", str(out), "--chart", "funnel", "--lang", lang]
        assert main(args) == 0
    english, spanish = out / "funnel", out / "es" / "funnel"
    assert sorted(p.name for p in english.iterdir()) == sorted(p.name for p in spanish.iterdir())
    assert {p.name for p in out.iterdir()} == {"_static", "es", "funnel"}
    assert {p.name for p in (out / "es").iterdir()} == {"funnel"}  # one runtime for both languages
    assert 'lang="es"' in (spanish / "embed.html").read_text(encoding="utf-8")
    assert 'lang="en"' in (english / "embed.html").read_text(encoding="utf-8")
    page = (spanish / "index.html").read_text(encoding="utf-8")
    runtime = re.search(r'src="(\.\./\.\./_static/[^"]+)"', page).group(1)
    assert (spanish / runtime).resolve().is_file()
    assert "Texto en español" in (spanish / "alt.txt").read_text(encoding="utf-8")
    summary = tmp_path / "data-summary.es.md"
    assert main(["summary", "--data", str(synthetic), "--out", str(summary), "--lang", "es"]) == 0
    assert "Texto en español" in summary.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_spanish_report_builds_in_spanish_beside_its_english_edition(tmp_path, synthetic):
    assert translated(synthetic) == []
    manifest = write_manifest(
        tmp_path / "reports.toml", [report("synth-es", "03_timeline", incident=str(synthetic), lang="es")]
    )
    out = tmp_path / "out"
    assert run_cli(manifest, out) == 0
    executed = json.loads((out / "_executed" / "synth-es.ipynb").read_text(encoding="utf-8"))
    injected = next(c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert 'lang = "es"' in "".join(injected["source"])
    html = (out / "synth-es.html").read_text(encoding="utf-8")
    assert '<html lang="es"' in html and "Texto en español" in html
