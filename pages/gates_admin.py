"""Gate checklists and time limits per stage, configured by an administrator."""

import streamlit as st

from portfolio import labels
from portfolio.models import Gate
from portfolio.services import gates, pipeline, results
from portfolio.ui import context
from portfolio.ui.editing import content_key, editor_rows
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell

require_shell()

st.title("Gates and time limits")
st.caption(
    "What each gate checks before a use case may pass, and how long a use case may stay in a stage before "
    "it is flagged. Decisions already taken keep the checklist as it stood when they were taken."
)
actor = context.current_actor()


for gate, tab in zip(Gate, st.tabs([f"{g.label} gate" for g in Gate]), strict=True):
    with tab, st.form(f"checklist_{gate.value}"):
        items = read(gates.checklist_table, gate)
        edited = st.data_editor(
            items,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            key=f"items_{gate.value}_{content_key(items)}",
            column_order=["label", "rule", "applies_to", "active", "key"],
            row_height=66,  # sized to fit at 1280 px; long items and checks wrap (Streamlit wraps above 64 px)
            column_config={
                "key": st.column_config.TextColumn(
                    "Short id",
                    width=125,
                    required=True,
                    help="How exports and the audit trail name the item: lower case, digits and _ "
                    "(e.g. dpia). Give a new item one.",
                ),
                "label": st.column_config.TextColumn("Item", width=225, required=True),
                "rule": st.column_config.SelectboxColumn(
                    "Checked by",
                    options=list(labels.CHECKED_BY),
                    format_func=labels.checked_by,
                    width=180,
                    required=True,
                    help="Automatically from what is recorded, or confirmed by the approver at the gate.",
                ),
                "applies_to": st.column_config.SelectboxColumn(
                    "Applies to",
                    options=list(labels.APPLIES_TO),
                    format_func=labels.applies_to,
                    width=160,
                    required=True,
                ),
                "active": st.column_config.CheckboxColumn("Active", width=65),
            },
        )
        if st.form_submit_button(f"Save the {gate.label} checklist", type="primary"):
            context.attempt(
                lambda session, gate=gate, edited=edited: gates.replace_checklist(
                    session, actor, gate, editor_rows(edited)
                ),
                success=f"{gate.label} checklist saved.",
            )
st.caption(
    "Items checked automatically read what is recorded about the use case; the approver confirms the others "
    "when deciding. Automatic checks available: "
    + " · ".join(
        words.removeprefix("Automatic: ") for rule, words in labels.CHECKED_BY.items() if rule != "manual"
    )
    + "."
)

st.subheader("Time limits per stage")
limits = read(pipeline.stage_limits)
with st.form("limits"):
    cols = st.columns(len(limits))
    chosen = {
        stage.value: cols[i].number_input(
            f"{stage.label} (days)",
            1,
            pipeline.MAX_LIMIT_DAYS,
            limits[stage],
            key=f"limit_{stage.value}_{limits[stage]}",
        )
        for i, stage in enumerate(limits)
    }
    if st.form_submit_button("Save time limits", type="primary"):
        context.attempt(
            lambda session: pipeline.set_stage_limits(session, actor, chosen), success="Time limits saved."
        )

st.subheader("Value of an hour saved")
with st.form("hourly_rate"):
    rate = st.number_input(
        "EUR per hour of staff time",
        1.0,
        10_000.0,
        read(results.hourly_rate),
        1.0,
        help="Turns KPIs kept in hours saved per month into money, for value and net value.",
    )
    if st.form_submit_button("Save the hourly rate", type="primary"):
        context.attempt(
            lambda session: results.set_hourly_rate(session, actor, rate), success="Hourly rate saved."
        )
