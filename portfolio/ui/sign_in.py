"""Who uses the app, as app.py shows it: the sign-in screen and first sign-in, or local mode's "Acting as";
the sidebar's account panel; and the line on every page that says who is acting."""

from collections.abc import Callable

import streamlit as st

from portfolio import identity
from portfolio.errors import NotAllowed
from portfolio.models import Role
from portfolio.services import people
from portfolio.services.audit import Actor
from portfolio.ui import context
from portfolio.ui.reads import read
from portfolio.ui.text import plain


def _only_page(render: Callable[[], None], title: str) -> None:
    """Show one screen instead of the app, and end the run. Through st.navigation, so no page of the app
    (nor Streamlit's own listing of the pages folder) is reachable from it."""
    st.navigation([st.Page(render, title=title, url_path="sign_in", default=True)], position="hidden").run()
    st.stop()


def refuse_to_start_if_misconfigured() -> None:
    """Stop with one message for whoever deploys the app when it must not run as configured: sign-in required
    but not configured (PORTFOLIO_REQUIRE_SIGN_IN, or a PostgreSQL database), or configured but incomplete."""
    from streamlit.auth_util import is_authlib_installed

    problem = identity.startup_problem(
        context.settings(), context.auth_section(), authlib_installed=is_authlib_installed()
    )
    if problem:

        def cannot_start() -> None:
            st.title("AI Pilot Portfolio cannot start")
            st.error(problem, icon=":material/lock:")

        _only_page(cannot_start, "Cannot start")


def _sign_in_screen(setup: identity.SignInSetup, *, message: str = "", signed_in: bool = False) -> None:
    def screen() -> None:
        st.title("AI Pilot Portfolio")
        if message:
            st.error(message, icon=":material/no_accounts:")
        else:
            st.write("Sign in with your organisation's account to see and work on the portfolio.")
        login_args = (setup.provider,) if setup.provider else ()
        if signed_in:
            st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)
        else:
            st.button(
                "Sign in",
                key="sign_in",
                type="primary",
                icon=":material/login:",
                on_click=st.login,
                args=login_args,
            )

    _only_page(screen, "Sign in")


def identify() -> Actor:
    """The person using the app, before any page runs; ends the run with a screen saying why when nobody may.

    With sign-in: not signed in (or the provider's sign-in has expired) shows the sign-in screen; an e-mail the
    provider has not verified is refused; someone signing in for the first time is registered as a viewer (a
    write, here and only here, recorded in the audit trail) unless the deployment admits no new people. In
    local mode: whoever the sidebar or the address chose, else the local administrator."""
    setup = context.sign_in()
    if setup is None:
        return context.current_actor()
    if not st.user.is_logged_in:
        _sign_in_screen(setup)
    claims = st.user.to_dict()
    if identity.sign_in_expired(claims):
        _sign_in_screen(setup, message="Your sign-in has expired. Please sign in again.")
    config = context.settings()
    try:
        email = identity.verified_email(claims, trust_provider_emails=config.trust_provider_emails)
        actor = context.find_actor(email)
    except (identity.SignInRefused, NotAllowed) as error:
        _sign_in_screen(setup, message=str(error), signed_in=True)
    if actor is None:
        if not config.admit_new_people:
            _sign_in_screen(
                setup,
                message=f"You signed in as {email}, but nobody with that e-mail is registered in this portfolio, "
                "and this deployment only admits people an administrator has added. Ask an administrator to "
                "add you under that e-mail.",
                signed_in=True,
            )
        name = identity.display_name(claims, email)
        actor = context.attempt(
            lambda session: people.register_on_first_sign_in(session, email=email, name=name),
            success=f"Welcome, {plain(name)}. You can see the whole portfolio; ask an administrator for more roles.",
        )
        if actor is None:
            st.stop()
    return actor


def _roles(actor: Actor) -> str:
    return ", ".join(role.label for role in Role if role in actor.roles)


def account_panel(actor: Actor) -> None:
    """The sidebar's account panel: with sign-in, who is signed in and a sign-out button; in local mode, the
    "Acting as" choice (kept in the address as ?as=e-mail, so a reload or a copied link keeps it)."""
    if context.sign_in() is not None:
        st.markdown(f":material/account_circle: Signed in as **{plain(actor.name)}**")
        st.caption(f"{plain(actor.email)} · {_roles(actor)}")
        st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)
        return
    directory = read(people.people_table)
    directory = directory[directory["active"]]
    # A plain mapping for the menu's labels: asking the frame once per person costs 0.1 ms each, every run.
    names = dict(zip(directory["email"], directory["name"], strict=True))
    emails = list(names)
    requested = context.chosen_email()
    if requested not in emails:
        st.warning(
            f"Nobody with the e-mail {plain(requested)} is registered here, so the app acts as "
            f"{plain(actor.name)}.",
            icon=":material/person_off:",
        )
        st.session_state.pop(context.ACTING_AS, None)
        st.session_state.pop(context.ACTING_AS_KEPT, None)
    chosen = st.selectbox(
        "Acting as",
        emails,
        index=emails.index(actor.email) if actor.email in emails else 0,
        key=context.ACTING_AS,
        format_func=names.__getitem__,
        help="Local mode: sign-in is not configured, so choose whose roles to use on this machine. Every action "
        "is recorded under this name.",
    )
    st.caption(_roles(actor))
    st.session_state[context.ACTING_AS_KEPT] = chosen
    if chosen and chosen != context.settings().local_person_email:
        st.query_params[context.ACTING_AS_PARAM] = chosen
    elif context.ACTING_AS_PARAM in st.query_params:
        del st.query_params[context.ACTING_AS_PARAM]


def acting_line(actor: Actor) -> None:
    """Local mode: one line above every page saying who is acting, since anyone at this machine can act."""
    if context.sign_in() is None:
        st.caption(
            f":material/person: **Local mode**: acting as **{plain(actor.name)}** ({_roles(actor)}). Sign-in is "
            "not configured; choose who acts in the sidebar."
        )
