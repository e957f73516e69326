"""Decision dialogs shared by the board and the use-case page: gate decisions with their checklist, pilot
reviews, stopping with a lesson, and the simple moves (assess, reject, retire)."""

from datetime import timedelta

import streamlit as st

from portfolio.models import Gate, GateOutcome, LessonCategory, LessonOutcome, Stage, utc_now
from portfolio.services import gates, lessons, use_cases
from portfolio.ui import context

ACTION_LABELS = {
    "assess": "Mark as assessed",
    "reject": "Reject",
    "gate": "Gate decision",
    "review": "Pilot review",
    "stop": "Stop",
    "retire": "Retire",
}


def _done(message: str) -> None:
    st.session_state["decision_done"] = message
    st.rerun()


@st.dialog("Gate decision", width="large")
def gate_dialog(key: str, title: str, stage: str) -> None:
    actor = context.current_actor()
    gate = gates.next_gate(stage)
    if gate is None:
        st.error("This use case has no gate ahead of it.")
        return
    st.markdown(f"**{key} · {title}**: {Stage(stage).label} → **{gate.label} gate**")
    with context.reading() as session:
        items = gates.checklist_items(session, gate)
    manual = [i for i in items if i.rule == "manual"]
    if manual:
        st.markdown("##### Confirm what you have checked yourself")
    confirmed = {i.key: st.checkbox(i.label, key=f"confirm_{key}_{i.key}") for i in manual}
    with context.reading() as session:
        results = gates.preview_checklist(session, key, gate, confirmed)
    st.markdown("##### Checklist")
    for result in results:
        icon = ":green[:material/check_circle:]" if result.met else ":red[:material/cancel:]"
        how = "from the data" if result.automatic else "confirmed by you"
        st.markdown(f"{icon} {result.label} <small>({how})</small>", unsafe_allow_html=True)
    outcome = st.radio(
        "Decision",
        [o.value for o in GateOutcome],
        format_func=lambda v: GateOutcome(v).label,
        horizontal=True,
        key=f"outcome_{key}",
    )
    unmet = [r for r in results if not r.met]
    overrides = {}
    if outcome == GateOutcome.go and unmet:
        st.warning(
            "A go with unmet items needs an override with its reason for each.", icon=":material/gavel:"
        )
        overrides = {
            r.key: st.text_input(
                f"Override: {r.label}",
                key=f"override_{key}_{r.key}",
                placeholder="Why it is acceptable to go without it",
            )
            for r in unmet
        }
    reject = outcome == GateOutcome.no_go and st.checkbox(
        "Reject the use case (otherwise it stays where it is)", key=f"reject_{key}"
    )
    charter = None
    if outcome == GateOutcome.go and gate == Gate.pilot:
        st.markdown("##### Pilot charter")
        today = utc_now().date()
        charter = {
            "hypothesis": st.text_area(
                "Hypothesis", key=f"hyp_{key}", placeholder="If we …, then … (measured by …)"
            ),
            "scope": st.text_input("Scope (sites, channels or customers)", key=f"scope_{key}"),
            "start_on": st.date_input("Start", today, key=f"start_{key}"),
            "planned_end_on": st.date_input("Planned end", today + timedelta(days=120), key=f"end_{key}"),
            "decision_on": st.date_input("Decision date", today + timedelta(days=135), key=f"decide_{key}"),
            "min_evidence": st.text_input(
                "Minimum evidence before the result counts",
                key=f"evidence_{key}",
                placeholder="e.g. 8 weeks and 2,000 conversations",
            ),
        }
    rationale = st.text_area(
        "Rationale *", key=f"rationale_{key}", placeholder="Why this decision, in a few lines"
    )
    decided_on = st.date_input(
        "Decision date", utc_now().date(), key=f"decided_{key}", max_value=utc_now().date()
    )
    if st.button("Record decision", type="primary", key=f"record_{key}"):
        done = context.attempt(
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
            _done(f"{GateOutcome(outcome).label} recorded for {key} at the {gate.label} gate.")


@st.dialog("Pilot review", width="large")
def review_dialog(key: str, title: str) -> None:
    actor = context.current_actor()
    st.markdown(f"**{key} · {title}**")
    st.caption("To scale, record a go at the Scale-up gate; to stop, use Stop and write the lesson.")
    decision = st.radio(
        "Decision",
        ["iterate", "pause"],
        horizontal=True,
        key=f"review_{key}",
        format_func=lambda v: {"iterate": "Iterate: extend the pilot", "pause": "Pause"}[v],
    )
    today = utc_now().date()
    new_end = (
        st.date_input("New end date", today + timedelta(days=60), key=f"new_end_{key}")
        if decision == "iterate"
        else None
    )
    new_decision = st.date_input("Decide again on", today + timedelta(days=75), key=f"new_decision_{key}")
    reason = st.text_area("Reason *", key=f"review_reason_{key}")
    if st.button("Record review", type="primary", key=f"record_review_{key}"):
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
            _done(f"Pilot review recorded for {key}.")


@st.dialog("Stop and record the lesson", width="large")
def stop_dialog(key: str, title: str) -> None:
    actor = context.current_actor()
    st.markdown(f"**{key} · {title}**")
    st.caption("Stopping needs a lesson, so that what was learned is shared rather than buried.")
    reason = st.text_input("Why stop now *", key=f"stop_reason_{key}")
    lesson = {
        "title": st.text_input("Lesson title *", key=f"lesson_title_{key}"),
        "tried": st.text_area("What we tried *", key=f"tried_{key}"),
        "happened": st.text_area("What happened *", key=f"happened_{key}"),
        "root_cause": st.text_area("Root cause", key=f"cause_{key}"),
        "do_differently": st.text_area("What we would do differently", key=f"differently_{key}"),
        "outcome": st.selectbox(
            "Outcome",
            [o.value for o in LessonOutcome],
            key=f"lesson_outcome_{key}",
            format_func=lambda v: LessonOutcome(v).label,
        ),
        "category": st.selectbox(
            "Category",
            [c.value for c in LessonCategory],
            key=f"category_{key}",
            format_func=lambda v: LessonCategory(v).label,
        ),
    }
    if st.button("Stop and save the lesson", type="primary", key=f"stop_{key}"):
        done = context.attempt(
            lambda session: lessons.stop_with_lesson(session, actor, key, reason=reason, **lesson)
        )
        if done:
            _done(f"{key} stopped; its lesson is recorded.")


@st.dialog("Move the use case")
def move_dialog(key: str, title: str, target: str) -> None:
    actor = context.current_actor()
    stage = Stage(target)
    st.markdown(f"**{key} · {title}** → **{stage.label}**")
    reason = st.text_area(
        "Reason" + (" *" if stage != Stage.assessed else ""), key=f"move_reason_{key}_{target}"
    )
    if st.button(f"Move to {stage.label}", type="primary", key=f"move_{key}_{target}"):
        done = context.attempt(
            lambda session: use_cases.move_stage(session, actor, key, stage, reason=reason)
        )
        if done:
            _done(f"{key} moved to {stage.label}.")


def open_action(action: str, key: str, title: str, stage: str) -> None:
    if action == "gate":
        gate_dialog(key, title, stage)
    elif action == "review":
        review_dialog(key, title)
    elif action == "stop":
        stop_dialog(key, title)
    else:
        move_dialog(key, title, {"assess": "assessed", "reject": "rejected", "retire": "retired"}[action])


PENDING = "pending_decision"


def choose(key: str, title: str, stage: str) -> None:
    """Callback of a card's "Decide…" menu: remember the choice and reset the menu for next time."""
    action = st.session_state[f"act_{key}"]
    st.session_state[f"act_{key}"] = None
    if action:
        st.session_state[PENDING] = (action, key, title, stage)


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
