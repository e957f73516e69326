"""The leadership overview, the app's home: where the pipeline stands, what is stuck, what delivers value,
where trust is at risk and whether the portfolio is balanced; every figure leads to the use cases behind it."""

import streamlit as st

from portfolio.models import utc_now
from portfolio.ui import context
from portfolio.ui import overview_panels as panels
from portfolio.ui import overview_portfolio_panels as portfolio_panels
from portfolio.ui.filters import filter_bar
from portfolio.ui.format import day, number
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.views.overview import OverviewFilter, overview

require_shell()

today = utc_now().date()
st.title("Overview")

everything = read(overview, OverviewFilter(), today)
if everything.is_empty:
    portfolio_panels.empty_state(sorted(context.current_actor().roles))
    st.stop()

st.caption(
    f"The portfolio on {day(today)} ({everything.quarter}), compared with the end of {everything.previous_quarter}. "
    "Every figure and chart leads to the use cases behind it."
)
# Own keys (o_sector…): a page link to the Portfolio would otherwise lose its sector, team and tier, as
# leaving this page drops the address parameters of its bound filters with the same names.
chosen = filter_bar("o_", ["sector", "team", "tier"], bind=True)
filters = OverviewFilter(chosen.sectors, chosen.teams, chosen.tiers)
view = everything if filters.is_empty else read(overview, filters, today)
if view.use_cases == 0:
    portfolio_panels.filtered_out()
    st.stop()

panels.headline(view)

st.subheader("Pipeline and flow")
panels.funnel_and_flow(view)

st.subheader(f"Pilot purgatory: {number(view.purgatory_total)}")
panels.purgatory(view)

st.subheader("KPI health")
panels.kpi_health(view)

st.subheader("Trust health")
panels.trust(view)

st.subheader("Impact and risk")
portfolio_panels.matrix_and_backlog(view)

st.subheader("Balance")
st.caption("Use cases by sector, EU AI Act tier and team, split by stage. Click a bar to see its use cases.")
portfolio_panels.balance(view)

st.subheader("Governance gaps")
portfolio_panels.governance(view)

st.subheader("Recent lessons")
portfolio_panels.lessons(view)
