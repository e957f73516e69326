"""Propose a use case: the facts, the EU AI Act questionnaire, the first KPIs, and a check for duplicates."""

import pandas as pd
import streamlit as st

from portfolio import similarity
from portfolio.ai_act import QUESTIONS, suggest_tier
from portfolio.kpis import UNITS
from portfolio.models import AiActTier, AiKind, Audience, Direction, KpiKind, Sector, Stage
from portfolio.services import duplicates, intake, people
from portfolio.ui import context
from portfolio.ui.editing import editor_rows
from portfolio.ui.lessons_panel import suggestions_for_proposal
from portfolio.ui.problems import FieldProblems
from portfolio.ui.reads import read, read_shared
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain

require_shell()

DRAFT = "draft_"  # prefix of every widget key on this page: the draft survives errors and page switches

st.title("Propose a use case")
st.caption(
    "Describe the problem, who it serves and how you will know it works. Reviewers score it next; "
    "a pilot needs a gate decision."
)

actor = context.current_actor()
form = FieldProblems("propose")
# Each field's widget, so a problem is shown under the field it is about.
WIDGETS = {
    "title": DRAFT + "title",
    "problem": DRAFT + "problem",
    "team": DRAFT + "team",
    "business_unit": DRAFT + "business_unit",
    "sector": DRAFT + "sector",
    "ai_kind": DRAFT + "ai_kind",
    "audience": DRAFT + "audience",
    "owner_id": DRAFT + "owner",
    "sponsor_id": DRAFT + "sponsor",
    "monitoring_owner_id": DRAFT + "monitoring",
    "personal_data": DRAFT + "personal_data",
    "measurable_goal": DRAFT + "goal",
}
directory = read(people.people_table)
person_ids = directory["id"].tolist()
names = dict(zip(directory["id"], directory["name"], strict=True))


def field(widget, label_text, key, **kwargs):
    return widget(label_text, key=DRAFT + key, persist_state="session", **kwargs)


st.subheader("The idea")
title = field(
    st.text_input,
    "Title *",
    "title",
    max_chars=200,
    placeholder="e.g. Assistant for simple customer questions",
)
problem = field(
    st.text_area,
    "Problem and who it serves *",
    "problem",
    max_chars=5000,
    placeholder="What goes wrong today, for whom, and how often?",
)

form.show("title", "problem")

# The portfolio's similarity index is built only once there is something to compare (building it for 10,000
# use cases is most of this page's cost), then kept for the revision.
matches = (
    similarity.similar(read_shared(duplicates.similarity_index), title or "", problem or "")
    if (title or problem)
    else []
)
if matches:
    with st.container(border=True):
        st.warning(
            "This looks like a use case already in the portfolio. Open it before registering the same idea "
            "again; the choice is beside the Propose button.",
            icon=":material/content_copy:",
        )
        for match in matches:
            st.page_link(
                "pages/use_case.py",
                label=f"{plain(match.key)} · {plain(match.title)} ({plain(match.team)}, "
                f"{Stage(match.stage).label}): {round(100 * match.score)}% similar",
                query_params={"uc": match.key},
                icon=":material/open_in_new:",
            )
suggestions_for_proposal(
    title,
    problem,
    sector=st.session_state.get(DRAFT + "sector"),
    ai_kind=st.session_state.get(DRAFT + "ai_kind"),
)

left, right = st.columns(2)
with left:
    team = field(st.text_input, "Team *", "team", max_chars=200)
    form.show("team")
    business_unit = field(st.text_input, "Business unit", "business_unit", max_chars=200)
    form.show("business_unit")
    sector = field(
        st.selectbox,
        "Sector *",
        "sector",
        options=[s.value for s in Sector],
        index=None,
        format_func=lambda v: Sector(v).label,
        placeholder="Choose a sector",
    )
    form.show("sector")
    ai_kind = field(
        st.selectbox,
        "Kind of AI *",
        "ai_kind",
        options=[k.value for k in AiKind],
        index=None,
        format_func=lambda v: AiKind(v).label,
        placeholder="Choose a kind",
    )
    form.show("ai_kind")
    # Nothing preselected: who it serves is asked, so it cannot contradict "customers meet it directly".
    audience = field(
        st.radio,
        "Serves *",
        "audience",
        options=[a.value for a in Audience],
        index=None,
        horizontal=True,
        format_func=lambda v: Audience(v).label,
    )
    form.show("audience")
with right:
    owner = field(
        st.selectbox,
        "Accountable owner *",
        "owner",
        options=person_ids,
        index=person_ids.index(actor.id) if actor.id in person_ids else None,
        format_func=names.get,
        placeholder="A named person answers for this AI system",
        help="The person accountable for the AI system and its outcomes.",
    )
    form.show("owner_id")
    sponsor = field(
        st.selectbox,
        "Sponsor",
        "sponsor",
        options=person_ids,
        index=None,
        format_func=names.get,
        placeholder="Optional",
    )
    monitoring = field(
        st.selectbox,
        "Monitoring owner",
        "monitoring",
        options=person_ids,
        index=None,
        format_func=names.get,
        placeholder="Needed before production",
    )
    form.show("sponsor_id", "monitoring_owner_id")
    staff_only = audience == Audience.employees
    customer_facing = (
        field(
            st.toggle,
            "Customers meet it directly",
            "customer_facing",
            disabled=staff_only,
            help="On when customers talk to it or see what it produces themselves."
            + (" It serves employees only, so customers do not meet it." if staff_only else ""),
        )
        and not staff_only
    )
    about_people = field(st.toggle, "It makes or informs decisions about people", "about_people")

st.subheader("Data")
personal_data = field(
    st.text_area,
    "Personal or sensitive data it uses",
    "personal_data",
    max_chars=5000,
    height=80,
    placeholder="e.g. name, order history; none",
)
form.show("personal_data")
sensitive = field(st.checkbox, "Includes special-category data (health, biometrics, beliefs…)", "sensitive")
readiness = st.columns(3)
scale_help = "1 = missing or unusable, 3 = usable with work, 5 = ready today"
completeness = readiness[0].slider("Data completeness", 1, 5, 3, key=DRAFT + "completeness", help=scale_help)
accuracy = readiness[1].slider("Data accuracy", 1, 5, 3, key=DRAFT + "accuracy", help=scale_help)
currency = readiness[2].slider("Data currency", 1, 5, 3, key=DRAFT + "currency", help=scale_help)

st.subheader("Goal and trust")
goal = field(
    st.text_area,
    "Measurable goal",
    "goal",
    max_chars=5000,
    height=80,
    placeholder="e.g. Within a year 30% of simple customer questions handled automatically, satisfaction above 8",
)
form.show("measurable_goal")
trust = st.columns(2)
disclosure = trust[0].checkbox("Customers are told when AI is involved", key=DRAFT + "disclosure")
human_path = trust[1].checkbox("Customers can always reach a person", key=DRAFT + "human_path")

st.subheader("EU AI Act risk tier")
st.caption("Answer yes to what applies; the suggested tier follows from your answers, and you confirm it.")
answers = {q.key: st.checkbox(q.text, key=DRAFT + "q_" + q.key) for q in QUESTIONS}
suggestion = suggest_tier(answers)
st.info(f"Suggested tier: **{suggestion.tier.label}**. {suggestion.reason}", icon=":material/gavel:")
tiers = [t.value for t in AiActTier]
# Keyed by the answers, so the confirmation and its reason follow every changed answer; the person can still
# edit them once the answers are settled.
answered = "_".join(sorted(k for k, yes in answers.items() if yes)) or "none"
WIDGETS["ai_act_tier"] = f"{DRAFT}tier_{answered}"
WIDGETS["ai_act_reason"] = f"{DRAFT}reason_{answered}"
tier = st.selectbox(
    "Tier you confirm *",
    tiers,
    index=tiers.index(suggestion.tier),
    key=WIDGETS["ai_act_tier"],
    format_func=lambda v: AiActTier(v).label,
)
form.show("ai_act_tier")
tier_reason = st.text_area(
    "Reason for the tier *",
    value=suggestion.reason,
    key=WIDGETS["ai_act_reason"],
    max_chars=5000,
    height=80,
)
form.show("ai_act_reason")
if tier == AiActTier.prohibited:
    st.error(
        "A prohibited practice can be recorded, but it can never enter a pilot.", icon=":material/block:"
    )

st.subheader("First KPIs")
st.caption(
    "What it will be judged on, with a baseline and a target. A pilot needs at least one; customer-facing "
    "use cases also need a trust KPI such as satisfaction or time to reach a person."
)
kpi_rows = st.data_editor(
    pd.DataFrame(columns=["name", "kind", "unit", "direction", "baseline", "target", "target_on"]).astype(
        {"baseline": "float", "target": "float", "target_on": "datetime64[ns]"}
    ),
    key=DRAFT + "kpis",
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    column_config={
        "name": st.column_config.TextColumn("KPI", required=True, max_chars=200),
        "kind": st.column_config.SelectboxColumn(
            "Kind", options=[k.value for k in KpiKind], format_func=lambda v: KpiKind(v).label, required=True
        ),
        "unit": st.column_config.SelectboxColumn("Unit", options=list(UNITS), required=True),
        "direction": st.column_config.SelectboxColumn(
            "Better when",
            options=[d.value for d in Direction],
            format_func=lambda v: Direction(v).label,
            required=True,
        ),
        "baseline": st.column_config.NumberColumn("Baseline"),
        "target": st.column_config.NumberColumn("Target"),
        "target_on": st.column_config.DateColumn("Target date"),
    },
)

kpi_problems = [f for f in form.current() if f.startswith("kpi ")]
for name in kpi_problems:
    WIDGETS[name] = DRAFT + "kpis"
form.show(*kpi_problems)

st.divider()
different = True
if matches:
    # The reason and the choice sit beside the button they hold back.
    closest = matches[0]
    different = st.checkbox(
        f"{plain(title or 'This proposal')} is a different idea from {plain(closest.key)} · {plain(closest.title)}"
        f" (title {round(100 * closest.title_score)}% and problem {round(100 * closest.problem_score)}% "
        "similar): propose it anyway",
        key=f"{DRAFT}different_{'_'.join(m.key for m in matches)}",
    )
    if not different:
        st.caption(
            ":material/info: Proposing waits for this answer, so the same idea is not registered twice."
        )
form.summary(shown=set(WIDGETS))
if st.button(
    "Propose use case", type="primary", key="propose", icon=":material/send:", disabled=not different
):
    kpis = editor_rows(kpi_rows)
    fields = {
        "title": title,
        "problem": problem,
        "audience": audience,
        "team": team,
        "business_unit": business_unit,
        "sector": sector,
        "owner_id": owner,
        "sponsor_id": sponsor,
        "monitoring_owner_id": monitoring,
        "ai_kind": ai_kind,
        "customer_facing": customer_facing,
        "decisions_about_people": about_people,
        "personal_data": personal_data,
        "sensitive_data": sensitive,
        "data_completeness": completeness,
        "data_accuracy": accuracy,
        "data_currency": currency,
        "measurable_goal": goal,
        "ai_act_tier": tier,
        "ai_act_reason": tier_reason,
        "ai_disclosure": disclosure,
        "human_path": human_path,
    }
    created, problems = context.attempt_form(
        lambda session: intake.propose(session, actor, fields, kpis=kpis, tier_answers=answers).key,
        success="Use case proposed.",
    )
    if created:
        form.clear()
        for key in [k for k in st.session_state if str(k).startswith(DRAFT)]:
            del st.session_state[key]
        st.switch_page("pages/use_case.py", query_params={"uc": created})
    elif problems:
        for name in problems:
            if name.startswith("kpi "):
                WIDGETS[name] = DRAFT + "kpis"
        form.remember(problems, WIDGETS)
        st.rerun()
