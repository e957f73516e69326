"""The forms that record a lesson on a use case and edit one. Keys carry what they edit (the lesson's id and
version), so switching lessons never carries values over; a draft survives a refused save."""

from typing import Any

import streamlit as st

from portfolio.models import LessonCategory, LessonOutcome
from portfolio.services import lessons
from portfolio.ui import context
from portfolio.ui.reads import read
from portfolio.ui.text import plain
from portfolio.views.use_case_picker import PICKER_LIMIT, pick_use_case

DONE = "lesson_saved"
ROUND = "new_lesson_round"


def _fields(prefix: str, initial: dict[str, Any], tag_options: list[str]) -> dict[str, Any]:
    title = st.text_input(
        "Lesson title *", value=initial.get("title", ""), max_chars=200, key=f"{prefix}title"
    )
    left, right = st.columns(2)
    outcome = left.radio(
        "Outcome *",
        [o.value for o in LessonOutcome],
        index=[o.value for o in LessonOutcome].index(initial["outcome"]) if initial.get("outcome") else 0,
        format_func=lambda v: LessonOutcome(v).label,
        horizontal=True,
        key=f"{prefix}outcome",
    )
    categories = [c.value for c in LessonCategory]
    category = right.selectbox(
        "Category *",
        categories,
        index=categories.index(initial["category"]) if initial.get("category") else None,
        format_func=lambda v: LessonCategory(v).label,
        placeholder="What the lesson is mostly about",
        key=f"{prefix}category",
    )
    texts = {
        name: st.text_area(
            text + (" *" if required else ""),
            value=initial.get(name, ""),
            max_chars=5000,
            height=90,
            placeholder=hint,
            key=f"{prefix}{name}",
        )
        for name, text, required, hint in (
            ("tried", "What we tried", True, "What was built or changed, where, for whom"),
            ("happened", "What happened", True, "The result, with figures where you have them"),
            ("root_cause", "Root cause", False, "Why it turned out that way"),
            ("do_differently", "What we would do differently", False, "The advice for the next team"),
        )
    }
    current = list(initial.get("tags") or [])
    tags = st.multiselect(
        "Tags",
        sorted(set(tag_options) | set(current)),
        default=current,
        accept_new_options=True,
        placeholder="Choose or type tags, e.g. chatbot, hand-over",
        key=f"{prefix}tags",
    )
    return {"title": title, "outcome": outcome, "category": category, "tags": tags} | texts


def record_lesson_form(chosen: str | None, tag_options: list[str]) -> None:
    """Record a lesson on any use case, at whatever stage it is in; the use case is found by key or title (a
    menu of every use case would be most of the page at 10,000), `chosen` (a link's ?uc=) among the choices."""
    # A new key prefix after each recorded lesson gives an empty form (deleting widget state leaves a form's
    # values in the browser).
    prefix = f"new_lesson_{st.session_state.get(ROUND, 0)}_"
    # Outside the form, so that typing narrows the menu at once.
    search = st.text_input(
        "Find the use case",
        key=f"{prefix}use_case_search",
        placeholder="Find by key or title",
        icon=":material/search:",
    ).strip()
    picker = read(pick_use_case, search, chosen)
    keys = [key for key, _title in picker.options]
    titles = dict(picker.options)
    if search and picker.matches == 0:
        st.caption(f"No use case has “{plain(search)}” in its key or title.")
    elif picker.matches > PICKER_LIMIT:
        st.caption(
            f"The first {PICKER_LIMIT} of {picker.matches:,} by key: type part of a key or title to narrow."
        )
    with st.form("record_lesson", border=False, enter_to_submit=False):
        key = st.selectbox(
            "Use case *",
            keys,
            index=keys.index(chosen) if chosen in keys else None,
            format_func=lambda k: f"{k} · {titles[k]}",
            placeholder="Which use case taught it",
            key=f"{prefix}use_case",
        )
        fields = _fields(prefix, {}, tag_options)
        submitted = st.form_submit_button(
            "Record the lesson", type="primary", icon=":material/school:", key="record_lesson_submit"
        )
    if submitted:
        if key is None:
            st.error("Choose the use case the lesson comes from.", icon=":material/edit_note:")
            return
        actor = context.current_actor()
        saved = context.attempt(lambda session: lessons.record_lesson(session, actor, key, **fields).id)
        if saved:
            for name in [k for k in st.session_state if str(k).startswith(prefix)]:
                del st.session_state[name]
            st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
            st.session_state[DONE] = f"Lesson recorded on {key}. It is in the library below."
            st.rerun()


def edit_lesson_form(lesson: dict[str, Any], tag_options: list[str]) -> None:
    """Edit a lesson; refused if someone else changed it since this page was read."""
    prefix = f"edit_lesson_{lesson['id']}_{lesson['version']}_"
    with st.form(f"{prefix}form", border=False, enter_to_submit=False):
        fields = _fields(prefix, lesson, tag_options)
        submitted = st.form_submit_button(
            "Save changes", type="primary", icon=":material/save:", key=f"{prefix}save"
        )
    if submitted:
        actor = context.current_actor()
        saved = context.attempt(
            lambda session: (
                lessons.update_lesson(
                    session, actor, lesson["id"], expected_version=lesson["version"], **fields
                ).id
            )
        )
        if saved:
            st.session_state[DONE] = f"Lesson “{plain(fields['title'])}” saved."
            st.rerun()


def show_saved() -> None:
    message = st.session_state.pop(DONE, None)
    if message:
        st.success(message, icon=":material/check_circle:")
