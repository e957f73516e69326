"""The pipeline board's reads on a generated portfolio: counts match plain SQL and the full board
(pipeline.board), each stage's cards are the ones the full board put first, and the "Waiting for you" lists
read their first items and count the rest as plain SQL does."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session

from portfolio.lifecycle import ACTIVE, TERMINAL
from portfolio.services import pipeline, queues
from portfolio.services.pipeline import BoardFilter
from portfolio.views import board as board_view
from tests.services.generated import TODAY, generated_portfolio

FILTERS = [
    BoardFilter(),
    BoardFilter(sectors=("retail", "hospitality")),
    BoardFilter(quadrants=("quick_win", "avoid")),
    BoardFilter(tiers=("high", "limited"), quadrants=("strategic_bet",)),
    BoardFilter(teams=("no such team",)),
]


@pytest.fixture(scope="module")
def scaled(backend, migrated_url, tmp_path_factory):
    yield from generated_portfolio(backend, migrated_url, tmp_path_factory)


def test_counts_per_stage_match_plain_sql(scaled) -> None:
    with Session(scaled) as session:
        counts = board_view.board_counts(session, BoardFilter(), today=TODAY)
    with scaled.connect() as connection:
        expected = dict(connection.execute(text("SELECT stage, count(*) FROM use_case GROUP BY stage")).all())
    assert counts.by_stage == expected
    assert counts.closed == sum(n for stage, n in expected.items() if stage in TERMINAL) > 0


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_counts_are_what_the_full_board_gave(scaled, filters) -> None:
    with Session(scaled) as session:
        full = pipeline.board(session, filters, today=TODAY)
        counts = board_view.board_counts(session, filters, today=TODAY)
    active = full[full["stage"].isin(ACTIVE)]
    assert counts.by_stage == full["stage"].value_counts().to_dict()
    assert counts.needing_attention == int(active["flagged"].sum())
    assert counts.decisions_overdue == int(active["decision_overdue"].sum())
    assert counts.pilots_in_purgatory == int((active["over_limit"] & (active["stage"] == "pilot")).sum())
    assert counts.closed == int(full["stage"].isin(TERMINAL).sum())
    if filters == BoardFilter():
        assert (
            counts.needing_attention > 0 and counts.decisions_overdue > 0 and counts.pilots_in_purgatory > 0
        )


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
@pytest.mark.parametrize("shown", [(12, 12, 12, 12, 12), (3, 0, 30, 1, 500)])
def test_each_stage_shows_the_cards_the_full_board_put_first(scaled, filters, shown) -> None:
    with Session(scaled) as session:
        full = pipeline.board(session, filters, today=TODAY)
        cards = board_view.board_cards(session, filters, shown, today=TODAY)
    by_key = full.set_index("key").to_dict("index")
    for stage, n in zip(ACTIVE, shown, strict=True):
        in_stage = full[full["stage"] == stage]
        listed = cards[stage]
        assert len(listed) == min(n, len(in_stage))
        # The same places in the order (flagged first, then the longest in the stage); use cases tied on both
        # may be listed in either order.
        order = sorted(zip(~in_stage["flagged"], -in_stage["days_in_stage"], strict=True))
        assert [(not by_key[c.key]["flagged"], -c.days_in_stage) for c in listed] == order[: len(listed)]
        for card in listed:
            row = by_key[card.key]
            assert (card.stage, card.title, card.team, card.owner, card.extensions) == (
                row["stage"],
                row["title"],
                row["team"],
                row["owner"],
                row["extensions"],
            )
            assert (card.days_in_stage, list(card.flags), list(card.actions)) == (
                row["days_in_stage"],
                row["flags"],
                row["actions"],
            )


def test_the_closed_list_is_the_most_recently_closed(scaled) -> None:
    with Session(scaled) as session:
        closed = board_view.closed_cases(session, BoardFilter(), today=TODAY)
    with scaled.connect() as connection:
        expected = connection.execute(
            text(
                "SELECT key FROM use_case WHERE stage IN ('retired', 'rejected', 'stopped') "
                "ORDER BY stage_entered_at DESC, key LIMIT :n"
            ),
            {"n": board_view.CLOSED_SHOWN},
        ).scalars()
        assert list(closed["key"]) == list(expected)


def _people_with_role(engine, role: str) -> list[int]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                text("SELECT person_id FROM person_role WHERE role = :role ORDER BY person_id"),
                {"role": role},
            ).scalars()
        )


def test_the_waiting_lists_read_their_first_items_and_count_the_rest_as_plain_sql(scaled) -> None:
    """The "Waiting for you" lists: the first SHOWN in their order and a count, matching plain SQL."""
    reviewers = _people_with_role(scaled, "reviewer")
    approver = _people_with_role(scaled, "approver")[0]
    with scaled.connect() as connection:
        for reviewer in (reviewers[0], reviewers[-1]):
            not_scored = (
                "FROM use_case u WHERE u.stage IN ('proposed', 'assessed') AND NOT EXISTS "
                "(SELECT 1 FROM assessment a WHERE a.use_case_id = u.id AND a.reviewer_id = :r)"
            )
            expected_total = connection.execute(
                text(f"SELECT count(*) {not_scored}"), {"r": reviewer}
            ).scalar()
            expected_keys = connection.execute(
                text(
                    f"SELECT u.key {not_scored} ORDER BY u.reviewer_count, u.stage_entered_at, u.key LIMIT :n"
                ),
                {"r": reviewer, "n": queues.SHOWN},
            ).scalars()
            with Session(scaled) as session:
                mine = queues.not_scored_by(session, reviewer)
            assert (mine.total, [item.key for item in mine.shown]) == (expected_total, list(expected_keys))
        assert expected_total > queues.SHOWN
        due = (
            "FROM use_case u JOIN pilot_charter c ON c.use_case_id = u.id "
            "WHERE u.stage = 'pilot' AND c.decision_on <= :d"
        )
        limit = {"d": TODAY + timedelta(days=queues.DUE_WITHIN_DAYS)}
        expected_total = connection.execute(text(f"SELECT count(*) {due}"), limit).scalar()
        expected_keys = connection.execute(
            text(f"SELECT u.key {due} ORDER BY c.decision_on, u.key LIMIT :n"), limit | {"n": queues.SHOWN}
        ).scalars()
        holds = connection.execute(text("SELECT count(*) FROM gate_decision WHERE outcome = 'hold'")).scalar()
    with Session(scaled) as session:
        waiting = queues.waiting_for(session, approver, today=TODAY)
    assert holds == 0  # the generator records no holds: every decision due is a pilot's
    assert expected_total > queues.SHOWN
    assert waiting.decisions_due.total == expected_total and waiting.decisions_due.more > 0
    assert [item.key for item in waiting.decisions_due.shown] == list(expected_keys)
