"""Impact against risk for the whole portfolio, and the ranked backlog of what to pilot next."""

import streamlit as st

from portfolio.labels import quadrant_short
from portfolio.models import Stage
from portfolio.scoring import PRIORITY_FORMULA, Quadrant
from portfolio.services import assessments
from portfolio.ui import charts
from portfolio.ui.filters import filter_bar
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell

require_shell()

st.title("Impact and risk")
st.caption(
    "Every scored use case by its reviewers' mean impact and risk. Select a point to open the use case."
)

# Kept in the address, so the overview's "The full matrix" opens it filtered as the overview was.
chosen = filter_bar("m_", ["sector", "team", "stage", "tier"], bind=True)
filters = assessments.MatrixFilter(chosen.sectors, chosen.teams, chosen.stages, chosen.tiers)
# The backlog's page is keyed by the filter: another filter starts again at its first page.
page_key = f"m_backlog_page_{filters}"
view = read(assessments.matrix_view, filters, st.session_state.get(page_key, 1))

# The chart and the backlog each take the full width, so quadrant labels and titles are not cut at 1280 px.
with st.container():
    if not view.scored:
        st.info("No scored use case matches these filters.", icon=":material/filter_alt_off:")
    else:
        if len(view.points) < view.scored:
            st.caption(
                f"Showing an even sample of {len(view.points):,} of the {view.scored:,} scored use cases (every "
                "n-th), so the chart keeps their shape; narrow the filters to see each one. The quadrant counts "
                "below include them all."
            )
        event = charts.draw(
            charts.impact_risk_matrix(
                view.points, impact_threshold=view.impact_threshold, risk_threshold=view.risk_threshold
            ),
            on_select="rerun",
            selection_mode="pick",
            key="matrix",
            height=560,
        )
        picked = event.selection.get("pick", []) if event else []
        if picked and picked[0].get("key"):
            st.switch_page("pages/use_case.py", query_params={"uc": picked[0]["key"]})
        st.caption(" · ".join(f"{q.label}: {view.quadrant_counts[q.value]:,}" for q in Quadrant))

with st.container():
    st.subheader("Backlog: what to pilot next")
    st.caption(
        f"Scored use cases not yet in a pilot, ranked by **{PRIORITY_FORMULA}** (impact and risk on 0–100). "
        "Prohibited practices are left out: they may never enter one."
    )
    if not view.backlog_total:
        st.caption("Nothing waiting.")
    else:
        if view.backlog_pages > 1:
            # The page shown, should the backlog have shrunk below the one asked for since.
            st.session_state[page_key] = view.backlog_page
            st.columns([1, 2])[0].number_input(
                f"Page (of {view.backlog_pages:,}), highest priority first",
                min_value=1,
                max_value=view.backlog_pages,
                step=1,
                key=page_key,
            )
        queue = view.backlog
        st.caption(
            f"{view.backlog_first:,}–{view.backlog_first + len(queue) - 1:,} of {view.backlog_total:,} waiting"
        )
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
