"""The pipeline board: the portfolio by stage, what needs a decision first, and the decisions themselves."""

import streamlit as st

from portfolio.lifecycle import ACTION_ROLE, ACTIVE, TERMINAL
from portfolio.models import Role, Stage
from portfolio.services import people, pipeline
from portfolio.ui import context, decisions
from portfolio.ui.filters import filter_bar
from portfolio.ui.format import plural
from portfolio.ui.queues import waiting_list
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain

require_shell()

st.title("Pipeline board")
st.caption(
    "Every use case by stage, the ones needing a decision first. Work through a gate review meeting here: "
    "each card offers the decisions that are possible next."
)
decisions.show_outcome()

chosen = filter_bar("b_", ["sector", "team", "tier", "quadrant"], bind=True)
board = read(
    pipeline.board, pipeline.BoardFilter(chosen.sectors, chosen.teams, chosen.tiers, chosen.quadrants)
)

active = board[board["stage"].isin(ACTIVE)]
overdue = int(active["decision_overdue"].sum())
purgatory = int((active["over_limit"] & (active["stage"] == Stage.pilot)).sum())
metrics = st.columns(4)
metrics[0].metric("Needing attention", int(active["flagged"].sum()))
metrics[1].metric("Pilot decisions overdue", overdue)
metrics[2].metric("Pilots in purgatory", purgatory)
metrics[3].metric("Closed", int(board["stage"].isin(TERMINAL).sum()))

actor = context.current_actor()
with st.expander("Waiting for you", icon=":material/inbox:"):
    waiting_list(actor)
ROLE_NOUNS = {Role.approver: "an approver decides", Role.contributor: "a contributor's step"}
missing_roles = [role for role in ROLE_NOUNS if role not in actor.roles]
if missing_roles:
    # Say once who can take the actions this person cannot, rather than leaving the cards silent.
    who = []
    for role in missing_roles:
        names = read(people.names_with_role, role)
        doing = (
            "decide at gates, review pilots, stop, reject and retire"
            if role == Role.approver
            else "mark use cases as assessed"
        )
        who.append(
            f"{'Approvers' if role == Role.approver else 'Contributors'} {doing}"
            + (f": {plain(', '.join(names))}" if names else ": nobody holds the role yet")
        )
    st.info(
        f"You are acting as {plain(actor.name)}, without the "
        + " or ".join(f"{r.label.lower()}" for r in missing_roles)
        + " role. "
        + ". ".join(who)
        + ". Ask one of them, or an administrator to grant you the role.",
        icon=":material/lock:",
    )

CARDS_PER_PAGE = 12  # per stage; flagged cards come first, so what needs a decision is always on the first


def show_more(stage: Stage) -> None:
    st.session_state[f"board_shown_{stage}"] = st.session_state.get(
        f"board_shown_{stage}", CARDS_PER_PAGE
    ) + (CARDS_PER_PAGE)


columns = st.columns(len(ACTIVE), gap="small")
for column, stage in zip(columns, ACTIVE, strict=True):
    cards = active[active["stage"] == stage]
    shown = st.session_state.get(f"board_shown_{stage}", CARDS_PER_PAGE)
    with column:
        st.markdown(f"**{stage.label}** · {len(cards):,}")
        for card in cards.head(shown).itertuples():
            with st.container(border=True, key=f"card_{card.key}"):
                st.markdown(f"**{card.key}** {plain(card.title)}")
                st.caption(
                    f"{plain(card.team) or 'no team'} · {plain(card.owner) or 'no accountable owner'} · "
                    f"{card.days_in_stage} days"
                    + (f" · {plural(card.extensions, 'extension')}" if card.extensions else "")
                )
                for flag in card.flags:
                    st.markdown(f":{'gray' if flag == 'Paused' else 'red'}[:material/flag: {flag}]")
                allowed = [a for a in card.actions if ACTION_ROLE[a] in actor.roles]
                unavailable = [a for a in card.actions if ACTION_ROLE[a] not in actor.roles]
                if allowed:
                    st.selectbox(
                        "Decide",
                        [None, *allowed],
                        key=f"act_{card.key}",
                        label_visibility="collapsed",
                        format_func=lambda a: "Decide…" if a is None else decisions.ACTION_LABELS[a],
                        on_change=decisions.choose,
                        args=(card.key, card.title, card.stage),
                    )
                for role in sorted({ACTION_ROLE[a] for a in unavailable}):
                    actions = ", ".join(
                        decisions.ACTION_LABELS[a] for a in unavailable if ACTION_ROLE[a] == role
                    )
                    st.caption(f":material/lock: {actions}: {ROLE_NOUNS[role]}")
                st.page_link(
                    "pages/use_case.py",
                    label="Open",
                    query_params={"uc": card.key},
                    icon=":material/open_in_new:",
                )
        if len(cards) > shown:
            st.caption(f"{shown:,} of {len(cards):,} shown.")
            st.button(
                f"Show {min(CARDS_PER_PAGE, len(cards) - shown)} more",
                key=f"board_more_{stage}",
                on_click=show_more,
                args=(stage,),
                width="stretch",
            )

closed = board[board["stage"].isin(TERMINAL)]
with st.expander(f"Closed: {len(closed)} (retired, rejected, stopped)"):
    st.dataframe(
        closed.assign(stage=closed["stage"].map(lambda v: Stage(v).label)),
        hide_index=True,
        column_order=["key", "title", "stage", "team", "owner", "days_in_stage"],
        column_config={
            "key": "Key",
            "title": "Use case",
            "stage": "Stage",
            "team": "Team",
            "owner": "Accountable owner",
            "days_in_stage": "Days since",
        },
    )

decisions.open_chosen()
