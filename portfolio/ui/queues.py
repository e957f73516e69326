"""The "waiting for me" list: what the acting person has to score, decide or complete, with links."""

import streamlit as st

from portfolio.models import Gate, Stage
from portfolio.services import queues
from portfolio.services.audit import Actor
from portfolio.ui.format import day
from portfolio.ui.reads import read
from portfolio.ui.text import plain

SHOWN = 8  # a longer list is summarised; the rest is one click away


def _link(page: str, key: str, title: str, detail: str) -> None:
    st.page_link(
        page,
        label=f"{plain(key)} · {plain(title)} · {plain(detail)}",
        query_params={"uc": key},
        icon=":material/arrow_forward:",
    )


def to_score_list(actor: Actor, items: list[queues.QueueItem] | None = None) -> None:
    items = read(queues.not_scored_by, actor.id) if items is None else items
    if not items:
        st.caption("Nothing waiting for your scores: you have scored every use case before the pilot gate.")
        return
    for item in items[:SHOWN]:
        _link("pages/score.py", item.key, item.title, f"{Stage(item.stage).label}, {item.why.lower()}")
    if len(items) > SHOWN:
        st.caption(f"and {len(items) - SHOWN} more.")


def waiting_list(actor: Actor) -> None:
    """Everything waiting for the acting person, grouped by what to do."""
    waiting = read(queues.waiting_for, actor.id)
    if not waiting.count:
        st.caption("Nothing is waiting for you.")
        return
    if waiting.to_score:
        st.markdown(f"**To score** · {len(waiting.to_score)}")
        to_score_list(actor, waiting.to_score)
    if waiting.decisions_due:
        st.markdown(f"**Decisions due** · {len(waiting.decisions_due)}")
        for item in waiting.decisions_due[:SHOWN]:
            when = f", {day(item.due_on)}" if item.due_on else ""
            _link("pages/use_case.py", item.key, item.title, f"{item.why}{when}")
        if len(waiting.decisions_due) > SHOWN:
            st.caption(f"and {len(waiting.decisions_due) - SHOWN} more on the Pipeline board.")
    if waiting.assigned:
        st.markdown(f"**Held at a gate, waiting on you** · {len(waiting.assigned)}")
        for hold in waiting.assigned:
            missing = "; ".join(hold.missing) or "everything is met: ask the approver to decide again"
            _link("pages/use_case.py", hold.key, hold.title, f"{Gate(hold.gate).label} gate: {missing}")


def hold_notice(key: str) -> None:
    """On the use case: an open hold, who it waits on and what is still missing."""
    hold = read(queues.hold_for, key)
    if hold is None:
        return
    lines = [
        f"**On hold at the {Gate(hold.gate).label} gate** since {day(hold.held_on)} "
        f"(decided by {plain(hold.decided_by)}), waiting on **{plain(hold.assigned_to or 'the owner')}**."
    ]
    lines += [f"- Missing: {plain(item)}" for item in hold.missing]
    lines += [f"- Done since: {plain(item)}" for item in hold.resolved]
    if not hold.missing:
        lines.append("Every item is met now: an approver can decide again on the Pipeline board.")
    st.warning("\n".join(lines), icon=":material/pending_actions:")
