"""Decision dialogs shared by the board and the use-case page: gate decisions with their checklist, pilot
reviews, stopping with a lesson, and the simple moves (assess, reject, retire)."""

from datetime import timedelta
from typing import Any

import streamlit as st

from portfolio import checklist
from portfolio.models import Gate, GateOutcome, LessonCategory, LessonOutcome, Role, Stage, utc_now
from portfolio.services import gates, lessons, people, use_cases
from portfolio.ui import context
from portfolio.ui.lessons_panel import relevant_for_decision
from portfolio.ui.problems import FieldProblems
from portfolio.ui.text import plain

ACTION_LABELS = {
    "assess": "Mark as assessed",
    "reject": "Reject",
    "gate": "Gate decision",
    "review": "Pilot review",
    "stop": "Stop",
    "retire": "Retire",
}


def scope_of(key: str, version: int) -> str:
    """What a dialog's widgets are keyed by: the use case and the version it was opened on, so a dialog opened
    after anyone's change starts from what is stored, never from values typed into an earlier one."""
    return f"{key}_v{version}"


def _forget(scope: str) -> None:
    """Drop the widgets of a dialog whose decision was recorded (a hold or a review leaves the version as it
    was), so opening it again starts afresh."""
    for name in [str(n) for n in st.session_state]:
        if name.endswith(f"_{scope}") or f"_{scope}_" in name:
            del st.session_state[name]


def _done(message: str, scope: str) -> None:
    _forget(scope)
    st.session_state["decision_done"] = message
    st.rerun()


REMEDY_PAGES = {
    "use_case": ("pages/use_case.py", "Open the use case's facts"),
    "kpis": ("pages/use_case.py", "Open the use case's KPIs"),
    "score": ("pages/score.py", "Open Score"),
    "results": ("pages/results.py", "Open Log results"),
}


def remedy_line(result: checklist.ItemResult, key: str, who: dict[str, list[str]]) -> None:
    """Under an unmet item: what would meet it, which role does that (and who holds it), with a link."""
    fix = checklist.remedy(result.rule)
    if fix.where == "gate":
        return
    names = who.get(fix.role, [])
    holders = f" ({', '.join(plain(n) for n in names[:3])}{', …' if len(names) > 3 else ''})" if names else ""
    role = fix.role.label.lower()
    cols = st.columns([3, 1], vertical_alignment="center")
    cols[0].caption(f"{fix.todo}: a{'n' if role[0] in 'aeiou' else ''} {role}'s step{holders}.")
    page, link = REMEDY_PAGES[fix.where]
    with cols[1]:
        st.page_link(page, label=link, query_params={"uc": key}, icon=":material/arrow_forward:")


def _charter_draft(scope: str) -> dict[str, Any]:
    today = utc_now().date()
    defaults = {
        "hypothesis": "",
        "scope": "",
        "start_on": today,
        "planned_end_on": today + timedelta(days=120),
        "decision_on": today + timedelta(days=135),
        "min_evidence": "",
    }
    return {name: st.session_state.get(f"charter_{name}_{scope}", value) for name, value in defaults.items()}


@st.dialog("Gate decision", width="large")
def gate_dialog(key: str, title: str, stage: str, version: int) -> None:
    actor = context.current_actor()
    gate = gates.next_gate(stage)
    if gate is None:
        st.error("This use case has no gate ahead of it.")
        return
    scope = scope_of(key, version)
    form = FieldProblems(f"gate_{scope}_{gate.value}")
    widget = {
        "outcome": f"outcome_{scope}",
        "rationale": f"rationale_{scope}",
        "decided_on": f"decided_{scope}",
        **{f"charter.{name}": f"charter_{name}_{scope}" for name in _charter_draft(scope)},
    }
    st.markdown(f"**{plain(key)} · {plain(title)}**: {Stage(stage).label} → **{gate.label} gate**")
    relevant_for_decision(key)
    outcome = st.session_state.get(widget["outcome"])
    go = outcome == GateOutcome.go
    charter_draft = _charter_draft(scope) if go and gate == Gate.pilot else {}
    with context.reading() as session:
        items = gates.checklist_items(session, gate)
        manual = {i.key for i in items if i.rule == checklist.MANUAL}
        confirmed = {k: bool(st.session_state.get(f"confirm_{scope}_{k}")) for k in manual}
        results = gates.preview_checklist(session, key, gate, confirmed, charter_draft)
        who = {role: people.names_with_role(session, role) for role in (Role.contributor, Role.reviewer)}
        owner = gates.owner_name(session, key)

    st.markdown("##### Checklist")
    for result in results:
        if result.key in manual:
            st.checkbox(f"{plain(result.label)} (confirmed by you)", key=f"confirm_{scope}_{result.key}")
            continue
        icon = ":green[:material/check_circle:]" if result.met else ":red[:material/cancel:]"
        st.markdown(f"{icon} {plain(result.label)} :small[:gray[(from the data)]]")
        if not result.met and result.rule == "pilot_charter":
            st.caption("Recorded with a go: fill in the pilot charter below once you choose Go.")
        elif not result.met:
            remedy_line(result, key, who)

    outcome = st.radio(
        "Decision *",
        [o.value for o in GateOutcome],
        index=None,
        format_func=lambda v: GateOutcome(v).label,
        horizontal=True,
        key=widget["outcome"],
    )
    form.show("outcome")
    unmet = [r for r in results if not r.met]
    overrides: dict[str, str] = {}
    if outcome == GateOutcome.hold:
        open_items = [r for r in unmet if r.rule != "pilot_charter"]
        if open_items:
            st.info(
                f"On hold, the {len(open_items)} unmet item{'s' if len(open_items) != 1 else ''} go to "
                f"{plain(owner)}, the accountable owner, who sees them in their waiting list and on the use "
                "case.",
                icon=":material/assignment_ind:",
            )
    reject = outcome == GateOutcome.no_go and st.checkbox(
        "Reject the use case (otherwise it stays where it is)", key=f"reject_{scope}"
    )
    charter = None
    if outcome == GateOutcome.go and gate == Gate.pilot:
        st.markdown("##### Pilot charter")
        draft = _charter_draft(scope)
        charter = {
            "hypothesis": st.text_area(
                "Hypothesis *",
                key=widget["charter.hypothesis"],
                placeholder="If we …, then … (measured by …)",
            ),
        }
        form.show("charter.hypothesis")
        charter["scope"] = st.text_input(
            "Scope (sites, channels or customers) *", key=widget["charter.scope"]
        )
        form.show("charter.scope")
        dates = st.columns(3)
        with dates[0]:
            charter["start_on"] = st.date_input(
                "Pilot start", draft["start_on"], key=widget["charter.start_on"], format="DD/MM/YYYY"
            )
            form.show("charter.start_on")
        with dates[1]:
            charter["planned_end_on"] = st.date_input(
                "Pilot planned end",
                draft["planned_end_on"],
                key=widget["charter.planned_end_on"],
                format="DD/MM/YYYY",
            )
            form.show("charter.planned_end_on")
        with dates[2]:
            charter["decision_on"] = st.date_input(
                "Decide on the pilot's result by",
                draft["decision_on"],
                key=widget["charter.decision_on"],
                format="DD/MM/YYYY",
            )
            form.show("charter.decision_on")
        charter["min_evidence"] = st.text_input(
            "Minimum evidence before the result counts *",
            key=widget["charter.min_evidence"],
            placeholder="e.g. 8 weeks and 2,000 conversations",
        )
        form.show("charter.min_evidence", "charter")
    if outcome == GateOutcome.go:
        to_override = [r for r in unmet if r.rule != "pilot_charter" or gate != Gate.pilot]
        if to_override:
            st.markdown("##### Overrides")
            st.caption("A go with unmet items needs an override with its reason for each.")
        for result in to_override:
            name = f"override.{result.key}"
            widget[name] = f"override_{scope}_{result.key}"
            overrides[result.key] = st.text_input(
                f"Override: {plain(result.label)}",
                key=widget[name],
                placeholder="Why it is acceptable to go without it",
            )
            form.show(name)
    rationale = st.text_area(
        "Rationale *", key=widget["rationale"], placeholder="Why this decision, in a few lines"
    )
    form.show("rationale")
    decided_on = st.date_input(
        "Date of this decision",
        utc_now().date(),
        key=widget["decided_on"],
        max_value=utc_now().date(),
        format="DD/MM/YYYY",
    )
    form.show("decided_on")
    form.summary(shown=set(widget))
    if st.button("Record decision", type="primary", key=f"record_{scope}"):
        done, problems = context.attempt_form(
            lambda session: gates.record_gate_decision(
                session,
                actor,
                key,
                gate=gate,
                outcome=outcome,
                rationale=rationale,
                decided_on=decided_on,
                confirmed=confirmed,
                overrides=overrides,
                reject_on_no_go=reject,
                charter=charter,
            )
        )
        if done:
            form.clear()
            _done(f"{GateOutcome(outcome).label} recorded for {key} at the {gate.label} gate.", scope)
        elif problems:
            form.remember(problems, widget)
            st.rerun(scope="fragment")


@st.dialog("Pilot review", width="large")
def review_dialog(key: str, title: str, version: int) -> None:
    actor = context.current_actor()
    scope = scope_of(key, version)
    st.markdown(f"**{plain(key)} · {plain(title)}**")
    st.caption("To scale, record a go at the Scale-up gate; to stop, use Stop and write the lesson.")
    decision = st.radio(
        "Decision",
        ["iterate", "pause"],
        horizontal=True,
        key=f"review_{scope}",
        format_func=lambda v: {"iterate": "Iterate: extend the pilot", "pause": "Pause"}[v],
    )
    today = utc_now().date()
    new_end = (
        st.date_input("New end date", today + timedelta(days=60), key=f"new_end_{scope}")
        if decision == "iterate"
        else None
    )
    new_decision = st.date_input("Decide again on", today + timedelta(days=75), key=f"new_decision_{scope}")
    reason = st.text_area("Reason *", key=f"review_reason_{scope}")
    if st.button("Record review", type="primary", key=f"record_review_{scope}"):
        done = context.attempt(
            lambda session: gates.extend_or_pause_pilot(
                session,
                actor,
                key,
                decision=decision,
                reason=reason,
                decided_on=today,
                new_end_on=new_end,
                new_decision_on=new_decision,
            )
        )
        if done:
            _done(f"Pilot review recorded for {key}.", scope)


@st.dialog("Stop and record the lesson", width="large")
def stop_dialog(key: str, title: str, version: int) -> None:
    actor = context.current_actor()
    scope = scope_of(key, version)
    st.markdown(f"**{plain(key)} · {plain(title)}**")
    st.caption("Stopping needs a lesson, so that what was learned is shared rather than buried.")
    reason = st.text_input("Why stop now *", key=f"stop_reason_{scope}")
    lesson = {
        "title": st.text_input("Lesson title *", key=f"lesson_title_{scope}"),
        "tried": st.text_area("What we tried *", key=f"tried_{scope}"),
        "happened": st.text_area("What happened *", key=f"happened_{scope}"),
        "root_cause": st.text_area("Root cause", key=f"cause_{scope}"),
        "do_differently": st.text_area("What we would do differently", key=f"differently_{scope}"),
        "outcome": st.selectbox(
            "Outcome",
            [o.value for o in LessonOutcome],
            key=f"lesson_outcome_{scope}",
            format_func=lambda v: LessonOutcome(v).label,
        ),
        "category": st.selectbox(
            "Category",
            [c.value for c in LessonCategory],
            key=f"category_{scope}",
            format_func=lambda v: LessonCategory(v).label,
        ),
    }
    if st.button("Stop and save the lesson", type="primary", key=f"stop_{scope}"):
        done = context.attempt(
            lambda session: lessons.stop_with_lesson(session, actor, key, reason=reason, **lesson)
        )
        if done:
            _done(f"{key} stopped; its lesson is recorded.", scope)


@st.dialog("Move the use case")
def move_dialog(key: str, title: str, target: str, version: int) -> None:
    actor = context.current_actor()
    scope = scope_of(key, version)
    stage = Stage(target)
    st.markdown(f"**{plain(key)} · {plain(title)}** → **{stage.label}**")
    reason = st.text_area(
        "Reason" + (" *" if stage != Stage.assessed else ""), key=f"move_reason_{scope}_{target}"
    )
    if st.button(f"Move to {stage.label}", type="primary", key=f"move_{scope}_{target}"):
        done = context.attempt(
            lambda session: use_cases.move_stage(session, actor, key, stage, reason=reason)
        )
        if done:
            _done(f"{key} moved to {stage.label}.", scope)


def open_action(action: str, key: str, title: str, stage: str, version: int) -> None:
    if action == "gate":
        gate_dialog(key, title, stage, version)
    elif action == "review":
        review_dialog(key, title, version)
    elif action == "stop":
        stop_dialog(key, title, version)
    else:
        target = {"assess": "assessed", "reject": "rejected", "retire": "retired"}[action]
        move_dialog(key, title, target, version)


PENDING = "pending_decision"


def choose(key: str, title: str, stage: str, version: int) -> None:
    """Callback of a card's "Decide…" menu: remember the choice, with the version of the use case the card
    showed, and reset the menu for next time."""
    action = st.session_state[f"act_{key}"]
    st.session_state[f"act_{key}"] = None
    if action:
        st.session_state[PENDING] = (action, key, title, stage, version)


def open_chosen() -> None:
    """Open the dialog for the decision chosen on this run, once."""
    pending = st.session_state.pop(PENDING, None)
    if pending:
        open_action(*pending)


def show_outcome() -> None:
    """Confirm the last decision once, after the dialog closed and the page reran."""
    message = st.session_state.pop("decision_done", None)
    if message:
        st.success(message, icon=":material/check_circle:")
