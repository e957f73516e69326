"""AI Pilot Portfolio: navigation built from the acting person's roles, and the sidebar. Pages live in pages/."""

import streamlit as st

from portfolio.models import Role
from portfolio.services import people
from portfolio.ui import context
from portfolio.ui.navigation import PAGES
from portfolio.ui.reads import read

st.set_page_config(page_title="AI Pilot Portfolio", page_icon=":material/hub:", layout="wide")

context.engine()  # migrate, seed and fail with one clear message before any page runs
actor = context.current_actor()

sections: dict[str, list[st.Page]] = {}
for spec in PAGES:
    if spec.role in actor.roles:
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
    directory = read(people.people_table).set_index("email")
    emails = directory.index.tolist()
    st.selectbox(
        "Acting as",
        emails,
        index=emails.index(actor.email) if actor.email in emails else 0,
        key=context.ACTING_AS,
        format_func=lambda email: directory.loc[email, "name"],
        help="Sign-in is not configured, so choose whose roles to use. Every action is recorded under this name.",
    )
    st.caption(", ".join(Role(r).label for r in Role if r in actor.roles))

page.run()
