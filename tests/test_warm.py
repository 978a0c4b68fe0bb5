"""What the fork server readies before forking kernels (taxfirewall.build.warm): a kernel's
first load of an edition is the server's, unless a file changed since; chart words are
measured once. In-process; tests/test_forkserver.py checks it through real forked kernels."""

from __future__ import annotations

import pytest

from conftest import edit_cell
from taxfirewall import data, load_incident
from taxfirewall.build.warm import prime
from taxfirewall.charts.text import text_width
from taxfirewall.errors import DataError


@pytest.fixture(autouse=True)
def nothing_preloaded():
    data._PRELOADED.clear()
    yield
    data._PRELOADED.clear()


def tables_equal(a, b) -> bool:
    return a.tables.keys() == b.tables.keys() and all(a.tables[k].equals(b.tables[k]) for k in a.tables)


def test_the_first_load_after_priming_is_the_primed_dataset_and_equals_a_fresh_load(synthetic):
    text_width.cache_clear()
    prime([(str(synthetic), "en")])
    assert text_width.cache_info().currsize > 0  # the charts' words were measured
    first = load_incident(synthetic)
    assert not data._PRELOADED  # taken once: a second load reads the files again
    second = load_incident(synthetic)
    assert first is not second and tables_equal(first, second)


def test_a_file_changed_after_priming_is_read_afresh(synthetic):
    prime([(str(synthetic), "en")])
    edit_cell(synthetic, "events.csv", "event_id", "A", "title", "Records copied twice")
    loaded = load_incident(synthetic)
    assert loaded.timeline.set_index("event_id").at["A", "title"] == "Records copied twice"


def test_a_file_broken_after_priming_fails_the_load_as_without_it(synthetic):
    prime([(str(synthetic), "en")])
    edit_cell(synthetic, "figures.csv", "value_id", "held-a", "value", "2 million")
    with pytest.raises(DataError, match="figures.csv:2:value"):
        load_incident(synthetic)


def test_an_edition_that_cannot_be_readied_is_left_to_the_kernels(synthetic, capsys):
    edit_cell(synthetic, "figures.csv", "value_id", "held-a", "value", "2 million")
    prime([(str(synthetic), "en"), (str(synthetic / "nowhere"), "en")])
    err = capsys.readouterr().err
    assert err.count("not readied") == 2 and "DataError" in err
    assert not data._PRELOADED


def test_a_primed_edition_is_kept_per_language_and_as_of_still_applies(incident):
    prime([(str(incident), "es")])
    assert load_incident(incident, lang="en").lang == "en"  # not the Spanish one
    spanish = load_incident(incident, lang="es", as_of="2026-01")
    assert spanish.lang == "es" and spanish.as_of_override == "2026-01" and not data._PRELOADED
