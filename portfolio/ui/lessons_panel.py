"""Lessons where decisions are made: a lesson shown in full, the incident table, and the compact panels on
Propose and in the gate decision dialog. Typed text is shown exactly as typed."""

from typing import Any

import pandas as pd
import streamlit as st

from portfolio.models import LessonCategory, LessonOutcome, Stage
from portfolio.services.incidents import CREDIT
from portfolio.ui.format import day, label
from portfolio.ui.reads import read
from portfolio.ui.text import plain, show
from portfolio.views import lessons as lesson_views

OUTCOME_COLOURS = {
    LessonOutcome.failure: "red",
    LessonOutcome.partial: "orange",
    LessonOutcome.success: "green",
}
OUTCOME_ICONS = {
    LessonOutcome.failure: ":material/error:",
    LessonOutcome.partial: ":material/contrast:",
    LessonOutcome.success: ":material/check_circle:",
}


def outcome_badge(outcome: str) -> None:
    value = LessonOutcome(outcome)
    st.badge(value.label, color=OUTCOME_COLOURS[value], icon=OUTCOME_ICONS[value])


def lesson_body(lesson: dict[str, Any]) -> None:
    """The lesson's texts in full, each under its heading."""
    for heading, name in (
        ("What we tried", "tried"),
        ("What happened", "happened"),
        ("Root cause", "root_cause"),
        ("What we would do differently", "do_differently"),
    ):
        if lesson.get(name):
            st.markdown(f"**{heading}**")
            show(lesson[name])


def lesson_card(lesson: dict[str, Any]) -> None:
    """One lesson of the library: outcome, category, stage reached, its use case (linked), tags, the texts."""
    with st.container(horizontal=True, vertical_alignment="center"):
        outcome_badge(lesson["outcome"])
        st.badge(label(LessonCategory, lesson["category"]), color="gray")
        if lesson.get("stage"):
            st.badge(f"Reached: {label(Stage, lesson['stage'])}", color="blue", icon=":material/flag:")
    st.page_link(
        "pages/use_case.py",
        label=plain(f"{lesson['key']} · {lesson['use_case_title']}"),
        query_params={"uc": lesson["key"]},
        icon=":material/open_in_new:",
    )
    byline = f"Recorded {day(lesson['recorded_at'])} by {plain(lesson.get('author') or 'someone no longer listed')}"
    if lesson.get("tags"):
        byline += " · Tags: " + ", ".join(plain(tag) for tag in lesson["tags"])
    st.caption(byline)
    lesson_body(lesson)


def incident_table(incidents: pd.DataFrame, *, key: str, height: int | str = "auto") -> None:
    st.dataframe(
        incidents,
        key=key,
        hide_index=True,
        height=height,
        column_order=[
            "occurred_on",
            "title",
            "deployers",
            "harmed_parties",
            "risk_domain",
            "description",
            "link",
        ],
        column_config={
            "occurred_on": st.column_config.DateColumn("Date", format="D MMM YYYY"),
            "title": st.column_config.TextColumn("Incident", width="large"),
            "deployers": st.column_config.TextColumn("Deployer"),
            "harmed_parties": st.column_config.TextColumn("Harmed parties"),
            "risk_domain": st.column_config.TextColumn("Risk domain"),
            "description": st.column_config.TextColumn("What happened", width="large"),
            "link": st.column_config.LinkColumn("Incident page", display_text="Open ↗"),
        },
    )


def credit() -> None:
    st.caption(plain(CREDIT) + " [About the AI Incident Database](https://incidentdatabase.ai)")


def _similar_lesson_lines(similar: pd.DataFrame) -> None:
    for row in similar.to_dict("records"):
        why = [
            text
            for flag, text in (("same_sector", "same sector"), ("same_kind", "same kind of AI"))
            if row[flag]
        ]
        outcome = LessonOutcome(row["outcome"])
        st.markdown(
            f"{OUTCOME_ICONS[outcome]} **{plain(row['title'])}** · {outcome.label}, "
            f"{label(LessonCategory, row['category'])}" + (f" ({', '.join(why)})" if why else "")
        )
        st.page_link(
            "pages/use_case.py",
            label=plain(f"{row['key']} · {row['use_case_title']}"),
            query_params={"uc": row["key"]},
            icon=":material/open_in_new:",
        )
        if row.get("do_differently"):
            st.caption("Would do differently: " + plain(row["do_differently"]))


def suggestions_for_proposal(title: str, problem: str, *, sector: str | None, ai_kind: str | None) -> None:
    """On Propose: lessons of similar use cases and similar public incidents, once the idea has words."""
    # Always one container in the same place, so the fields below keep their position (and what is being
    # typed in them) when suggestions appear.
    with st.container():
        if not (title or "").strip() and not (problem or "").strip():
            return
        found = read(lesson_views.similar_to_proposal, title or "", problem or "", sector, ai_kind)
        lessons, incidents = found.similar, found.incidents
        if lessons.empty and incidents.empty:
            return
        with st.expander(
            f"Learn first: {len(lessons)} lessons and {len(incidents)} public incidents like this idea",
            icon=":material/school:",
            expanded=True,
        ):
            if not lessons.empty:
                st.markdown("**Lessons from similar use cases**")
                _similar_lesson_lines(lessons)
            if not incidents.empty:
                st.markdown("**Similar public AI incidents**")
                incident_table(incidents, key="propose_incidents")
                credit()


def relevant_for_decision(key: str) -> None:
    """In a gate decision: the use case's own lessons, lessons of similar use cases and similar incidents."""
    relevant = read(lesson_views.relevant_to_use_case, key)
    count = len(relevant.own) + len(relevant.similar)
    with st.expander(
        f"Read before deciding: {count} lessons and {len(relevant.incidents)} similar public incidents",
        icon=":material/school:",
    ):
        if not relevant.own.empty:
            st.markdown("**This use case's own lessons**")
            for lesson in relevant.own.to_dict("records"):
                outcome = LessonOutcome(lesson["outcome"])
                st.markdown(f"{OUTCOME_ICONS[outcome]} **{plain(lesson['title'])}** · {outcome.label}")
                if lesson["do_differently"]:
                    st.caption("Would do differently: " + plain(lesson["do_differently"]))
        if not relevant.similar.empty:
            st.markdown("**Lessons from similar use cases**")
            _similar_lesson_lines(relevant.similar)
        if count == 0:
            st.caption("No lessons recorded on this or similar use cases yet.")
        if not relevant.incidents.empty:
            st.markdown("**Similar public AI incidents**")
            incident_table(relevant.incidents, key=f"gate_incidents_{key}")
            credit()
