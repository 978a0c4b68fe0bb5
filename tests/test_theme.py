"""The house theme for the desk's own altair charts, through altair's current theme API."""

from __future__ import annotations

import warnings

import altair as alt

from taxfirewall.theme import register_altair, vega_config


def test_house_theme_registers_without_deprecation_and_styles_new_charts():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the deprecated alt.themes API would warn here
            register_altair("dark")
        assert alt.theme.active == "taxfirewall-dark"
        config = alt.Chart().mark_point().to_dict()["config"]
        assert config["background"] == vega_config("dark")["background"]
    finally:
        alt.theme.enable("default")
