"""DataFrames for pages in which a missing value reads back as None, never NaN or NaT.

pandas fills the gaps of a column with NaN (numbers, text) or NaT (dates), and NaN is a float: a page that
formats a date or tests `if value:` then crashes or shows "nan". Every DataFrame a view or service hands a
page is built (`frame`) or cleaned (`with_none`) here. A column with a missing value holds Python objects with
None in the gaps; a complete column keeps the type pandas gives it, so sums and charts work as usual."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

# Values of these exact types are never missing: checked before asking pandas, since a large frame asks about
# hundreds of thousands of cells (the board of 10,000 use cases spent a second here).
_PRESENT = frozenset({str, int, bool, date, datetime, list, tuple, dict, set})


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or pd.NA (a list or dict is never missing, even when empty)."""
    if value is None:
        return True
    kind = type(value)
    if kind in _PRESENT:
        return False
    if kind is float:
        return value != value  # NaN is the one float unequal to itself
    if isinstance(value, list | tuple | dict | set):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _column(values: list[Any]) -> pd.Series:
    missing = [is_missing(v) for v in values]
    if any(missing):
        return pd.Series([None if gap else v for v, gap in zip(values, missing, strict=True)], dtype=object)
    if values and all(isinstance(v, list | dict) for v in values):
        return pd.Series(values, dtype=object)
    return pd.Series(values)


def frame(rows: Iterable[Mapping[str, Any] | Sequence[Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Rows (mappings by column name, or sequences in column order, such as query rows) as a DataFrame with
    exactly `columns`, missing values as None."""
    records = list(rows)
    data: dict[str, list[Any]] = {name: [] for name in columns}
    for record in records:
        if isinstance(record, Mapping):
            for name in columns:
                data[name].append(record.get(name))
        else:
            values = tuple(record)
            for position, name in enumerate(columns):
                data[name].append(values[position] if position < len(values) else None)
    return pd.DataFrame({name: _column(values) for name, values in data.items()}, columns=list(columns))


def with_none(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with every missing value as None: the columns that have one become object columns."""
    gaps = [name for name in table.columns if table[name].isna().any()]
    if not gaps:
        return table
    cleaned = table.copy()
    for name in gaps:
        column = table[name]
        cleaned[name] = pd.Series(
            [None if is_missing(v) else v for v in column.tolist()], index=table.index, dtype=object
        )
    return cleaned
