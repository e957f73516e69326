"""Turning what people typed into an editable table into plain rows for the services."""

from typing import Any

import pandas as pd


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, list | dict) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, str):
        return value.strip() or None
    return value.item() if hasattr(value, "item") else value


def editor_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows with at least one value, blanks as None, timestamps as dates, numpy numbers as Python numbers."""
    rows = [{column: _plain(value) for column, value in row.items()} for row in frame.to_dict("records")]
    return [row for row in rows if any(value is not None for value in row.values())]


def content_key(frame: pd.DataFrame) -> str:
    """A short fingerprint of a table's content, for the key of a widget that edits it: once the table is
    saved (or changed by someone else) the editor starts from what is stored, not from the old edits."""
    import hashlib

    return hashlib.sha256(frame.to_json(orient="split", date_format="iso").encode()).hexdigest()[:12]
