"""The forms that edit a use case's recorded facts (not its stage) and its costs, for contributors."""

import streamlit as st

from portfolio.models import AiActTier, AiKind, Audience, Sector
from portfolio.services import people, use_cases
from portfolio.ui import context
from portfolio.ui.editing import close_edit, open_edit_version, out_of_date_notice
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
    prefix = f"edit_{key}_v"
    base = open_edit_version(prefix, case["version"])  # the version this open form started from

    def k(field: str) -> str:
        return f"{prefix}{base}_{field}"

    out_of_date_notice(prefix, base, case["version"], "Someone changed this use case")
    with st.form(f"edit_{key}_{base}"):
        title = st.text_input("Title *", case["title"], max_chars=200, key=k("title"))
        problem = st.text_area(
            "Problem and who it serves *", case["problem"], max_chars=5000, key=k("problem")
        )
        goal = st.text_area("Measurable goal", case["measurable_goal"], max_chars=5000, key=k("goal"))
        owner = pick("Accountable owner *", case["owner_id"], placeholder="Choose a person", key=k("owner"))
        cols = st.columns(3)
        sponsor = cols[0].selectbox(
            "Sponsor",
            ids,
            index=ids.index(case["sponsor_id"]) if case["sponsor_id"] in ids else None,
            format_func=names.get,
            placeholder="None",
            key=k("sponsor"),
        )
        monitoring = cols[1].selectbox(
            "Monitoring owner",
            ids,
            index=ids.index(case["monitoring_owner_id"]) if case["monitoring_owner_id"] in ids else None,
            format_func=names.get,
            placeholder="Needed before production",
            key=k("monitoring"),
        )
        team = cols[2].text_input("Team *", case["team"], max_chars=200, key=k("team"))
        cols = st.columns(3)
        sectors, kinds, audiences = (
            [s.value for s in Sector],
            [k.value for k in AiKind],
            [a.value for a in Audience],
        )
        sector = cols[0].selectbox(
            "Sector",
            sectors,
            index=sectors.index(case["sector"]),
            format_func=lambda v: Sector(v).label,
            key=k("sector"),
        )
        ai_kind = cols[1].selectbox(
            "Kind of AI",
            kinds,
            index=kinds.index(case["ai_kind"]),
            format_func=lambda v: AiKind(v).label,
            key=k("ai_kind"),
        )
        audience = cols[2].selectbox(
            "Serves",
            audiences,
            index=audiences.index(case["audience"]),
            format_func=lambda v: Audience(v).label,
            key=k("audience"),
        )
        tiers = [t.value for t in AiActTier]
        tier = st.selectbox(
            "EU AI Act tier",
            tiers,
            index=tiers.index(case["ai_act_tier"]) if case["ai_act_tier"] else None,
            format_func=lambda v: AiActTier(v).label,
            placeholder="Not classified",
            key=k("tier"),
        )
        tier_reason = st.text_area(
            "Reason for the tier", case["ai_act_reason"], max_chars=5000, key=k("tier_reason")
        )
        flags = st.columns(2)
        customer_facing = flags[0].checkbox(
            "Customers meet it directly", case["customer_facing"], key=k("customer_facing")
        )
        about_people = flags[1].checkbox(
            "It makes or informs decisions about people",
            case["decisions_about_people"],
            key=k("about_people"),
        )
        disclosure = flags[0].checkbox(
            "Customers are told when AI is involved", case["ai_disclosure"], key=k("disclosure")
        )
        human_path = flags[1].checkbox(
            "Customers can always reach a person", case["human_path"], key=k("human_path")
        )
        personal = st.text_area(
            "Personal or sensitive data it uses", case["personal_data"], max_chars=5000, key=k("personal")
        )
        readiness = st.columns(3)
        completeness = readiness[0].slider(
            "Data completeness", 1, 5, case["data_completeness"], key=k("completeness")
        )
        accuracy = readiness[1].slider("Data accuracy", 1, 5, case["data_accuracy"], key=k("accuracy"))
        currency = readiness[2].slider("Data currency", 1, 5, case["data_currency"], key=k("currency"))
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
                    session, actor, key, expected_version=base, **changes
                ),
                success="Changes saved.",
            ):
                close_edit(prefix)
                st.rerun()


def edit_costs_form(case: dict) -> None:
    """The use case's one-off and running costs, keyed by the version the form was opened on, like the facts:
    a save refused because someone else changed the use case meanwhile keeps what was typed."""
    actor = context.current_actor()
    key = case["key"]
    prefix = f"costs_{key}_v"
    base = open_edit_version(prefix, case["version"])
    out_of_date_notice(prefix, base, case["version"], "Someone changed this use case")
    with st.form(f"costs_{key}_{base}"):
        cols = st.columns(2)
        one_off = cols[0].number_input(
            "One-off cost (EUR)",
            min_value=0.0,
            value=case["one_off_cost"],
            step=1000.0,
            key=f"{prefix}{base}_one_off",
        )
        running = cols[1].number_input(
            "Running cost per month (EUR)",
            min_value=0.0,
            value=case["running_cost_per_month"],
            step=100.0,
            key=f"{prefix}{base}_running",
        )
        if st.form_submit_button("Save costs") and context.attempt(
            lambda session: use_cases.update_use_case(
                session,
                actor,
                key,
                expected_version=base,
                one_off_cost=one_off,
                running_cost_per_month=running,
            ),
            success="Costs saved.",
        ):
            close_edit(prefix)
            st.rerun()
