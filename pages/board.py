"""The pipeline board: the portfolio by stage, what needs a decision first, and the decisions themselves."""

import streamlit as st

from portfolio.lifecycle import ACTION_ROLE, ACTIVE, TERMINAL
from portfolio.models import Role, Stage
from portfolio.services import people, pipeline
from portfolio.ui import context, decisions
from portfolio.ui.filters import as_query_params, filter_bar
from portfolio.ui.format import plural
from portfolio.ui.queues import waiting_list
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain
from portfolio.views import board as board_view

require_shell()

st.title("Pipeline board")
st.caption(
    "Every use case by stage, the ones needing a decision first. Work through a gate review meeting here: "
    "each card offers the decisions that are possible next."
)
decisions.show_outcome()

chosen = filter_bar("b_", ["sector", "team", "tier", "quadrant"], bind=True)
filters = pipeline.BoardFilter(chosen.sectors, chosen.teams, chosen.tiers, chosen.quadrants)
counts = read(board_view.board_counts, filters)
metrics = st.columns(4)
metrics[0].metric("Needing attention", f"{counts.needing_attention:,}")
metrics[1].metric("Pilot decisions overdue", f"{counts.decisions_overdue:,}")
metrics[2].metric("Pilots in purgatory", f"{counts.pilots_in_purgatory:,}")
metrics[3].metric("Closed", f"{counts.closed:,}")

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


shown_per_stage = tuple(
    min(st.session_state.get(f"board_shown_{stage}", CARDS_PER_PAGE), counts.by_stage.get(stage, 0))
    for stage in ACTIVE
)
cards_per_stage = read(board_view.board_cards, filters, shown_per_stage)
columns = st.columns(len(ACTIVE), gap="small")
for column, stage, shown in zip(columns, ACTIVE, shown_per_stage, strict=True):
    in_stage = counts.by_stage.get(stage, 0)
    with column:
        st.markdown(f"**{stage.label}** · {in_stage:,}")
        for card in cards_per_stage[stage]:
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
                        args=(card.key, card.title, card.stage, card.version),
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
        if in_stage > shown:
            st.caption(f"{shown:,} of {in_stage:,} shown.")
            st.button(
                f"Show {min(CARDS_PER_PAGE, in_stage - shown)} more",
                key=f"board_more_{stage}",
                on_click=show_more,
                args=(stage,),
                width="stretch",
            )

with st.expander(f"Closed: {counts.closed:,} (retired, rejected, stopped)"):
    closed = read(board_view.closed_cases, filters)
    st.dataframe(
        closed.assign(stage=closed["stage"].map(lambda v: Stage(v).label)),
        hide_index=True,
        column_order=["key", "title", "stage", "team", "owner", "days_in_stage"],
        column_config={
            "key": st.column_config.TextColumn("Key", width=72),
            "title": st.column_config.TextColumn("Use case", width=260),
            "stage": "Stage",
            "team": "Team",
            "owner": "Accountable owner",
            "days_in_stage": st.column_config.NumberColumn("Days since", format="%d", width=90),
        },
    )
    if counts.closed > len(closed):
        st.caption(f"The {len(closed)} most recently closed of {counts.closed:,}.")
        st.page_link(
            "pages/portfolio.py",
            label="See every closed use case on the Portfolio page",
            query_params=as_query_params(stage=sorted(TERMINAL)),
            icon=":material/table:",
        )

decisions.open_chosen()
