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
