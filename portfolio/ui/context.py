"""Per-process engine, per-rerun sessions, who is acting (local mode or sign-in), and writes with user-facing
errors."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from portfolio import db, identity
from portfolio.config import Settings, load_settings
from portfolio.errors import DatabaseUnavailable, InvalidInput, NotAllowed, PortfolioError
from portfolio.services import people
from portfolio.services.audit import Actor
from portfolio.ui.text import plain

T = TypeVar("T")


def _secret(name: str) -> Any:
    # Reading st.secrets raises when no secrets file exists; configuration by environment is enough then.
    try:
        return st.secrets.get(name)
    except Exception:
        return None


RUN_SETTINGS = "_portfolio_settings_this_run"


def settings() -> Settings:
    """The configuration (environment and secrets), read at most twice per run rather than at every one of a
    run's dozens of reads and writes, each of which asks for it: reading it costs milliseconds."""
    current = st.session_state.get(RUN_SETTINGS)
    if current is None:
        current = st.session_state[RUN_SETTINGS] = load_settings(
            database_url=_secret("PORTFOLIO_DATABASE_URL")
        )
    return current


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
        st.error(plain(str(error)), icon=":material/cloud_off:")
        st.stop()
        raise  # unreachable: st.stop() ends the run
    except (SQLAlchemyError, OSError) as error:
        stop_on_database_fault(error)
        raise  # unreachable


def stop_on_database_fault(error: BaseException) -> None:
    """Show a database fault (server down, locked, not a database, read-only) as one sentence and end the
    run, instead of Streamlit's "This app has encountered an error"; re-raise anything else (a bug)."""
    fault = db.database_fault(error, settings().effective_database_url)
    if fault is None:
        raise error
    st.error(plain(str(fault)), icon=":material/cloud_off:")
    st.stop()


@contextmanager
def reading() -> Iterator[Session]:
    try:
        with Session(engine()) as session:
            yield session
    except (SQLAlchemyError, OSError) as error:
        stop_on_database_fault(error)
        raise  # unreachable: st.stop() ends the run


RUN_REVISION = "_portfolio_revision_this_run"


def begin_run() -> None:
    """Called by app.py at the top of every run: read the portfolio revision once, so every cached read of this
    run is of one revision (a page never mixes data from before and after someone else's write). The settings
    are read afresh too, so a changed secret applies from this run on."""
    st.session_state.pop(RUN_SETTINGS, None)
    st.session_state[RUN_REVISION] = _read_revision()


def _read_revision() -> int:
    with reading() as session:
        return db.read_revision(session)


def revision() -> int:
    """The portfolio's write counter as of this run: part of every cached read's key, so a write in any
    process is seen on the next run (a fragment's rerun keeps its run's revision unless it writes itself)."""
    current = st.session_state.get(RUN_REVISION)
    if current is None:
        current = st.session_state[RUN_REVISION] = _read_revision()
    return current


def after_write() -> None:
    """A write moved the revision on: the rest of this run reads fresh data. No cache is cleared, so other
    people's cached reads stay valid until their own next run."""
    st.session_state[RUN_REVISION] = _read_revision()


ACTING_AS = "acting_as"


def auth_section() -> Mapping[str, Any] | None:
    """The `[auth]` section of the Streamlit secrets (sign-in), or None in local mode."""
    section = _secret("auth")
    return section if isinstance(section, Mapping) and section else None


def sign_in() -> identity.SignInSetup | None:
    return identity.sign_in_setup(auth_section())


ACTING_AS = "acting_as"  # local mode: the sidebar's choice of person (session state)...
ACTING_AS_PARAM = "as"  # ...kept in the address too, so a reload or a copied link acts as the same person
# ...and kept for the session outside the widget, so a page switched to with its own address (Propose opening
# the new use case, a link with ?uc=…) still acts as the same person and puts them back in its address.
ACTING_AS_KEPT = "acting_as_kept"


def chosen_email() -> str:
    """Local mode: whom the sidebar chose, else the address says, else whom this session last acted as,
    else the local administrator."""
    return (
        st.session_state.get(ACTING_AS)
        or st.query_params.get(ACTING_AS_PARAM)
        or st.session_state.get(ACTING_AS_KEPT)
        or settings().local_person_email
    )


def signed_in_email() -> str | None:
    """Sign-in mode: the signed-in person's verified e-mail, None when nobody (acceptable) is signed in."""
    if not st.user.is_logged_in:
        return None
    claims = st.user.to_dict()
    if identity.sign_in_expired(claims):
        return None
    try:
        return identity.verified_email(claims, trust_provider_emails=settings().trust_provider_emails)
    except identity.SignInRefused:
        return None


def find_actor(email: str) -> Actor | None:
    """The person registered with `email`; only reads (see people.find_actor)."""
    with reading() as session:
        return people.find_actor(session, email)


def current_actor() -> Actor:
    """The person acting in this run, as stored; nothing is written to find them.

    With sign-in: the signed-in person (app.py signed them in, or registered them on first sign-in, before
    any page ran). In local mode: whoever the sidebar or the address chose, else the local administrator
    (the sidebar says so when the chosen person is unknown). Stops the run when nobody may act."""
    try:
        if sign_in() is not None:
            email = signed_in_email()
            actor = find_actor(email) if email else None
            if actor is None:
                st.stop()  # app.py shows the sign-in screen and why; a page never acts for nobody
            return actor
        actor = find_actor(chosen_email()) or find_actor(settings().local_person_email)
    except NotAllowed as error:
        st.error(plain(str(error)), icon=":material/block:")
        st.stop()
    if actor is None:
        st.error(
            f"The local administrator ({settings().local_person_email}) is missing from this database, which "
            "was probably emptied while the app was running. Restart the app to set the database up again.",
            icon=":material/person_off:",
        )
        st.stop()
    return actor


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
        st.error(plain(str(error)), icon=":material/block:")
        return None, {}
    after_write()
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
            + "\n".join(f"- {plain(m)}" for m in error.problems.values()),
            icon=":material/edit_note:",
        )
        return None
    except PortfolioError as error:
        st.error(plain(str(error)), icon=":material/block:")
        return None
    after_write()
    if success:
        st.toast(success, icon=":material/check_circle:")
    return result
