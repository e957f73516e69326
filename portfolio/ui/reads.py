"""Cached reads for the pages. Each query has a cache of its own, keyed by the database URL, the portfolio
revision and the query's arguments, so any write in any process makes the next rerun read fresh data without
anyone clearing a cache; ttl and max_entries bound the memory each cache holds, and one busy query (a use case
page opened for many use cases) cannot push every other query's results out."""

from collections.abc import Callable
from threading import Lock
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from portfolio.ui import context

T = TypeVar("T")

# Entries per query: enough for the revisions and arguments (use cases, filters) that several people use at
# once; a stale revision's entries age out by ttl.
MAX_ENTRIES = 48
TTL_SECONDS = 600

_caches: dict[str, Callable[..., Any]] = {}
_caches_lock = Lock()


def _cache_for(name: str, query: Callable[..., Any]) -> Callable[..., Any]:
    with _caches_lock:
        cached = _caches.get(name)
        if cached is None:

            def run(url: str, revision: int, args: tuple[Any, ...]) -> Any:
                with Session(context.engine()) as session:
                    return query(session, *args)

            run.__qualname__ = run.__name__ = f"read_{name.replace('.', '_')}"
            run.__module__ = __name__
            cached = st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)(run)
            _caches[name] = cached
        return cached


def read(query: Callable[..., T], *args: Any) -> T:
    """`query(session, *args)`, through that query's cache."""
    name = f"{query.__module__}.{query.__qualname__}"
    try:
        return _cache_for(name, query)(context.settings().effective_database_url, context.revision(), args)
    except (SQLAlchemyError, OSError) as error:
        context.stop_on_database_fault(error)
        raise  # unreachable: the run has stopped
