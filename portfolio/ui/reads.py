"""Cached reads for the pages. Each is keyed by the database URL and the portfolio revision, so any write in
any process makes the next rerun read fresh data; ttl and max_entries bound the memory the cache holds."""

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlmodel import Session

from portfolio.ui import context

T = TypeVar("T")


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def _cached(
    url: str, revision: int, query_name: str, _query: Callable[..., Any], args: tuple[Any, ...]
) -> Any:
    # query_name keys the cache; the function itself is not hashable, hence the underscore.
    with Session(context.engine()) as session:
        return _query(session, *args)


def read(query: Callable[..., T], *args: Any) -> T:
    """`query(session, *args)`, through the cache."""
    name = f"{query.__module__}.{query.__qualname__}"
    return _cached(context.settings().effective_database_url, context.revision(), name, query, args)
