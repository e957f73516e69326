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

# A large result that every session only reads (an index of the whole portfolio) is kept once per process,
# for a few revisions: st.cache_data would hand each rerun a copy, unpickling it every time.
SHARED_MAX_ENTRIES = 4

_caches: dict[tuple[str, bool], Callable[..., Any]] = {}
_caches_lock = Lock()


def _cache_for(name: str, query: Callable[..., Any], *, shared: bool = False) -> Callable[..., Any]:
    with _caches_lock:
        cached = _caches.get((name, shared))
        if cached is None:

            def run(url: str, revision: int, args: tuple[Any, ...]) -> Any:
                with Session(context.engine()) as session:
                    return query(session, *args)

            run.__qualname__ = run.__name__ = f"read_{'shared_' if shared else ''}{name.replace('.', '_')}"
            run.__module__ = __name__
            if shared:
                cached = st.cache_resource(
                    ttl=TTL_SECONDS, max_entries=SHARED_MAX_ENTRIES, show_spinner=False
                )(run)
            else:
                cached = st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)(run)
            _caches[name, shared] = cached
        return cached


def read(query: Callable[..., T], *args: Any) -> T:
    """`query(session, *args)`, through that query's cache."""
    return _read(query, args, shared=False)


def read_shared(query: Callable[..., T], *args: Any) -> T:
    """`query(session, *args)`, kept once per process and revision and handed to every session as it is: for a
    large result that nobody changes (the similarity index of every use case)."""
    return _read(query, args, shared=True)


def _read(query: Callable[..., T], args: tuple[Any, ...], *, shared: bool) -> T:
    name = f"{query.__module__}.{query.__qualname__}"
    try:
        return _cache_for(name, query, shared=shared)(
            context.settings().effective_database_url, context.revision(), args
        )
    except (SQLAlchemyError, OSError) as error:
        context.stop_on_database_fault(error)
        raise  # unreachable: the run has stopped
