"""The overview page's panels on the portfolio's make-up: impact and risk, the backlog, balance, governance gaps
and recent lessons, and what an empty or filtered-out portfolio shows. Each renders part of an `Overview`
and links every figure and chart mark to the use cases behind it. No counting here."""

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from portfolio.lifecycle import ACTIVE
from portfolio.models import (
    EXIT_STAGES,
    STAGE_ORDER,
    AiActTier,
    LessonCategory,
    LessonOutcome,
    Sector,
    Stage,
)
from portfolio.scoring import Quadrant
from portfolio.ui import charts, overview_charts
from portfolio.ui.filters import as_query_params
from portfolio.ui.format import (
    STAGE_COLOURS,
    day,
    label,
    number,
)
from portfolio.ui.overview_links import (
    LIST_LIMIT,
    USE_CASE,
    go_to_portfolio,
    link_to_use_case,
    link_to_use_cases,
)
from portfolio.ui.text import plain
from portfolio.views.overview import UNCLASSIFIED
from portfolio.views.overview_model import Overview

ALL_STAGES = [*STAGE_ORDER, *EXIT_STAGES]


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
            event = charts.draw(
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
                    f"An even sample of {number(len(view.matrix))} of {number(view.matrix_total)} scored active "
                    "use cases."
                )
            st.page_link(
                "pages/matrix.py",
                label="The full matrix",
                icon=":material/scatter_plot:",
                # The use cases of the small matrix: the active ones, under the overview's filters.
                query_params=as_query_params(
                    "m_",
                    stage=ACTIVE,
                    sector=view.filters.sectors,
                    team=view.filters.teams,
                    tier=view.filters.tiers,
                ),
            )
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
            event = charts.draw(
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
            st.markdown(f":{colour}[**{number(gap.count)}**] {gap.label}", help=gap.explanation)
            if not gap.items:
                st.caption(gap.explanation)
            for item in gap.items[:LIST_LIMIT]:
                link_to_use_case(item.key, item.title, plain(item.detail))
            if gap.count > LIST_LIMIT:
                link_to_use_cases(f"All {number(gap.count)}", gap.drill, view.filters)


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
