"""Gate checklists and time limits per stage, configured by an administrator."""

import streamlit as st

from portfolio.checklist import APPLIES, MANUAL, RULES
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

RULE_LABELS = {MANUAL: "Confirmed by the approver"} | {
    key: f"Automatic: {label}" for key, (label, _check) in RULES.items()
}
APPLIES_LABELS = {key: label for key, (label, _check) in APPLIES.items()}

for gate, tab in zip(Gate, st.tabs([f"{g.label} gate" for g in Gate]), strict=True):
    with tab, st.form(f"checklist_{gate.value}"):
        items = read(gates.checklist_table, gate)
        edited = st.data_editor(
            items,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            key=f"items_{gate.value}_{content_key(items)}",
            column_config={
                "key": st.column_config.TextColumn(
                    "Key", required=True, help="Short id: lower case, digits and _"
                ),
                "label": st.column_config.TextColumn("Item", width="large", required=True),
                "rule": st.column_config.SelectboxColumn(
                    "Checked by",
                    options=list(RULE_LABELS),
                    required=True,
                    help="; ".join(f"{k} = {v}" for k, v in RULE_LABELS.items()),
                ),
                "applies_to": st.column_config.SelectboxColumn(
                    "Applies to", options=list(APPLIES_LABELS), required=True
                ),
                "active": st.column_config.CheckboxColumn("Active"),
            },
        )
        if st.form_submit_button(f"Save the {gate.label} checklist", type="primary"):
            context.attempt(
                lambda session, gate=gate, edited=edited: gates.replace_checklist(
                    session, actor, gate, editor_rows(edited)
                ),
                success=f"{gate.label} checklist saved.",
            )
st.caption("Automatic checks: " + " · ".join(f"**{k}**: {label}" for k, (label, _c) in RULES.items()))

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
