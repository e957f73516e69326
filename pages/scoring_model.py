"""The scoring model: criteria, what a 1 and a 5 mean, weights and the matrix thresholds. Saving makes a new
version; scores keep the version they were made under."""

import pandas as pd
import streamlit as st

from portfolio.models import Dimension
from portfolio.services import assessments
from portfolio.ui import context
from portfolio.ui.editing import close_edit, editor_rows, open_edit_version, out_of_date_notice
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain

require_shell()

st.title("Scoring model")
actor = context.current_actor()
model = read(assessments.active_model)
st.caption(
    f"Active: **version {model.version_number}**, {plain(model.name)}. Weights are relative within impact and within "
    "risk. Saving your changes creates version "
    f"{model.version_number + 1}; existing scores keep the version they were made under."
)

PREFIX = "scoring_model_v"
# The editor is keyed by the version it was opened on and shows that version, so another administrator's
# version saved meanwhile does not wipe what is being entered: saving is refused, saying who saved what.
base = open_edit_version(PREFIX, model.version_number)
out_of_date_notice(PREFIX, base, model.version_number, "Someone saved a new version of the scoring model")
started_from = model if base == model.version_number else read(assessments.model_version, base)


def criteria_table(version: assessments.ActiveModel) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "key": c.key,
                "name": c.name,
                "dimension": c.dimension.value,
                "weight": c.weight,
                "anchor_low": c.anchor_low,
                "anchor_high": c.anchor_high,
                "description": c.description,
            }
            for c in version.criteria
        ]
    )


with st.form(f"model_{base}"):
    edited = st.data_editor(
        criteria_table(started_from),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"{PREFIX}{base}_criteria",
        column_order=["name", "dimension", "weight", "anchor_low", "anchor_high", "description"],
        # Sized to fit beside the sidebar at 1280 px; anchors and descriptions wrap onto four lines. The short
        # id (for exports and the audit trail) is not asked for: a new criterion takes it from its name.
        row_height=90,
        column_config={
            "name": st.column_config.TextColumn("Criterion", width=130, required=True),
            "dimension": st.column_config.SelectboxColumn(
                "Dimension",
                options=[d.value for d in Dimension],
                format_func=lambda v: Dimension(v).label,
                width=95,
                required=True,
            ),
            "weight": st.column_config.NumberColumn(
                "Weight", min_value=0.1, max_value=100, step=0.5, width=75
            ),
            "anchor_low": st.column_config.TextColumn("What a 1 means", width=165, required=True),
            "anchor_high": st.column_config.TextColumn("What a 5 means", width=165, required=True),
            "description": st.column_config.TextColumn("Description", width=120),
        },
    )
    cols = st.columns(2)
    impact_threshold = cols[0].number_input(
        "Impact threshold (0–100)",
        0.0,
        100.0,
        started_from.impact_threshold,
        5.0,
        help="Impact at or above this counts as high.",
        key=f"{PREFIX}{base}_impact",
    )
    risk_threshold = cols[1].number_input(
        "Risk threshold (0–100)",
        0.0,
        100.0,
        started_from.risk_threshold,
        5.0,
        help="Risk at or above this counts as high.",
        key=f"{PREFIX}{base}_risk",
    )
    name = st.text_input(
        "Name of the new version", started_from.name, max_chars=200, key=f"{PREFIX}{base}_name"
    )
    note = st.text_area(
        "What changed and why",
        max_chars=5000,
        placeholder="e.g. Weight bias potential higher after the Q3 audit",
        key=f"{PREFIX}{base}_note",
    )
    saved = st.form_submit_button("Save as a new version", type="primary", icon=":material/save:")

if saved:
    rows = editor_rows(edited)
    version = context.attempt(
        lambda session: (
            assessments.create_model_version(
                session,
                actor,
                criteria=rows,
                expected_version=base,
                name=name,
                note=note,
                impact_threshold=impact_threshold,
                risk_threshold=risk_threshold,
            ).version_number
        ),
        success="New scoring model version saved.",
    )
    if version:
        close_edit(PREFIX)
        st.rerun()

st.subheader("Weight of each criterion in the active version")
st.dataframe(
    assessments.criterion_weights(model).assign(
        dimension=lambda frame: frame["dimension"].map(lambda v: Dimension(v).label)
    ),
    hide_index=True,
    height="content",  # every criterion, without scrolling
    column_config={
        "share": st.column_config.ProgressColumn(
            "Share of its dimension", format="percent", min_value=0, max_value=1
        ),
        "dimension": "Dimension",
        "name": "Criterion",
        "weight": "Weight",
    },
)

st.subheader("Versions")
# Sized to fit beside the sidebar at 1280 px: names, notes and who saved them wrap onto four lines.
st.dataframe(
    read(assessments.model_versions),
    hide_index=True,
    width="stretch",
    row_height=90,  # above 64 px Streamlit wraps text
    column_order=[
        "version",
        "active",
        "name",
        "note",
        "created_at",
        "created_by",
        "impact_threshold",
        "risk_threshold",
        "assessments",
    ],
    column_config={
        "version": st.column_config.NumberColumn("Version", format="v%d", width=60),
        "active": st.column_config.CheckboxColumn("Active", width=55),
        "name": st.column_config.TextColumn("Name", width=125),
        "note": st.column_config.TextColumn("What changed", width=165),
        "created_at": st.column_config.DatetimeColumn("Created", format="D MMM YYYY", width=95),
        "created_by": st.column_config.TextColumn("By", width=110),
        "impact_threshold": st.column_config.NumberColumn(
            "Impact ≥", format="%.0f", width=65, help="Impact threshold: at or above it counts as high."
        ),
        "risk_threshold": st.column_config.NumberColumn(
            "Risk ≥", format="%.0f", width=60, help="Risk threshold: at or above it counts as high."
        ),
        "assessments": st.column_config.NumberColumn(
            "Scores", width=60, help="Reviewers' scores made under this version."
        ),
    },
)
