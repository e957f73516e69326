"""The form that edits a use case's recorded facts (not its stage), for contributors."""

import streamlit as st

from portfolio.models import AiActTier, AiKind, Audience, Sector
from portfolio.services import people, use_cases
from portfolio.ui import context
from portfolio.ui.reads import read


def edit_use_case_form(case: dict) -> None:
    """Edit in place; the version the editor saw guards against overwriting someone else's change."""
    actor = context.current_actor()
    directory = read(people.people_table)
    ids = directory["id"].tolist()
    names = dict(zip(directory["id"], directory["name"], strict=True))

    def pick(label: str, value: int | None, **kwargs) -> int | None:
        return st.selectbox(
            label, ids, index=ids.index(value) if value in ids else None, format_func=names.get, **kwargs
        )

    key = case["key"]
    with st.form(f"edit_{key}_{case['version']}"):
        title = st.text_input("Title *", case["title"], max_chars=200)
        problem = st.text_area("Problem and who it serves *", case["problem"], max_chars=5000)
        goal = st.text_area("Measurable goal", case["measurable_goal"], max_chars=5000)
        owner = pick("Accountable owner *", case["owner_id"], placeholder="Choose a person")
        cols = st.columns(3)
        sponsor = cols[0].selectbox(
            "Sponsor",
            ids,
            index=ids.index(case["sponsor_id"]) if case["sponsor_id"] in ids else None,
            format_func=names.get,
            placeholder="None",
        )
        monitoring = cols[1].selectbox(
            "Monitoring owner",
            ids,
            index=ids.index(case["monitoring_owner_id"]) if case["monitoring_owner_id"] in ids else None,
            format_func=names.get,
            placeholder="Needed before production",
        )
        team = cols[2].text_input("Team *", case["team"], max_chars=200)
        cols = st.columns(3)
        sectors, kinds, audiences = (
            [s.value for s in Sector],
            [k.value for k in AiKind],
            [a.value for a in Audience],
        )
        sector = cols[0].selectbox(
            "Sector", sectors, index=sectors.index(case["sector"]), format_func=lambda v: Sector(v).label
        )
        ai_kind = cols[1].selectbox(
            "Kind of AI", kinds, index=kinds.index(case["ai_kind"]), format_func=lambda v: AiKind(v).label
        )
        audience = cols[2].selectbox(
            "Serves",
            audiences,
            index=audiences.index(case["audience"]),
            format_func=lambda v: Audience(v).label,
        )
        tiers = [t.value for t in AiActTier]
        tier = st.selectbox(
            "EU AI Act tier",
            tiers,
            index=tiers.index(case["ai_act_tier"]) if case["ai_act_tier"] else None,
            format_func=lambda v: AiActTier(v).label,
            placeholder="Not classified",
        )
        tier_reason = st.text_area("Reason for the tier", case["ai_act_reason"], max_chars=5000)
        flags = st.columns(2)
        customer_facing = flags[0].checkbox("Customers meet it directly", case["customer_facing"])
        about_people = flags[1].checkbox(
            "It makes or informs decisions about people", case["decisions_about_people"]
        )
        disclosure = flags[0].checkbox("Customers are told when AI is involved", case["ai_disclosure"])
        human_path = flags[1].checkbox("Customers can always reach a person", case["human_path"])
        personal = st.text_area("Personal or sensitive data it uses", case["personal_data"], max_chars=5000)
        readiness = st.columns(3)
        completeness = readiness[0].slider("Data completeness", 1, 5, case["data_completeness"])
        accuracy = readiness[1].slider("Data accuracy", 1, 5, case["data_accuracy"])
        currency = readiness[2].slider("Data currency", 1, 5, case["data_currency"])
        if st.form_submit_button("Save changes", type="primary"):
            changes = {
                "title": title,
                "problem": problem,
                "measurable_goal": goal,
                "owner_id": owner,
                "sponsor_id": sponsor,
                "monitoring_owner_id": monitoring,
                "team": team,
                "sector": sector,
                "ai_kind": ai_kind,
                "audience": audience,
                "ai_act_tier": tier,
                "ai_act_reason": tier_reason,
                "customer_facing": customer_facing,
                "decisions_about_people": about_people,
                "ai_disclosure": disclosure,
                "human_path": human_path,
                "personal_data": personal,
                "data_completeness": completeness,
                "data_accuracy": accuracy,
                "data_currency": currency,
            }
            if context.attempt(
                lambda session: use_cases.update_use_case(
                    session, actor, key, expected_version=case["version"], **changes
                ),
                success="Changes saved.",
            ):
                st.rerun()
