"""Frames for pages: a missing value reads back as None, never NaN or NaT."""

from datetime import UTC, date, datetime

import pandas as pd

from portfolio.frames import frame, with_none


def test_missing_values_beside_present_ones_read_back_as_none():
    rows = [
        {"name": "Wait time", "target_on": date(2027, 1, 1), "target": 5.0, "count": 3, "note": "x"},
        {"name": "Satisfaction", "target_on": None, "target": None, "count": None, "note": None},
    ]
    table = frame(rows, ["name", "target_on", "target", "count", "note"])
    records = table.to_dict("records")
    assert records[0] == rows[0]
    assert records[1] == rows[1]
    assert all(type(v) is not float for v in records[1].values() if v is not None)
    # A count beside a gap stays a whole number, not 3.0.
    assert records[0]["count"] == 3 and isinstance(records[0]["count"], int)


def test_complete_columns_keep_their_type_for_sums_and_charts():
    table = frame([("a", 1.5, True), ("b", 2.5, False)], ["key", "value", "flag"])
    assert table["value"].dtype == "float64" and table["value"].sum() == 4.0
    assert table["flag"].dtype == "bool"


def test_query_rows_fill_columns_in_order_and_an_empty_query_keeps_its_columns():
    assert frame([], ["a", "b"]).columns.tolist() == ["a", "b"]
    assert frame([(1, None)], ["a", "b"]).to_dict("records") == [{"a": 1, "b": None}]


def test_lists_and_dicts_are_values_not_gaps():
    table = frame([{"tags": []}, {"tags": ["x"]}], ["tags"])
    assert table["tags"].tolist() == [[], ["x"]]


def test_with_none_cleans_a_computed_frame():
    when = datetime(2026, 1, 1, tzinfo=UTC)
    computed = pd.DataFrame({"at": [when, pd.NaT], "value": [1.0, float("nan")], "text": ["a", None]})
    cleaned = with_none(computed)
    assert cleaned.to_dict("records")[1] == {"at": None, "value": None, "text": None}
    assert cleaned.to_dict("records")[0]["value"] == 1.0
    assert with_none(frame([{"a": 1}], ["a"])).equals(frame([{"a": 1}], ["a"]))


def test_every_kind_of_gap_is_missing_and_every_ordinary_value_is_not():
    import decimal

    import numpy as np

    from portfolio.frames import is_missing

    for gap in (None, float("nan"), np.float64("nan"), pd.NaT, pd.NA, decimal.Decimal("NaN")):
        assert is_missing(gap), gap
    for value in ("", "x", 0, 1, True, False, 0.0, 2.5, date(2026, 5, 7), datetime(2026, 5, 7, tzinfo=UTC)):
        assert not is_missing(value), value
    for value in ([], (), {}, set(), pd.Timestamp("2026-05-07"), np.int64(3), decimal.Decimal("1.5")):
        assert not is_missing(value), value
