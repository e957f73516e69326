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


def open_edit_version(prefix: str, current: int) -> int:
    """The version of the record that an edit form (widget keys `<prefix><version>_<field>`) was opened on,
    while the form stays on screen; `current` when none is open. Keeping it means that a change someone else
    saves meanwhile does not silently replace the form and what was typed in it: saving is refused, saying
    what changed."""
    import streamlit as st

    for name in st.session_state:
        rest = str(name).removeprefix(prefix)
        if rest != str(name) and rest.split("_", 1)[0].isdigit():
            return int(rest.split("_", 1)[0])
    return current


def close_edit(prefix: str) -> None:
    """Forget an edit form's widgets, so it opens again on the record as stored."""
    import streamlit as st

    for name in [str(n) for n in st.session_state if str(n).startswith(prefix)]:
        del st.session_state[name]


def out_of_date_notice(prefix: str, base: int, current: int, changed: str) -> None:
    """Above an edit form opened on version `base` of a record now at version `current`: say that someone else
    `changed` it meanwhile ("Someone changed UC-0042"), that the entries stay, and offer to load the latest."""
    import streamlit as st

    if base == current:
        return
    st.warning(
        f"{changed} since you opened this form (version {base}, now {current}). Saving will say what "
        "changed; your entries stay here until you save or load the latest.",
        icon=":material/sync_problem:",
    )
    if st.button("Discard my entries and load the latest", key=f"reload_{prefix}", icon=":material/refresh:"):
        close_edit(prefix)
        st.rerun()
