"""One use case: everything recorded about it."""

import pandas as pd
import streamlit as st

from portfolio import kpis as kpis_rule
from portfolio.models import (
    AiActTier,
    AiKind,
    Audience,
    Dimension,
    Gate,
    GateOutcome,
    LessonCategory,
    PilotDecision,
    Role,
    Sector,
    Stage,
)
from portfolio.scoring import DISAGREEMENT_SPREAD, quadrant
from portfolio.services import assessments, gates, pipeline, results, use_cases
from portfolio.ui import context, kpi_panel
from portfolio.ui.editing_forms import edit_costs_form, edit_use_case_form
from portfolio.ui.format import (
    STAGE_COLOURS,
    TIER_COLOURS,
    day,
    label,
    measured,
    number,
    yes_no,
)
from portfolio.ui.lessons_panel import lesson_body, outcome_badge
from portfolio.ui.picker import find_use_case
from portfolio.ui.publication import publication_control
from portfolio.ui.queues import hold_notice
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain, show
from portfolio.views import audit as audit_view
from portfolio.views.gate_words import gate_checklist_table

require_shell()

# The URL names the use case (?uc=UC-0042), so links and the browser's back button work. A large portfolio
# is searched, not listed: the menu holds the first matches of what is typed, and the open use case.
chosen = find_use_case("uc")
if chosen is None:
    st.title("Use case")
    st.info("The portfolio is empty. Propose a use case to get started.", icon=":material/inbox:")
    st.stop()
detail = read(use_cases.use_case_detail, chosen)
uc = detail.use_case
model_thresholds = read(use_cases.quadrant_thresholds)

st.title(plain(uc["title"]), anchor=False)
badges = st.container(horizontal=True)
with badges:
    st.badge(uc["key"], color="gray")
    st.badge(Stage(uc["stage"]).label, color=STAGE_COLOURS[Stage(uc["stage"])], icon=":material/flag:")
    if uc["ai_act_tier"]:
        st.badge(
            f"EU AI Act: {AiActTier(uc['ai_act_tier']).label}",
            color=TIER_COLOURS[AiActTier(uc["ai_act_tier"])],
        )
    else:
        st.badge("EU AI Act tier not classified", color="orange", icon=":material/help:")
    if uc["impact_score"] is not None:
        st.badge(quadrant(uc["impact_score"], uc["risk_score"], *model_thresholds).label, color="blue")
    if uc["customer_facing"]:
        st.badge("Customer-facing", color="violet", icon=":material/groups:")

for flag in read(pipeline.flags_for, chosen):
    st.warning(flag, icon=":material/flag:")
if detail.gaps:
    st.warning(
        "Gaps to close: " + "; ".join(detail.gaps) + ".",
        icon=":material/report:",
    )
hold_notice(chosen)

# Only the open tab runs (each rerun reads and draws one tab, not six); the open tab is kept per session.
tabs = st.tabs(
    ["Overview", "Scores", "KPIs and results", "Decisions and history", "Lessons", "Audit trail"],
    key="uc_tab",
    on_change="rerun",
)

if tabs[0].open:
    with tabs[0]:
        left, right = st.columns([3, 2], gap="large")
        with left:
            st.markdown("#### Problem and who it serves")
            show(uc["problem"], empty="No problem described yet: a gap to close.")
            st.markdown("#### Measurable goal")
            show(uc["measurable_goal"], empty="No measurable goal recorded yet.")
            st.markdown("#### EU AI Act")
            st.markdown(
                f"**{label(AiActTier, uc['ai_act_tier'], 'Not classified yet')}**"
                + (f": {plain(uc['ai_act_reason'])}" if uc["ai_act_reason"] else "")
            )
            st.markdown("#### Data")
            st.markdown(
                f"**Personal or sensitive data:** {plain(uc['personal_data']) or 'None recorded'}"
                + (" (special-category data)" if uc["sensitive_data"] else "")
            )
            readiness = st.columns(3)
            for column, (name, field) in zip(
                readiness,
                [
                    ("Completeness", "data_completeness"),
                    ("Accuracy", "data_accuracy"),
                    ("Currency", "data_currency"),
                ],
                strict=True,
            ):
                column.metric(f"Data {name.lower()}", f"{uc[field]} / 5")
        with right:
            st.markdown("#### Accountability")
            facts = {
                "Accountable owner": plain(detail.people["owner"])
                or "**None named: a governance gap to close**",
                "Sponsor": plain(detail.people["sponsor"]) or "—",
                "Monitoring owner": plain(detail.people["monitoring_owner"]) or "Not named yet",
                "Team": plain(uc["team"]) or "—",
                "Business unit": plain(uc["business_unit"]) or "—",
                "Sector": label(Sector, uc["sector"]),
                "Kind of AI": label(AiKind, uc["ai_kind"]),
                "Serves": label(Audience, uc["audience"]),
                "Customer-facing": yes_no(uc["customer_facing"]),
                "Makes or informs decisions about people": yes_no(uc["decisions_about_people"]),
                "Customers told they meet AI": yes_no(uc["ai_disclosure"]),
                "Path to a human": yes_no(uc["human_path"]),
                "In this stage since": day(uc["stage_entered_at"]),
                "Source": ("Entered by hand" if uc["source"] == "manual" else "Imported")
                + (f" from {plain(uc['source_file'])}, row {uc['source_row']}" if uc["source_file"] else ""),
                **({"Id in the source": plain(uc["external_id"])} if uc["external_id"] else {}),
                **({"Started on": day(uc["started_on"])} if uc["started_on"] else {}),
                "Record version": str(uc["version"]),
            }
            st.markdown("\n".join(f"- **{name}:** {value}" for name, value in facts.items()))

        if uc["extra"]:
            st.markdown("#### Other attributes")
            st.caption("Columns of the imported file that have no field of their own, kept as they were.")
            st.dataframe(
                pd.DataFrame(
                    {"Attribute": list(uc["extra"]), "Value": [str(v) for v in uc["extra"].values()]}
                ),
                hide_index=True,
                width="stretch",
            )
        publication_control(uc)
        if Role.contributor in context.current_actor().roles:
            with st.expander("Edit these facts", icon=":material/edit:"):
                edit_use_case_form(uc)

if tabs[1].open:
    with tabs[1]:
        if detail.assessments.empty:
            st.info(
                "Not scored yet. Reviewers score impact and risk before the use case counts as assessed.",
                icon=":material/rate_review:",
            )
        else:
            cols = st.columns(4)
            cols[0].metric("Impact (mean of latest)", number(uc["impact_score"]))
            cols[1].metric("Risk (mean of latest)", number(uc["risk_score"]))
            cols[2].metric("Reviewers", uc["reviewer_count"])
            cols[3].metric(
                "Spread between reviewers",
                number(uc["score_spread"]),
                help=f"Largest difference between reviewers on impact or risk; {DISAGREEMENT_SPREAD:.0f} or more is flagged.",
            )
            if (
                uc["score_spread"] is not None
                and uc["reviewer_count"] > 1
                and uc["score_spread"] >= DISAGREEMENT_SPREAD
            ):
                st.warning(
                    "Reviewers disagree widely on this use case. Discuss the scores before a gate decision.",
                    icon=":material/forum:",
                )
            st.dataframe(
                detail.assessments,
                hide_index=True,
                column_order=["assessed_at", "reviewer", "impact", "risk", "model_version", "comment"],
                column_config={
                    "assessed_at": st.column_config.DatetimeColumn("Scored", format="D MMM YYYY"),
                    "reviewer": "Reviewer",
                    "impact": st.column_config.ProgressColumn(
                        "Impact", min_value=0, max_value=100, format="%.0f"
                    ),
                    "risk": st.column_config.ProgressColumn(
                        "Risk", min_value=0, max_value=100, format="%.0f", color="red"
                    ),
                    "model_version": st.column_config.NumberColumn("Scoring model version", format="v%d"),
                    "comment": st.column_config.TextColumn("Comment", width="large"),
                },
            )
            st.caption("Every assessment is kept; the mean uses each reviewer's latest.")
            st.markdown("##### Each reviewer's latest scores (1–5)")
            st.dataframe(
                read(assessments.reviewer_scores, chosen).assign(
                    dimension=lambda frame: frame["dimension"].map(lambda v: Dimension(v).label)
                ),
                hide_index=True,
                column_config={"dimension": "Dimension", "criterion": "Criterion"},
            )
        if Role.reviewer in context.current_actor().roles:
            st.page_link(
                "pages/score.py",
                label="Score this use case",
                icon=":material/rate_review:",
                query_params={"uc": chosen},
            )

if tabs[2].open:
    with tabs[2]:
        value = read(results.value_of, chosen)
        money = st.columns(4)
        money[0].metric(
            "Value per month",
            measured(value["value_per_month"]),
            help="From active business KPIs kept in EUR or hours per month (latest values); hours at the hourly "
            "rate. Not measured until such a KPI has a recorded value.",
        )
        money[1].metric("Running cost per month", number(value["running_cost_per_month"], "EUR"))
        money[2].metric("One-off cost", number(value["one_off_cost"], "EUR"))
        money[3].metric(
            "Net value, first year",
            measured(value["net_first_year"]),
            help="12 × (value − running cost) − one-off cost; not measured while the value is not.",
        )
        actor = context.current_actor()
        if Role.contributor in actor.roles:
            with st.expander("Record costs"):
                edit_costs_form(uc)
            with st.expander("Add a KPI"):
                kpi_panel.add_kpi_form(chosen, uc["sector"], actor)
            st.page_link(
                "pages/results.py",
                label="Log results",
                icon=":material/add_chart:",
                query_params={"uc": chosen},
            )
        with st.expander("How a KPI's status is decided"):
            st.markdown(kpis_rule.__doc__.split("The rule, as the app documents it:", 1)[1])
        kpi_panel.kpi_cards(chosen, detail.kpis)

if tabs[3].open:
    with tabs[3]:
        st.subheader("Gate decisions")
        if not detail.gate_decisions:
            st.caption("No gate decisions yet.")
        for decision in reversed(detail.gate_decisions):
            outcome = GateOutcome(decision["outcome"])
            colour = {"go": "green", "no_go": "red", "hold": "orange"}[outcome.value]
            with st.container(border=True):
                st.markdown(
                    f"**{Gate(decision['gate']).label} gate: :{colour}[{outcome.label}]** · {day(decision['decided_on'])} · "
                    f"decided by {plain(decision['decided_by'] or 'someone no longer listed')}"
                )
                show(decision["rationale"])
                if decision["checklist"]:
                    st.dataframe(
                        gate_checklist_table(decision["checklist"]),
                        hide_index=True,
                        column_config={
                            "Checklist item": st.column_config.TextColumn(width="large"),
                            "Met": st.column_config.CheckboxColumn(width=60),
                        },
                    )
                for override in decision["overrides"]:
                    st.warning(
                        f"Override: {plain(override.get('item', ''))}: {plain(override.get('reason', ''))}",
                        icon=":material/gavel:",
                    )
        charter = read(gates.charter_for, chosen)
        if charter:
            st.subheader("Pilot charter")
            with st.container(border=True):
                st.markdown(
                    f"**Hypothesis.** {plain(charter['hypothesis'])}\n\n**Scope.** {plain(charter['scope'])}\n\n"
                    f"**Minimum evidence before the result counts.** {plain(charter['min_evidence'])}"
                )
                dates = st.columns(4)
                dates[0].metric("Started", day(charter["start_on"]))
                dates[1].metric("Planned end", day(charter["planned_end_on"]))
                dates[2].metric("Decision date", day(charter["decision_on"]))
                dates[3].metric("Extensions", charter["extensions"])
                if charter["paused"]:
                    st.warning("The pilot is paused.", icon=":material/pause_circle:")
            reviews = read(gates.pilot_reviews, chosen)
            if not reviews.empty:
                st.markdown("##### Pilot reviews")
                st.dataframe(
                    reviews.assign(decision=reviews["decision"].map(lambda v: label(PilotDecision, v))),
                    hide_index=True,
                    placeholder="—",
                    column_config={
                        "decided_on": st.column_config.DateColumn("Decided", format="D MMM YYYY"),
                        "decision": "Decision",
                        "by": "By",
                        "reason": st.column_config.TextColumn("Reason", width="large"),
                        "new_end_on": st.column_config.DateColumn("New end", format="D MMM YYYY"),
                        "new_decision_on": st.column_config.DateColumn("Decide again", format="D MMM YYYY"),
                    },
                )
        st.subheader("Stage history")
        timeline = detail.timeline.assign(
            **{
                "from": detail.timeline["from"].map(lambda v: label(Stage, v, "")),
                "to": detail.timeline["to"].map(lambda v: label(Stage, v)),
            }
        )
        st.dataframe(
            timeline.iloc[::-1],
            hide_index=True,
            column_order=["when", "from", "to", "by", "reason"],
            column_config={
                "when": st.column_config.DatetimeColumn("When", format="D MMM YYYY"),
                "from": "From",
                "to": "To",
                "by": "By",
                "reason": st.column_config.TextColumn("Reason", width="large"),
            },
        )

if tabs[4].open:
    with tabs[4]:
        st.page_link(
            "pages/lessons.py",
            label="Record a lesson on this use case",
            query_params={"uc": chosen},
            icon=":material/add_circle:",
        )
        if not detail.lessons:
            st.caption(
                "No lessons recorded yet. Every stopped pilot leaves one; successes are worth recording too."
            )
        for lesson in detail.lessons:
            with st.container(border=True):
                st.markdown(f"**{plain(lesson['title'])}**")
                outcome_badge(lesson["outcome"])
                st.caption(
                    f"{label(LessonCategory, lesson['category'])} · by {plain(lesson['author'] or '—')}"
                    + (f" · {plain(', '.join(lesson['tags']))}" if lesson["tags"] else "")
                )
                lesson_body(lesson)

if tabs[5].open:
    with tabs[5]:
        trail = read(audit_view.use_case_trail, chosen)
        st.dataframe(
            trail,
            hide_index=True,
            column_order=["When", "Who", "What", "Before", "After"],
            column_config={
                "When": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm", width=118),
                "Who": st.column_config.TextColumn("Who", width=100),
                "What": st.column_config.TextColumn("What", width=105),
                "Before": st.column_config.TextColumn("Before", width=195),
                "After": st.column_config.TextColumn("After", width=195),
            },
            # Sized to fit at 1280 px; before and after wrap onto three lines rather than being cut.
            row_height=74,
            placeholder="—",
        )
        st.caption(
            "The audit trail is append-only: every change to this use case, its KPIs and results, who made it, and what it was before."
        )
