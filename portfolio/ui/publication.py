"""The use case page's control for the public AI register: approvers show or hide a use case there; everyone
else sees whether it is shown."""

import streamlit as st

from portfolio.models import Role
from portfolio.services import publication
from portfolio.ui import context


def publication_control(case: dict) -> None:
    """A toggle keyed by the use case's id and version, so a change made on an out-of-date page is refused."""
    actor = context.current_actor()
    shown = bool(case["publish"])
    if Role.approver not in actor.roles:
        st.caption(
            "Shown on the public AI register." if shown else "Not shown on the public AI register.",
            help="Approvers choose which use cases the public register shows.",
        )
        return
    key = f"publish_{case['id']}_{case['version']}"

    def change() -> None:
        wanted = bool(st.session_state[key])
        context.attempt(
            lambda session: publication.set_publication(session, actor, case["id"], case["version"], wanted),
            success="Now shown on the public AI register." if wanted else "Taken off the public AI register.",
        )

    st.toggle(
        "Show on the public AI register",
        value=shown,
        key=key,
        on_change=change,
        help="The public register (Import and export page, or `portfolio publish`) lists the use cases shown "
        "there: name, organisation, purpose, status, human oversight, impact assessment and the accountable "
        "owner as contact.",
    )
