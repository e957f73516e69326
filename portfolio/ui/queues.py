"""The "waiting for me" list: what the acting person has to score, decide or complete, with links. The reads
return the first few of each list and its count (portfolio.services.queues.SHOWN)."""

import streamlit as st

from portfolio.models import Gate, Stage
from portfolio.services import queues
from portfolio.services.audit import Actor
from portfolio.shortlist import Shortlist
from portfolio.ui.format import day, more
from portfolio.ui.reads import read
from portfolio.ui.text import plain


def _link(page: str, key: str, title: str, detail: str) -> None:
    st.page_link(
        page,
        label=f"{plain(key)} · {plain(title)} · {plain(detail)}",
        query_params={"uc": key},
        icon=":material/arrow_forward:",
    )


def _rest(items: Shortlist, where: str = "") -> None:
    if items.more:
        st.caption(more(items.more, where) + ".")


def to_score_list(actor: Actor, items: Shortlist[queues.QueueItem] | None = None) -> None:
    items = read(queues.not_scored_by, actor.id) if items is None else items
    if not items.total:
        st.caption("Nothing waiting for your scores: you have scored every use case before the pilot gate.")
        return
    for item in items.shown:
        _link("pages/score.py", item.key, item.title, f"{Stage(item.stage).label}, {item.why.lower()}")
    _rest(items)


def waiting_list(actor: Actor) -> None:
    """Everything waiting for the acting person, grouped by what to do."""
    waiting = read(queues.waiting_for, actor.id)
    if not waiting.count:
        st.caption("Nothing is waiting for you.")
        return
    if waiting.to_score.total:
        st.markdown(f"**To score** · {waiting.to_score.total:,}")
        to_score_list(actor, waiting.to_score)
    if waiting.decisions_due.total:
        st.markdown(f"**Decisions due** · {waiting.decisions_due.total:,}")
        for item in waiting.decisions_due.shown:
            when = f", {day(item.due_on)}" if item.due_on else ""
            _link("pages/use_case.py", item.key, item.title, f"{item.why}{when}")
        _rest(waiting.decisions_due, " on the Pipeline board")
    if waiting.assigned.total:
        st.markdown(f"**Held at a gate, waiting on you** · {waiting.assigned.total:,}")
        for hold in waiting.assigned.shown:
            missing = "; ".join(hold.missing) or "everything is met: ask the approver to decide again"
            _link("pages/use_case.py", hold.key, hold.title, f"{Gate(hold.gate).label} gate: {missing}")
        _rest(waiting.assigned)


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
