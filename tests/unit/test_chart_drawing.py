"""Charts are drawn without the schema check in the app, and with it in the tests (tests/conftest.py)."""

import altair as alt
import pandas as pd
import pytest
from altair.utils.schemapi import SchemaValidationError

from portfolio.ui import charts


def _broken_chart() -> alt.Chart:
    # A channel option with a value Vega-Lite does not know, which only the schema check notices.
    return alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_point().encode(x=alt.X("a:Q", stack="sideways"))


def test_the_tests_check_every_chart_drawn_against_the_schema(monkeypatch):
    assert charts.CHECK_AGAINST_SCHEMA  # set by tests/conftest.py for every page test
    with pytest.raises(SchemaValidationError):
        charts._Drawn(_broken_chart()).to_dict()


def test_the_app_skips_the_check_and_draws_the_same_spec(monkeypatch):
    monkeypatch.setattr(charts, "CHECK_AGAINST_SCHEMA", False)
    assert charts._Drawn(_broken_chart()).to_dict()["encoding"]["x"]["stack"] == "sideways"
    chart = alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_point().encode(x=alt.X("a:Q"))
    assert charts._Drawn(chart).to_dict() == chart.to_dict()
