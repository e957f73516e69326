"""Impact against risk for the whole portfolio, and the ranked backlog of what to pilot next."""

import streamlit as st

from portfolio.labels import quadrant_short
from portfolio.models import AiActTier, Stage
from portfolio.scoring import PRIORITY_FORMULA, Quadrant
from portfolio.services import assessments, use_cases
from portfolio.ui import charts
from portfolio.ui.filters import filter_bar
from portfolio.ui.format import label
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell

require_shell()

MAX_POINTS = 1_500

st.title("Impact and risk")
st.caption(
    "Every scored use case by its reviewers' mean impact and risk. Select a point to open the use case."
)

chosen = filter_bar("m_", ["sector", "team", "stage", "tier"])
points = read(
    assessments.matrix_points,
    assessments.MatrixFilter(chosen.sectors, chosen.teams, chosen.stages, chosen.tiers),
)
impact_threshold, risk_threshold = read(use_cases.quadrant_thresholds)

# The chart and the backlog each take the full width, so quadrant labels and titles are not cut at 1280 px.
with st.container():
    if points.empty:
        st.info("No scored use case matches these filters.", icon=":material/filter_alt_off:")
    else:
        # Aggregate before charting: beyond a few thousand marks a scatter is unreadable and slow to draw.
        shown = points.nlargest(MAX_POINTS, "priority") if len(points) > MAX_POINTS else points
        if len(shown) < len(points):
            st.caption(
                f"Showing the {len(shown):,} highest-priority of {len(points):,} scored use cases; narrow the "
                "filters to see the others. The quadrant counts below include them all."
            )
        shown = shown.assign(
            stage_label=points["stage"].map(lambda v: Stage(v).label),
            quadrant_label=points["quadrant"].map(lambda v: Quadrant(v).label),
            tier_label=points["ai_act_tier"].map(lambda v: label(AiActTier, v, "Not classified")),
        )
        event = st.altair_chart(
            charts.impact_risk_matrix(
                shown, impact_threshold=impact_threshold, risk_threshold=risk_threshold
            ),
            on_select="rerun",
            selection_mode="pick",
            key="matrix",
            height=560,
        )
        picked = event.selection.get("pick", []) if event else []
        if picked and picked[0].get("key"):
            st.switch_page("pages/use_case.py", query_params={"uc": picked[0]["key"]})
        counts = points["quadrant"].value_counts()
        st.caption(" · ".join(f"{q.label}: {counts.get(q.value, 0)}" for q in Quadrant))

with st.container():
    st.subheader("Backlog: what to pilot next")
    st.caption(
        f"Scored use cases not yet in a pilot, ranked by **{PRIORITY_FORMULA}** (impact and risk on 0–100)."
    )
    queue = assessments.backlog(points)
    if queue.empty:
        st.caption("Nothing waiting.")
    else:
        st.dataframe(
            queue.assign(
                stage=queue["stage"].map(lambda v: Stage(v).label),
                quadrant=queue["quadrant"].map(quadrant_short),
            ),
            hide_index=True,
            row_height=66,  # long titles wrap (Streamlit wraps above 64 px)
            column_order=["priority", "key", "title", "impact", "risk", "quadrant", "stage"],
            column_config={
                "key": st.column_config.TextColumn("Key", width=72),
                "title": st.column_config.TextColumn("Use case", width=330),
                "priority": st.column_config.NumberColumn("Priority", format="%.1f", width=70),
                "impact": st.column_config.NumberColumn("Impact", format="%.0f", width=65),
                "risk": st.column_config.NumberColumn("Risk", format="%.0f", width=65),
                "quadrant": st.column_config.TextColumn("Quadrant", width=120),
                "stage": st.column_config.TextColumn("Stage", width=90),
            },
        )
