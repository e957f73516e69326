"""AI Pilot Portfolio: navigation, the acting person, and the sidebar. Pages live in pages/."""

import streamlit as st

from portfolio.models import Role
from portfolio.ui import context
from portfolio.ui.navigation import PAGES

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
                visibility="visible" if spec.visible else "hidden",
            )
        )
page = st.navigation(sections)

with st.sidebar:
    st.markdown("**AI Pilot Portfolio**")
    st.caption(
        f"Acting as **{actor.name}** · " + ", ".join(Role(r).label.lower() for r in Role if r in actor.roles)
    )

page.run()
