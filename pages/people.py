"""People and their roles, managed by an administrator."""

import streamlit as st

from portfolio.models import Role
from portfolio.services import people
from portfolio.ui import context
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain

require_shell()

st.title("People and roles")
st.caption(
    "Who may do what: " + "; ".join(f"**{r.label.lower()}s** {people.ROLE_PURPOSE[r]}" for r in Role) + "."
)
actor = context.current_actor()
directory = read(people.people_table)

st.dataframe(
    directory.assign(
        roles=directory["roles"].map(lambda roles: ", ".join(Role(r).label for r in Role if r in roles))
    ),
    hide_index=True,
    column_order=["name", "email", "team", "roles", "active"],
    column_config={
        "name": st.column_config.TextColumn("Name", width=150),
        "email": st.column_config.TextColumn("E-mail", width=230),
        "team": st.column_config.TextColumn("Team", width=160),
        "roles": st.column_config.TextColumn("Roles", width=190),
        "active": st.column_config.CheckboxColumn("Active", width=60),
    },
    row_height=66,  # sized to fit at 1280 px; a long list of roles wraps (Streamlit wraps above 64 px)
)

left, right = st.columns(2, gap="large")
with left, st.form("add_person", clear_on_submit=True):
    st.subheader("Add a person")
    name = st.text_input("Name *", max_chars=200)
    email = st.text_input("E-mail *", max_chars=254)
    team = st.text_input("Team", max_chars=200)
    roles = st.multiselect(
        "Roles",
        [r.value for r in Role],
        default=["viewer", "contributor"],
        format_func=lambda v: Role(v).label,
    )
    if st.form_submit_button("Add person", type="primary"):
        context.attempt(
            lambda session: people.create_person(
                session, actor, name=name, email=email, team=team, roles=roles
            ),
            success=f"{plain(name)} added.",
        )

with right:
    st.subheader("Change roles")
    ids = directory["id"].tolist()
    names = dict(zip(directory["id"], directory["name"], strict=True))
    person_id = st.selectbox("Person", ids, format_func=names.get, key="roles_person")
    current = directory.set_index("id").loc[person_id, "roles"] if person_id is not None else []
    with st.form(f"roles_{person_id}"):
        chosen = st.multiselect(
            "Roles", [r.value for r in Role], default=list(current), format_func=lambda v: Role(v).label
        )
        st.caption("Everyone keeps the viewer role.")
        if st.form_submit_button("Save roles", type="primary"):
            context.attempt(
                lambda session: people.set_roles(session, actor, person_id, chosen), success="Roles saved."
            )
