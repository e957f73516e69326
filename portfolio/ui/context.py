"""Per-process engine, per-rerun sessions, the acting person, and writes with user-facing errors."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from portfolio import db
from portfolio.config import Settings, load_settings
from portfolio.errors import DatabaseUnavailable, InvalidInput, NotFound, PortfolioError
from portfolio.services import people
from portfolio.services.audit import Actor

T = TypeVar("T")


def _secret(name: str) -> Any:
    # Reading st.secrets raises when no secrets file exists; configuration by environment is enough then.
    try:
        return st.secrets.get(name)
    except Exception:
        return None


def settings() -> Settings:
    return load_settings(database_url=_secret("PORTFOLIO_DATABASE_URL"))


@st.cache_resource(
    show_spinner="Opening the portfolio database…", on_release=lambda engine: engine.dispose(), max_entries=8
)
def _prepared_engine(url: str, demo_on_first_start: bool, local_email: str, local_name: str) -> Engine:
    from portfolio.startup import prepare_database

    return prepare_database(
        load_settings(
            database_url=url,
            demo_on_first_start=demo_on_first_start,
            local_person_email=local_email,
            local_person_name=local_name,
        )
    )


def engine() -> Engine:
    """The process's engine for the configured database, migrated and seeded on first use. Stops the page
    with one clear message when the database cannot be reached."""
    config = settings()
    try:
        return _prepared_engine(
            config.effective_database_url,
            config.demo_on_first_start,
            config.local_person_email,
            config.local_person_name,
        )
    except DatabaseUnavailable as error:
        st.error(str(error), icon=":material/cloud_off:")
        st.stop()
        raise  # unreachable: st.stop() ends the run


@contextmanager
def reading() -> Iterator[Session]:
    with Session(engine()) as session:
        yield session


def revision() -> int:
    """The portfolio's write counter: part of every cached read's key, so a write in any process is seen."""
    with reading() as session:
        return db.read_revision(session)


ACTING_AS = "acting_as"


def current_actor() -> Actor:
    """Until sign-in is configured the app acts as the local person, or whoever was chosen in the sidebar;
    the services check that person's roles as stored, whoever it is."""
    config = settings()
    email = st.session_state.get(ACTING_AS) or config.local_person_email
    with reading() as session:
        try:
            return people.actor_for(session, email)
        except NotFound:
            pass
    # The chosen person is gone (or the database was emptied while the app ran): act as the local person,
    # recreating what every portfolio needs if it is missing.
    from portfolio.startup import seed

    with db.unit_of_work(engine()) as session:
        return seed(session, config)


def attempt_form(
    action: Callable[[Session], T], *, success: str | None = None
) -> tuple[T | None, dict[str, str]]:
    """Like `attempt`, but problems with the input come back (field name → message) for the form to show
    beside each field; other errors are shown here. Nothing is stored unless it all succeeds."""
    try:
        with db.unit_of_work(engine()) as session:
            result = action(session)
    except InvalidInput as error:
        return None, dict(error.problems)
    except PortfolioError as error:
        st.error(str(error), icon=":material/block:")
        return None, {}
    st.cache_data.clear()
    if success:
        st.toast(success, icon=":material/check_circle:")
    return result, {}


def attempt(action: Callable[[Session], T], *, success: str | None = None) -> T | None:
    """Run a write in one transaction. A domain error is shown to the user and nothing is stored."""
    try:
        with db.unit_of_work(engine()) as session:
            result = action(session)
    except InvalidInput as error:
        st.error(
            "Please fix the following and try again:\n\n"
            + "\n".join(f"- {m}" for m in error.problems.values()),
            icon=":material/edit_note:",
        )
        return None
    except PortfolioError as error:
        st.error(str(error), icon=":material/block:")
        return None
    st.cache_data.clear()
    if success:
        st.toast(success, icon=":material/check_circle:")
    return result
