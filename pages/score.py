"""Score a use case against the active scoring model, criterion by criterion."""

import pandas as pd
import streamlit as st

from portfolio.lifecycle import ACTIVE
from portfolio.models import Dimension
from portfolio.scoring import DISAGREEMENT_SPREAD
from portfolio.services import assessments, queues, use_cases
from portfolio.ui import context
from portfolio.ui.editing import content_key
from portfolio.ui.format import number, plural
from portfolio.ui.picker import find_use_case
from portfolio.ui.queues import to_score_list
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain

require_shell()

st.title("Score a use case")
actor = context.current_actor()
model = read(assessments.active_model)
st.caption(
    f"Scoring model **version {model.version_number}** ({plain(model.name)}). Score each criterion from 1 to 5 against "
    "its anchors, so that a score means the same across use cases and quarters. Extreme scores (1 or 5) need a comment."
)

NEXT = "score_next"
if NEXT in st.session_state:
    # After saving, the next use case waiting for this reviewer opens (the selector starts afresh on it).
    st.query_params["uc"] = st.session_state.pop(NEXT)
    st.session_state.pop("score_uc", None)
done = st.session_state.pop("score_done", None)
if done:
    st.success(done, icon=":material/check_circle:")
mine = read(queues.not_scored_by, actor.id)
with st.expander(
    f"Waiting for your scores: {mine.total:,}", expanded=bool(mine.total), icon=":material/inbox:"
):
    to_score_list(actor, mine)
# Open use cases only, found by key or title: at 10,000 use cases a menu of every one would be most of the page.
chosen = find_use_case(
    "score_uc",
    default=mine.shown[0].key if mine.shown else None,
    stages=tuple(stage.value for stage in ACTIVE),
)
if chosen is None:
    st.info("There is nothing to score: no open use cases.", icon=":material/inbox:")
    st.stop()
detail = read(use_cases.use_case_detail, chosen)
case = detail.use_case
with st.expander("What the team proposes", expanded=False):
    st.markdown(
        f"**Problem.** {plain(case['problem']) or '—'}\n\n**Goal.** {plain(case['measurable_goal']) or '—'}\n\n"
        f"**Data.** {plain(case['personal_data']) or '—'} (readiness {case['data_completeness']}/"
        f"{case['data_accuracy']}/{case['data_currency']} for completeness/accuracy/currency)\n\n"
        f"**EU AI Act.** {plain(case['ai_act_reason']) or 'Not classified'}"
    )
if case["reviewer_count"]:
    st.caption(
        f"So far {plural(case['reviewer_count'], 'reviewer')}: impact {number(case['impact_score'])}, "
        f"risk {number(case['risk_score'])}, spread {number(case['score_spread'])}"
        + (
            " (reviewers disagree)"
            if case["score_spread"]
            and case["score_spread"] >= DISAGREEMENT_SPREAD
            and case["reviewer_count"] > 1
            else ""
        )
        + "."
    )

previous = read(assessments.my_latest_scores, chosen, actor.id)
if previous:
    st.info(
        "You have scored this use case before; your last scores are filled in. Saving adds a new assessment "
        "and keeps the old one in the history.",
        icon=":material/history:",
    )

# Keyed by the use case, the model's version and this reviewer's own latest scores (what the form starts
# from): another use case, or this one after the reviewer saved, starts from its recorded scores, never from
# what was on screen before; another reviewer's scores saved meanwhile do not reset what is being entered.
scope = f"{chosen}_m{model.version_number}_r{content_key(pd.DataFrame(sorted(previous.items())))}"
with st.form(f"score_{scope}"):
    scores: dict[str, int] = {}
    comments: dict[str, str] = {}
    for dimension in Dimension:
        st.subheader(f"{dimension.label} criteria")
        for criterion in (c for c in model.criteria if c.dimension == dimension):
            score, comment = previous.get(criterion.key, (3, ""))
            with st.container(border=True):
                st.markdown(f"**{plain(criterion.name)}** · weight {criterion.weight:g}")
                st.caption(f"**1:** {plain(criterion.anchor_low)}  \n**5:** {plain(criterion.anchor_high)}")
                cols = st.columns([2, 3])
                scores[criterion.key] = cols[0].slider(
                    plain(criterion.name),
                    1,
                    5,
                    score,
                    key=f"s_{scope}_{criterion.key}",
                    label_visibility="collapsed",
                )
                comments[criterion.key] = cols[1].text_input(
                    "Comment",
                    comment,
                    key=f"c_{scope}_{criterion.key}",
                    placeholder="Why this score?",
                    label_visibility="collapsed",
                )
    overall = st.text_area("Overall comment", key=f"overall_{scope}", max_chars=5000)
    submitted = st.form_submit_button("Save my scores", type="primary", icon=":material/save:")

if submitted:
    saved = context.attempt(
        lambda session: assessments.record_assessment(
            session,
            actor,
            chosen,
            scores,
            comments=comments,
            comment=overall,
            expected_version=case["version"],
        ),
    )
    if saved:
        following = [item.key for item in read(queues.not_scored_by, actor.id).shown if item.key != chosen]
        st.session_state["score_done"] = f"Scores saved for {chosen}." + (
            f" Next waiting for you: {following[0]}." if following else " Nothing else is waiting for you."
        )
        if following:
            st.session_state[NEXT] = following[0]
        st.rerun()
