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
