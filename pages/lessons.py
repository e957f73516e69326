"""Lessons: our own, failures first, searchable and filterable, with their trend; and the public AI incident
library, searched with the same words."""

import streamlit as st

from portfolio.models import LessonCategory, LessonOutcome, Role, Sector, Stage
from portfolio.ui import charts, context
from portfolio.ui.format import label
from portfolio.ui.lesson_forms import edit_lesson_form, record_lesson_form, show_saved
from portfolio.ui.lessons_panel import OUTCOME_ICONS, credit, incident_table, lesson_card
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain
from portfolio.views import incidents as incident_views
from portfolio.views import lessons as lesson_views

require_shell()

st.title("Lessons")
st.caption(
    "What our pilots taught us, failures first, and what the world's public AI incidents teach. "
    "Read them before proposing or deciding; record yours at any stage."
)
show_saved()

actor = context.current_actor()
can_write = Role.contributor in actor.roles
choices = read(lesson_views.lesson_choices)

if can_write:
    requested = st.query_params.get("uc")
    with st.expander("Record a lesson", icon=":material/add_circle:", expanded=bool(requested)):
        record_lesson_form(requested, choices["tags"])

query = st.text_input(
    "Search lessons and public incidents",
    key="lessons_query",
    max_chars=500,
    placeholder="Words in any order, e.g. chatbot hand-over",
    icon=":material/search:",
)
row_one, row_two = st.columns(3), st.columns(3)
filters = lesson_views.LessonFilter(
    query=query or "",
    outcomes=tuple(
        row_one[0].multiselect(
            "Outcome",
            [o.value for o in LessonOutcome],
            format_func=lambda v: LessonOutcome(v).label,
            placeholder="All outcomes",
            key="lessons_outcome",
        )
    ),
    categories=tuple(
        row_one[1].multiselect(
            "Category",
            [c.value for c in LessonCategory],
            format_func=lambda v: LessonCategory(v).label,
            placeholder="All categories",
            key="lessons_category",
        )
    ),
    stages=tuple(
        row_one[2].multiselect(
            "Stage reached",
            [s.value for s in Stage],
            format_func=lambda v: Stage(v).label,
            placeholder="All stages",
            key="lessons_stage",
        )
    ),
    sectors=tuple(
        row_two[0].multiselect(
            "Sector",
            choices["sectors"],
            format_func=lambda v: label(Sector, v),
            placeholder="All sectors",
            key="lessons_sector",
        )
    ),
    teams=tuple(
        row_two[1].multiselect("Team", choices["teams"], placeholder="All teams", key="lessons_team")
    ),
    tags=tuple(row_two[2].multiselect("Tag", choices["tags"], placeholder="All tags", key="lessons_tag")),
)
library = read(lesson_views.lesson_library, filters)
counts = read(lesson_views.lesson_counts, filters)
if (query or "").strip() and not library.words:
    st.info("The search holds no words to look for, so every lesson is listed.", icon=":material/info:")

st.subheader("Our lessons")
if library.total:
    cause = lesson_views.failure_causes(counts)
    summary = f"{library.total:,} lessons" + (
        f"; most failures ({cause[1]} of {cause[2]}) are about {cause[0].lower()}." if cause else "."
    )
    st.caption(summary)
    charts.draw(charts.lesson_trend(counts), key="lessons_trend")
else:
    st.info("No lessons match. Clear a filter or try other words.", icon=":material/search_off:")

LESSONS_PER_PAGE = 25  # a page of cards at a time: each card is drawn on every rerun, open or not


def show_more_lessons() -> None:
    st.session_state["lessons_shown"] = (
        st.session_state.get("lessons_shown", LESSONS_PER_PAGE) + LESSONS_PER_PAGE
    )


shown_count = min(st.session_state.get("lessons_shown", LESSONS_PER_PAGE), len(library.rows))
for lesson in library.rows.head(shown_count).to_dict("records"):
    outcome = LessonOutcome(lesson["outcome"])
    with st.expander(f"{plain(lesson['title'])} · {lesson['key']}", icon=OUTCOME_ICONS[outcome]):
        lesson_card(lesson)
        if can_write and st.toggle("Edit this lesson", key=f"edit_toggle_{lesson['id']}"):
            edit_lesson_form(lesson, choices["tags"])
if library.total > shown_count:
    st.caption(
        f"{shown_count:,} of {library.total:,} lessons shown"
        + ("; search or filter to find the others." if shown_count == len(library.rows) else ".")
    )
    if shown_count < len(library.rows):
        st.button(
            f"Show {min(LESSONS_PER_PAGE, len(library.rows) - shown_count)} more",
            key="lessons_more",
            on_click=show_more_lessons,
        )

st.subheader("Public AI incidents")
found = read(incident_views.search_incidents, filters.query)
if found.words:
    st.caption(
        f"{len(found.rows):,} of {found.total:,} incidents hold every word searched, best match first."
    )
else:
    st.caption(f"The {len(found.rows)} most recent of {found.total:,} incidents. Search to find others.")
if found.rows.empty and found.total:
    st.info("No public incident holds every word. Try fewer words.", icon=":material/search_off:")
elif not found.total:
    st.info("The incident library is empty; an administrator can load it with `portfolio incidents refresh`.")
else:
    incident_table(found.rows, key="lessons_incidents", height=420)
credit()
