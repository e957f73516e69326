"""AI Pilot Portfolio: who is using the app (sign-in or local mode), navigation built from their roles, and
the sidebar. Pages live in pages/."""

import streamlit as st

from portfolio.ui import context, sign_in
from portfolio.ui.navigation import PAGES

st.set_page_config(page_title="AI Pilot Portfolio", page_icon=":material/hub:", layout="wide")

sign_in.refuse_to_start_if_misconfigured()  # e.g. a shared deployment without sign-in configured
context.engine()  # migrate, seed and fail with one clear message before any page runs
context.begin_run()
actor = sign_in.identify()  # the sign-in screen, and nothing else, until someone may act

sections: dict[str, list[st.Page]] = {}
for spec in PAGES:
    if spec.open_to(actor.roles):
        sections.setdefault(spec.section, []).append(
            st.Page(
                spec.script,
                title=spec.title,
                icon=spec.icon,
                url_path=spec.url_path,
                help=spec.help,
                default=spec is PAGES[0],
            )
        )
page = st.navigation(sections)

with st.sidebar:
    st.markdown("**AI Pilot Portfolio**")
    sign_in.account_panel(actor)

sign_in.acting_line(actor)
page.run()
