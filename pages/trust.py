"""Trust across the portfolio: customer-facing use cases, their trust KPIs, the gaps, and the trends."""

import streamlit as st

from portfolio.models import KpiStatus, Stage
from portfolio.services import trust
from portfolio.ui import charts
from portfolio.ui.filters import filter_bar
from portfolio.ui.format import label, plural
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain

require_shell()

st.title("Trust")
st.caption(
    "Every active use case that customers meet: do customers know when AI is involved, can they always "
    "reach a person, is the outcome fair, and what do the trust KPIs say?"
)

chosen = filter_bar("t_", ["sector", "team"])
filters = trust.TrustFilter(chosen.sectors, chosen.teams)
counts = read(trust.trust_counts, filters)

metrics = st.columns(4)
metrics[0].metric("Customer-facing use cases", f"{counts.customer_facing:,}")
metrics[1].metric("Without a trust KPI", f"{counts.without_trust_kpi:,}")
metrics[2].metric("Customers not told about the AI", f"{counts.not_told:,}")
metrics[3].metric("No path to a person", f"{counts.no_path_to_person:,}")

if not counts.customer_facing:
    st.info("No active customer-facing use case matches these filters.", icon=":material/filter_alt_off:")
    st.stop()

if counts.with_gaps:
    st.warning(
        f"{plural(counts.with_gaps, 'customer-facing use case')} without a trust safeguard (a trust KPI, telling customers about the "
        "AI, or a path to a person). They are listed first.",
        icon=":material/shield:",
    )

ROWS_PER_PAGE = 50
pages = -(-counts.customer_facing // ROWS_PER_PAGE)
page_number = 1
if pages > 1:
    page_number = st.columns([1, 2])[0].number_input(
        f"Page (of {pages:,}), most safeguards missing first",
        min_value=1,
        max_value=pages,
        value=1,
        step=1,
        key=f"trust_table_page_{filters.sectors}_{filters.teams}",
    )
first = (page_number - 1) * ROWS_PER_PAGE
overview = read(trust.trust_overview, filters, first, ROWS_PER_PAGE)
if pages > 1:
    st.caption(f"Use cases {first + 1:,}–{first + len(overview):,} of {counts.customer_facing:,}.")

st.dataframe(
    overview.assign(
        stage=overview["stage"].map(lambda v: Stage(v).label),
        worst_status=overview["worst_status"].map(lambda v: label(KpiStatus, v, "No trust KPI")),
        gaps=overview["gaps"].map(lambda g: ", ".join(g) or "Nothing missing"),
    ),
    hide_index=True,
    # Text is the point here: rows are tall enough for the gaps and the KPI statuses to wrap, and the
    # columns fit beside the sidebar at 1280 px (team and the yes/no safeguards are in the gaps and filters).
    row_height=66,
    column_order=["key", "title", "stage", "worst_status", "gaps", "statuses"],
    column_config={
        "key": st.column_config.TextColumn("Key", width=72, pinned=True),
        "title": st.column_config.TextColumn("Use case", width=190),
        "stage": st.column_config.TextColumn("Stage", width=85),
        "worst_status": st.column_config.TextColumn("Weakest trust KPI", width=125),
        "gaps": st.column_config.TextColumn("Safeguards missing", width=160),
        "statuses": st.column_config.TextColumn("Trust KPIs and their status", width=300),
    },
)

TRENDS_PER_PAGE = 9


@st.fragment
def trends_panel() -> None:
    """A page of trust KPI trends, weakest status first; paging reruns only this panel."""
    st.subheader("Trust KPIs over the last twelve months")
    total, _ = read(trust.trust_kpi_page, filters, 0, 0)
    if not total:
        st.caption("No trust or fairness KPI is defined for these use cases yet.")
        return
    pages = max(1, -(-total // TRENDS_PER_PAGE))
    page_number = 1
    if pages > 1:
        page_number = st.number_input(
            f"Page (of {pages:,}), weakest status first",
            min_value=1,
            max_value=pages,
            value=1,
            step=1,
            key=f"trust_trends_page_{filters.sectors}_{filters.teams}",
        )
    _, shown = read(trust.trust_kpi_page, filters, (page_number - 1) * TRENDS_PER_PAGE, TRENDS_PER_PAGE)
    st.caption(
        f"Trust KPIs {(page_number - 1) * TRENDS_PER_PAGE + 1:,}–{(page_number - 1) * TRENDS_PER_PAGE + len(shown):,}"
        f" of {total:,}: monthly means."
    )
    trends = read(trust.trust_trends, filters, 12, tuple(int(i) for i in shown["kpi_id"]))
    series = {kpi_id: points for kpi_id, points in trends.groupby("kpi_id", sort=False)}
    for start in range(0, len(shown), 3):
        row = st.columns(3)
        for column, kpi in zip(row, shown.iloc[start : start + 3].itertuples(), strict=False):
            with column, st.container(border=True):
                st.markdown(f"**{plain(kpi.key)}** · {plain(kpi.kpi)}")
                points = series.get(kpi.kpi_id)
                if points is None:
                    st.caption("No results logged in the last twelve months.")
                    continue
                first = points.iloc[0]
                charts.draw(
                    charts.kpi_trend(
                        points.rename(columns={"month": "measured_on"}).assign(note="monthly mean"),
                        name=first["kpi"],
                        unit=first["unit"],
                        baseline=first["baseline"],
                        target=first["target"],
                        title="Monthly mean",
                    ),
                    height=220,
                )


trends_panel()
