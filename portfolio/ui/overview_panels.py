"""The overview page's panels: each renders part of an `Overview` (portfolio.views.overview) and links every
figure and chart mark to the use cases behind it. No counting here: the figures come from the view."""

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from portfolio.models import (
    EXIT_STAGES,
    STAGE_ORDER,
    AiActTier,
    KpiStatus,
    LessonCategory,
    LessonOutcome,
    Sector,
    Stage,
)
from portfolio.scoring import Quadrant
from portfolio.ui import overview_charts
from portfolio.ui.charts import STATUS_ORDER
from portfolio.ui.filters import as_query_params
from portfolio.ui.format import (
    NOT_MEASURED,
    STAGE_COLOURS,
    STATUS_COLOURS,
    STATUS_ICONS,
    day,
    label,
    number,
    plural,
)
from portfolio.ui.text import plain
from portfolio.views.overview import UNCLASSIFIED
from portfolio.views.overview_model import Drill, Figure, Overview, OverviewFilter

PORTFOLIO = "pages/portfolio.py"
USE_CASE = "pages/use_case.py"
ALL_STAGES = [*STAGE_ORDER, *EXIT_STAGES]
STAGE_LABELS = [s.label for s in ALL_STAGES]
LIST_LIMIT = 8  # rows a list shows before pointing to the rest
PURGATORY_ROWS = 15


# --- links --------------------------------------------------------------------------------------------------


def drill_params(drill: Drill, filters: OverviewFilter) -> dict[str, list[str]]:
    """The Portfolio page's address for a drill: its filters in the words the filters show, the overview's
    own filters kept unless the drill narrows the same one, and the subset named by `show`."""
    params = as_query_params(
        stage=drill.stages,
        sector=drill.sectors or filters.sectors,
        team=drill.teams or filters.teams,
        tier=drill.tiers or filters.tiers,
    )
    if drill.subset:
        params["show"] = [drill.subset]
    return params


def go_to_portfolio(drill: Drill, filters: OverviewFilter) -> None:
    st.switch_page(PORTFOLIO, query_params=drill_params(drill, filters))


def link_to_use_cases(
    text: str, drill: Drill, filters: OverviewFilter, icon: str = ":material/list:"
) -> None:
    st.page_link(PORTFOLIO, label=text, icon=icon, query_params=drill_params(drill, filters))


def link_to_use_case(key: str, title: str, extra: str = "") -> None:
    st.page_link(
        USE_CASE,
        label=f"{key} · {plain(title)}" + (f" · {extra}" if extra else ""),
        query_params={"uc": key},
        icon=":material/open_in_new:",
    )


def use_cases_word(count: int) -> str:
    return "1 use case" if count == 1 else f"{count} use cases"


# --- headline -----------------------------------------------------------------------------------------------


def money(value: float | None) -> str:
    """Euros in a metric: "€2.6m", "€412k", "€950"."""
    if value is None:
        return "—"
    size = abs(value)
    sign = "−" if value < 0 else ""
    if size >= 1_000_000:
        return f"{sign}€{size / 1_000_000:,.1f}m"
    if size >= 10_000:
        return f"{sign}€{size / 1_000:,.0f}k"
    return f"{sign}€{size:,.0f}"


def figure_value(figure: Figure) -> str:
    if figure.value is None:
        return NOT_MEASURED if figure.unit == "EUR" else "—"
    if figure.unit == "EUR":
        return money(figure.value)
    if figure.unit == "%":
        return f"{figure.value:.0f}%"
    return f"{figure.value:,.0f}"


def figure_delta(figure: Figure, previous_quarter: str) -> str | None:
    change = figure.change
    if change is None:
        return None
    if figure.unit == "EUR":
        text = ("+" if change >= 0 else "-") + money(abs(change))
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
                if count:
                    link_to_use_cases(f"See the {use_cases_word(count)}", figure.drill, view.filters)
                else:
                    st.caption("No use case behind it")


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
        event = st.altair_chart(
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
            st.altair_chart(overview_charts.time_in_stage(frame, STAGE_LABELS), height=260)
        over = [
            f"{Stage(f.stage).label} ({f.median_days:.0f} days, limit {f.limit_days})"
            for f in view.flow
            if f.median_days is not None and f.limit_days is not None and f.median_days > f.limit_days
        ]
        if over:
            st.markdown(f":red[:material/timer: Median over the limit: {', '.join(over)}]")
        st.markdown(
            f"**{view.moves_in_window} moves between stages in the last {view.flow_window_days} days**"
        )
        for move in view.moves[:LIST_LIMIT]:
            link_to_use_cases(
                f"{move.count} × {Stage(move.from_stage).label} → {Stage(move.to_stage).label}",
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
            f"The {PURGATORY_ROWS} most pressing of {view.purgatory_total}; the pipeline board lists them all."
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
            event = st.altair_chart(
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
            st.caption(f"and {view.kpi_alerts_total - LIST_LIMIT} more; click a bar to see the use cases.")


def trust(view: Overview) -> None:
    health = view.trust
    if not health.customer_facing:
        st.caption("No active customer-facing use case.")
        return
    st.caption(f"Of {use_cases_word(health.customer_facing)} that customers meet:")
    columns = st.columns(len(health.gaps))
    for column, gap in zip(columns, health.gaps, strict=True):
        with column, st.container(border=True, key=f"trust_{gap.key}"):
            st.metric(gap.label, gap.count)
            if gap.count:
                link_to_use_cases("See them", gap.drill, view.filters)
    st.page_link("pages/trust.py", label="Trust KPIs and their trends", icon=":material/verified_user:")


# --- matrix and backlog -------------------------------------------------------------------------------------


@st.fragment
def matrix_and_backlog(view: Overview) -> None:
    chart_col, backlog_col = st.columns([3, 2], gap="large")
    with chart_col:
        if not view.matrix:
            st.info("No active use case is scored yet.", icon=":material/scatter_plot:")
        else:
            points = pd.DataFrame(
                [
                    {
                        "key": p.key,
                        "title": p.title,
                        "stage_label": Stage(p.stage).label,
                        "impact": p.impact,
                        "risk": p.risk,
                        "quadrant_label": Quadrant(p.quadrant).label,
                    }
                    for p in view.matrix
                ]
            )
            event = st.altair_chart(
                overview_charts.small_matrix(
                    points, impact_threshold=view.impact_threshold, risk_threshold=view.risk_threshold
                ),
                on_select="rerun",
                selection_mode="point_pick",
                key="overview_matrix",
                height=320,
            )
            picked = event.selection.get("point_pick", []) if event else []
            if picked and picked[0].get("key"):
                st.switch_page(USE_CASE, query_params={"uc": picked[0]["key"]})
            if view.matrix_total > len(view.matrix):
                st.caption(
                    f"The {len(view.matrix)} highest-priority of {view.matrix_total} scored active use cases."
                )
            st.page_link("pages/matrix.py", label="The full matrix", icon=":material/scatter_plot:")
    with backlog_col:
        st.markdown("**Top of the backlog: what to pilot next**")
        if not view.backlog:
            st.caption("No scored use case is waiting for a pilot.")
        for item in view.backlog:
            link_to_use_case(item.key, item.title)
            st.caption(
                f"Priority {item.priority:.0f} · impact {item.impact:.0f}, risk {item.risk:.0f} · "
                f"{Quadrant(item.quadrant).label} · :{STAGE_COLOURS[Stage(item.stage)]}[{Stage(item.stage).label}]"
            )


# --- balance ------------------------------------------------------------------------------------------------

DIMENSIONS = (
    ("sector", "By sector", "Sector", lambda v: label(Sector, v)),
    (
        "tier",
        "By EU AI Act tier",
        "Tier",
        lambda v: "Not classified" if v == UNCLASSIFIED else label(AiActTier, v),
    ),
    ("team", "By team", "Team", str),
)


@st.fragment
def balance(view: Overview) -> None:
    rank = {s.value: n for n, s in enumerate(ALL_STAGES)}
    sector_col, tier_col = st.columns(2, gap="large")
    for column, (dimension, title, axis_title, shown) in zip(
        (sector_col, tier_col, st.container()), DIMENSIONS, strict=True
    ):
        cells = [c for c in view.balance if c.dimension == dimension]
        if not cells:
            continue
        frame = pd.DataFrame(
            [
                {
                    "value": c.value,
                    "value_label": shown(c.value),
                    "stage": c.stage,
                    "stage_label": Stage(c.stage).label,
                    "stage_rank": rank[c.stage],
                    "count": c.count,
                    "hint": overview_charts.CLICK_HINT,
                }
                for c in cells
            ]
        )
        # Sector and tier side by side share a height, so their bars line up; teams get a row each.
        rows = frame["value"].nunique() if dimension == "team" else 5
        with column:
            event = st.altair_chart(
                overview_charts.balance(frame, title=title, axis_title=axis_title),
                on_select="rerun",
                selection_mode="balance_pick",
                key=f"overview_balance_{dimension}",
                height=150 + 30 * rows,
            )
            picked = event.selection.get("balance_pick", []) if event else []
            if picked and picked[0].get("value") is not None:
                cell = next(
                    c for c in cells if (c.value, c.stage) == (picked[0]["value"], picked[0]["stage"])
                )
                go_to_portfolio(cell.drill, view.filters)


# --- governance and lessons ---------------------------------------------------------------------------------


def governance(view: Overview) -> None:
    columns = [column for _ in range(0, len(view.governance), 2) for column in st.columns(2)]
    for column, gap in zip(columns, view.governance, strict=False):
        with column, st.container(border=True, key=f"governance_{gap.key}"):
            colour = "red" if gap.count else "green"
            st.markdown(f":{colour}[**{gap.count}**] {gap.label}", help=gap.explanation)
            if not gap.items:
                st.caption(gap.explanation)
            for item in gap.items[:LIST_LIMIT]:
                link_to_use_case(item.key, item.title, plain(item.detail))
            if gap.count > LIST_LIMIT:
                link_to_use_cases(f"All {gap.count}", gap.drill, view.filters)


OUTCOME_COLOURS = {
    LessonOutcome.failure: "red",
    LessonOutcome.partial: "orange",
    LessonOutcome.success: "green",
}


def lessons(view: Overview) -> None:
    if not view.lessons:
        st.caption("No lesson recorded in the last year.")
        return
    for lesson in view.lessons:
        outcome = LessonOutcome(lesson.outcome)
        with st.container(border=True):
            st.markdown(
                f":{OUTCOME_COLOURS[outcome]}-badge[{outcome.label}] **{plain(lesson.title)}**"
                f"  \n:gray[{day(lesson.recorded_on)} · {label(LessonCategory, lesson.category)}]"
            )
            if lesson.do_differently.strip():
                st.caption(f"Next time: {plain(lesson.do_differently)}")
            link_to_use_case(lesson.key, lesson.use_case_title)
    st.page_link(
        "pages/lessons.py", label="Every lesson, and the public AI incident library", icon=":material/school:"
    )


# --- empty portfolio ----------------------------------------------------------------------------------------


def empty_state(roles: Sequence[str]) -> None:
    st.info(
        "The portfolio is empty. This page fills in as soon as the first use case is proposed: the pipeline, "
        "what is stuck, what delivers value, where trust is at risk and whether the portfolio is balanced.",
        icon=":material/rocket_launch:",
    )
    st.subheader("What to do first")
    steps = [
        (
            "administrator",
            "pages/people.py",
            "1. Add the people who propose, score and decide, with their roles",
            ":material/group:",
        ),
        (
            "administrator",
            "pages/scoring_model.py",
            "2. Check the scoring model: criteria, weights and the quadrant thresholds",
            ":material/tune:",
        ),
        ("contributor", "pages/propose.py", "3. Propose the first use case", ":material/add_circle:"),
        (
            "administrator",
            "pages/gates_admin.py",
            "4. Review the gate checklists and how long a use case may stay in each stage",
            ":material/rule:",
        ),
    ]
    for role, page, text, icon in steps:
        if role in roles:
            st.page_link(page, label=text, icon=icon)
        else:
            st.markdown(f":gray[{text} (needs the {role} role)]")
    st.caption(
        "To explore first, load the demo portfolio into an empty database: `portfolio demo` on the command line."
    )


def filtered_out() -> None:
    st.info(
        "No use case matches these filters. Clear a filter to see more.", icon=":material/filter_alt_off:"
    )
