from datetime import date

import numpy as np
import pandas as pd

from portfolio.ui.editing import editor_rows


def test_editor_rows_become_plain_values_and_blank_rows_are_dropped():
    frame = pd.DataFrame(
        {
            "name": ["CSAT", None, "  "],
            "baseline": [np.float64(7.5), np.nan, np.nan],
            "target_on": [pd.Timestamp("2027-06-30"), pd.NaT, pd.NaT],
        }
    )
    assert editor_rows(frame) == [{"name": "CSAT", "baseline": 7.5, "target_on": date(2027, 6, 30)}]
    assert type(editor_rows(frame)[0]["baseline"]) is float


def test_numbers_get_short_units_that_fit_a_metric():
    from portfolio.ui.format import number

    assert number(82.44, "%") == "82.4%"
    assert number(8.18, "score 1-10") == "8.2/10"
    assert number(32375.7, "EUR") == "€32,376"
    assert number(719.4, "hours per month") == "719 h/mo"
    assert number(None, "%") == "—"
