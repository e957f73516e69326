"""Problems with a form's input shown beside the fields they belong to, all at once.

A form keeps the problems of its last submission with the values they were about; a problem stays beside its
field until the field's value changes, so fixing one field clears its message before the next submission."""

from typing import Any

import streamlit as st

from portfolio.ui.text import plain


class FieldProblems:
    def __init__(self, form: str):
        self._key = f"problems_{form}"

    @property
    def _stored(self) -> dict[str, Any]:
        return st.session_state.get(self._key) or {"problems": {}, "values": {}}

    def remember(self, problems: dict[str, str], widget_keys: dict[str, str]) -> None:
        """Keep `problems` (field → message) with the current value of each field's widget."""
        st.session_state[self._key] = {
            "problems": dict(problems),
            "values": {field: st.session_state.get(key) for field, key in widget_keys.items()},
            "widgets": dict(widget_keys),
        }

    def clear(self) -> None:
        st.session_state.pop(self._key, None)

    def current(self) -> dict[str, str]:
        """The problems whose field still holds the value that was refused."""
        stored = self._stored
        widgets = stored.get("widgets", {})
        return {
            field: message
            for field, message in stored["problems"].items()
            if field not in widgets or st.session_state.get(widgets[field]) == stored["values"].get(field)
        }

    def show(self, *fields: str) -> None:
        """Under a field: its problem, if it still has one."""
        current = self.current()
        for field in fields:
            if field in current:
                st.markdown(f":red[:material/error: {plain(current[field])}]")

    def summary(self, shown: set[str]) -> None:
        """Beside the submit button: how many problems are marked at their fields, and any problem that
        belongs to no field on the form, in full."""
        current = self.current()
        if not current:
            return
        marked = [message for field, message in current.items() if field in shown]
        loose = [message for field, message in current.items() if field not in shown]
        count = len(current)
        head = f"Please fix {'this problem' if count == 1 else f'these {count} problems'}" + (
            " (each is also marked at its field):" if marked else ":"
        )
        items = "\n".join(f"- {plain(message)}" for message in marked + loose)
        st.error(f"{head}\n\n{items}", icon=":material/edit_note:")
