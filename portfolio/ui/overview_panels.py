"""The overview page's panels on the pipeline and how it performs: headline figures, funnel and flow, pilot
purgatory, KPI and trust health. Each renders part of an `Overview` (portfolio.views.overview) and links every
figure and chart mark to the use cases behind it. No counting here: the figures come from the view."""

import pandas as pd
import streamlit as st

from portfolio.models import (
    EXIT_STAGES,
    STAGE_ORDER,
    KpiStatus,
    Stage,
)
from portfolio.ui import charts, overview_charts
from portfolio.ui.charts import STATUS_ORDER
from portfolio.ui.filters import as_query_params
from portfolio.ui.format import (
    NOT_MEASURED,
    STATUS_COLOURS,
    STATUS_ICONS,
    day,
    money_short,
    more,
    number,
    plural,
)
from portfolio.ui.overview_links import (
    LIST_LIMIT,
    USE_CASE,
    go_to_portfolio,
    link_to_use_case,
    link_to_use_cases,
    use_cases_word,
)
from portfolio.ui.text import plain
from portfolio.views.overview_model import Drill, Figure, Overview

ALL_STAGES = [*STAGE_ORDER, *EXIT_STAGES]
STAGE_LABELS = [s.label for s in ALL_STAGES]
PURGATORY_ROWS = 15


# --- headline -----------------------------------------------------------------------------------------------


def figure_value(figure: Figure) -> str:
    if figure.value is None:
        return NOT_MEASURED if figure.unit == "EUR" else "—"
    if figure.unit == "EUR":
        return money_short(figure.value)
    if figure.unit == "%":
        return f"{figure.value:.0f}%"
    return f"{figure.value:,.0f}"


def figure_delta(figure: Figure, previous_quarter: str) -> str | None:
    change = figure.change
    if change is None:
        return None
    if figure.unit == "EUR":
        text = ("+" if change >= 0 else "-") + money_short(abs(change))
    elif figure.unit == "%":
        text = f"{change:+.0f} points"
    else:
        text = f"{change:+,.0f}"
    return f"{text} since {previous_quarter}"


def figure_help(figure: Figure, previous_quarter: str) -> str:
    if figure.previous is None:
        compared = f"Nothing to compare with for {previous_quarter}."
    elif figure.previous_basis.startswith("snapshot"):
        compared = f"Compared with the {previous_quarter} snapshot."
    else:
        compared = f"Compared with the end of {previous_quarter}, from the recorded history."
    return f"{figure.explanation} {compared}"


def headline(view: Overview) -> None:
    # "Stopped" rising is neither good nor bad news; the other figures are better when they rise.
    colours = {"stopped_this_quarter": "off"}
    for row in (view.headline[:4], view.headline[4:]):
        columns = st.columns(len(row) or 1)  # a row of three gets wider tiles, so long labels are not cut
        for column, figure in zip(columns, row, strict=False):
            unchanged = figure.change == 0
            with column, st.container(border=True, key=f"figure_{figure.key}"):
                st.metric(
                    figure.label,
                    figure_value(figure),
                    f"No change since {view.previous_quarter}"
                    if unchanged
                    else figure_delta(figure, view.previous_quarter),
                    delta_color="off" if unchanged else colours.get(figure.key, "normal"),
                    delta_arrow="off" if unchanged else "auto",
                    help=figure_help(figure, view.previous_quarter),
                )
                behind = view.subsets.get(figure.drill.subset) if figure.drill.subset else None
                count = len(behind.keys) if behind is not None else int(figure.value or 0)
                if not count:
                    st.caption("No use case behind it")
                elif figure.unit in ("EUR", "%"):
                    # Not a count of use cases: the link says how many are behind the euros or the rate.
                    link_to_use_cases(f"See the {use_cases_word(count)}", figure.drill, view.filters)
                else:
                    # The figure is the count; repeated, it would not fit a quarter-width tile at 1280 px.
                    text = "See the use case" if count == 1 else "See the use cases"
                    link_to_use_cases(text, figure.drill, view.filters)


# --- funnel and flow ----------------------------------------------------------------------------------------


@st.fragment
def funnel_and_flow(view: Overview) -> None:
    left, right = st.columns(2, gap="large")
    with left:
        frame = pd.DataFrame(
            [
                {
                    "stage": s.stage,
                    "stage_label": Stage(s.stage).label,
                    "count": s.count,
                    "hint": overview_charts.CLICK_HINT,
                }
                for s in view.funnel
            ]
        )
        event = charts.draw(
            overview_charts.funnel(frame, STAGE_LABELS),
            on_select="rerun",
            selection_mode="stage_pick",
            key="overview_funnel",
            height=300,
        )
        picked = event.selection.get("stage_pick", []) if event else []
        if picked and picked[0].get("stage"):
            go_to_portfolio(Drill(stages=(picked[0]["stage"],)), view.filters)
        st.caption("Click a bar to see its use cases. Rejected, stopped and retired are closed.")
    with right:
        frame = pd.DataFrame(
            [
                {
                    "stage_label": Stage(f.stage).label,
                    "median_days": f.median_days,
                    "limit_days": f.limit_days,
                    "stays": f.stays,
                }
                for f in view.flow
                if f.median_days is not None
            ]
        )
        if not frame.empty:
            charts.draw(overview_charts.time_in_stage(frame, STAGE_LABELS), height=260)
        over = [
            f"{Stage(f.stage).label} ({f.median_days:.0f} days, limit {f.limit_days})"
            for f in view.flow
            if f.median_days is not None and f.limit_days is not None and f.median_days > f.limit_days
        ]
        if over:
            st.markdown(f":red[:material/timer: Median over the limit: {', '.join(over)}]")
        st.markdown(
            f"**{plural(view.moves_in_window, 'move')} between stages in the last {view.flow_window_days} days**"
        )
        for move in view.moves[:LIST_LIMIT]:
            link_to_use_cases(
                f"{number(move.count)} × {Stage(move.from_stage).label} → {Stage(move.to_stage).label}",
                move.drill,
                view.filters,
                icon=":material/arrow_forward:",
            )


# --- pilot purgatory ----------------------------------------------------------------------------------------


def purgatory(view: Overview) -> None:
    if not view.purgatory:
        st.success(
            "No pilot is past its decision date or over the time limit.", icon=":material/check_circle:"
        )
        return
    st.caption(
        "Pilots past their decision date, or longer in pilot than the limit: decide to scale, extend, pause or "
        "stop each one. Overdue decisions first."
    )
    st.page_link(
        "pages/board.py",
        label="Decide them on the pipeline board",
        icon=":material/view_kanban:",
        query_params=as_query_params(
            "b_", sector=view.filters.sectors, team=view.filters.teams, tier=view.filters.tiers
        ),
    )
    for item in view.purgatory[:PURGATORY_ROWS]:
        with st.container(border=True, key=f"purgatory_{item.key}"):
            name, owner, age, decision = st.columns([6, 3, 2, 3], vertical_alignment="center")
            with name:
                link_to_use_case(item.key, item.title)
            owner.markdown(
                (plain(item.owner) if item.owner else ":red[No owner named]")
                + f"  \n:gray[{plain(item.team)}]"
            )
            age.markdown(
                (f":red[**{item.days_in_pilot} days**]" if item.over_limit else f"{item.days_in_pilot} days")
                + f"  \n:gray[limit {item.limit_days}]"
            )
            if item.decision_on is None:
                decision.markdown(":gray[No decision date]")
            else:
                when = day(item.decision_on)
                decision.markdown(
                    (
                        f":red[**Decision overdue since {when}**]"
                        if item.decision_overdue
                        else f"Decision on {when}"
                    )
                    + (f"  \n:gray[{plural(item.extensions, 'extension')}]" if item.extensions else "")
                    + ("  \n:gray[Paused]" if item.paused else "")
                )

    if view.purgatory_total > PURGATORY_ROWS:
        st.caption(
            f"The {PURGATORY_ROWS} most pressing of {number(view.purgatory_total)}; the pipeline board lists them all."
        )


# --- KPI and trust health -----------------------------------------------------------------------------------


@st.fragment
def kpi_health(view: Overview) -> None:
    chart_col, list_col = st.columns([3, 2], gap="large")
    severity = {s.value: n for n, s in enumerate(STATUS_ORDER)}
    frame = pd.DataFrame(
        [
            {
                "stage": c.stage,
                "stage_label": Stage(c.stage).label,
                "status": c.status,
                "status_label": KpiStatus(c.status).label,
                "severity": severity[c.status],
                "count": c.count,
                "hint": overview_charts.CLICK_HINT,
            }
            for c in view.kpi_health
            if c.count
        ]
    )
    with chart_col:
        if frame.empty:
            st.info("No pilot or scaled use case has KPIs yet.", icon=":material/monitoring:")
        else:
            event = charts.draw(
                overview_charts.kpi_health(frame, STAGE_LABELS),
                on_select="rerun",
                selection_mode="status_pick",
                key="overview_kpi_health",
                height=300,
            )
            picked = event.selection.get("status_pick", []) if event else []
            if picked and picked[0].get("stage"):
                cell = next(
                    c
                    for c in view.kpi_health
                    if (c.stage, c.status) == (picked[0]["stage"], picked[0]["status"])
                )
                go_to_portfolio(cell.drill, view.filters)
        if view.without_kpis:
            st.markdown(
                f":orange[:material/warning: {use_cases_word(view.without_kpis)} in pilot or later without any KPI]"
            )
    with list_col:
        st.markdown("**KPIs off track or without recent data**")
        if not view.kpi_alerts:
            st.caption("Nothing to flag: every KPI has recent data and none is off track.")
        for alert in view.kpi_alerts[:LIST_LIMIT]:
            status = KpiStatus(alert.status)
            st.page_link(
                USE_CASE,
                label=f"{alert.key} · {plain(alert.kpi)}",
                query_params={"uc": alert.key},
                icon=STATUS_ICONS[status],
                help=plain(alert.title),
            )
            latest = number(alert.latest_value, alert.unit)
            st.caption(
                f":{STATUS_COLOURS[status]}[{status.label}]: {latest}"
                + (f" on {day(alert.latest_on)}" if alert.latest_on else "")
                + f", target {number(alert.target, alert.unit)}"
            )
        if view.kpi_alerts_total > LIST_LIMIT:
            st.caption(more(view.kpi_alerts_total - LIST_LIMIT, "; click a bar to see the use cases."))


def trust(view: Overview) -> None:
    health = view.trust
    if not health.customer_facing:
        st.caption("No active customer-facing use case.")
        return
    st.caption(f"Of {use_cases_word(health.customer_facing)} that customers meet:")
    columns = st.columns(len(health.gaps))
    for column, gap in zip(columns, health.gaps, strict=True):
        with column, st.container(border=True, key=f"trust_{gap.key}"):
            st.metric(gap.label, number(gap.count))
            if gap.count:
                link_to_use_cases("See them", gap.drill, view.filters)
    st.page_link("pages/trust.py", label="Trust KPIs and their trends", icon=":material/verified_user:")
