"""The use case selector of a page whose address names the use case (?uc=UC-0042).

A widget with a key keeps its own value and ignores the `index` it is given on later runs, so a link to the
same page with another use case (the Score page's "waiting for your scores" list, the browser's back button)
used to leave the selector on the use case already open, and then wrote that one back into the address: a
reviewer who opened UC-0035 after UC-0021 saw and could save UC-0021's form. Here the address wins whenever
it changed since the page last wrote it; otherwise the selector does."""

from collections.abc import Mapping
from typing import Any

import streamlit as st

PARAM = "uc"


def choose_use_case(
    titles: Mapping[str, str],
    *,
    key: str,
    default: str | None = None,
    where: Any = None,
    **selectbox_options: Any,
) -> str:
    """A selectbox over `titles` (key → title), in `where` (a column; default: the page), that follows the
    page's address both ways; returns the key chosen. `default` is chosen when the address names no use case
    of `titles`."""
    keys = list(titles)
    requested = st.query_params.get(PARAM)
    written = f"{key}__written_to_address"
    fallback = requested if requested in titles else (default if default in titles else keys[0])
    address_changed = requested in titles and requested != st.session_state.get(written)
    if address_changed or st.session_state.get(key) not in titles:
        st.session_state[key] = fallback
    chosen = (where or st).selectbox(
        selectbox_options.pop("label", "Use case"),
        keys,
        key=key,
        format_func=lambda k: f"{k} · {titles[k]}",
        **selectbox_options,
    )
    st.query_params[PARAM] = chosen
    st.session_state[written] = chosen
    return chosen


def find_use_case(key: str, *, default: str | None = None, stages: tuple[str, ...] = ()) -> str | None:
    """A search box (key or title) beside a selector of the first matches (in `stages`, when given), for pages
    that open one use case of a portfolio that may hold thousands: the menu never lists them all. The use case
    the address names stays among the choices whatever is typed; a search that finds exactly one use case opens
    it. Returns the key chosen, or None when no use case qualifies."""
    from portfolio.ui.reads import read
    from portfolio.ui.text import plain
    from portfolio.views.use_case_picker import PICKER_LIMIT, pick_use_case

    find_col, pick_col = st.columns([2, 5], vertical_alignment="center")
    search = find_col.text_input(
        "Find a use case",
        key=f"{key}_search",
        placeholder="Find by key or title",
        icon=":material/search:",
        label_visibility="collapsed",
    ).strip()
    picker = read(pick_use_case, search, st.query_params.get(PARAM) or default, stages)
    if picker.chosen is None:
        return None
    # A search that finds exactly one use case opens it (a key typed in full, say), once per search typed:
    # the person can still pick another from the menu afterwards.
    searched = f"{key}_searched"
    if search != st.session_state.get(searched):
        st.session_state[searched] = search
        if picker.only_match is not None:
            st.session_state[key] = picker.only_match
    chosen = choose_use_case(
        dict(picker.options), key=key, default=picker.chosen, where=pick_col, label_visibility="collapsed"
    )
    if search and picker.matches == 0:
        st.caption(f"No use case has “{plain(search)}” in its key or title.")
    elif picker.matches > PICKER_LIMIT:
        st.caption(
            f"The first {PICKER_LIMIT} of {picker.matches:,} use cases by key"
            + (f" matching “{plain(search)}”" if search else "")
            + ": type part of a key or title to narrow the list."
        )
    return chosen
