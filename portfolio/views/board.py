"""The pipeline board's reads, in proportion to what it shows: how many use cases each stage holds and how many
need attention, counted in SQL, and per stage only the cards on show (flagged first, then the longest in their
stage). At 10,000 use cases the board used to build every card to show a dozen per stage."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, false, or_
from sqlmodel import Session, col, func, select

from portfolio import frames, lifecycle
from portfolio.models import PilotCharter, Stage, UseCase, utc_now
from portfolio.scoring import Quadrant
from portfolio.services.pipeline import (
    BOARD_COLUMNS,
    BoardFilter,
    board_conditions,
    board_query,
    board_record,
    stage_limits,
)
from portfolio.services.use_cases import quadrant_thresholds

CLOSED_SHOWN = 100  # the most recently closed; the Portfolio page lists every one


@dataclass(frozen=True)
class BoardCounts:
    """What the board's header and stage headings count, over every use case the filters match."""

    by_stage: dict[str, int]  # stage → use cases in it (stages without any are left out)
    needing_attention: int  # active use cases over their stage's time limit or past their pilot decision date
    decisions_overdue: int
    pilots_in_purgatory: int
    closed: int


@dataclass(frozen=True)
class _Rules:
    """The board's rules as SQL conditions, as of one day."""

    matching: list[Any]
    overdue: Any
    over_limit: Any

    @property
    def flagged(self) -> Any:
        return or_(self.overdue, self.over_limit)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _quadrant_condition(quadrants: tuple[str, ...], thresholds: tuple[float, float]) -> Any:
    """Scored use cases in one of `quadrants` (scoring.quadrant: a threshold counts as high)."""
    high_impact = col(UseCase.impact_score) >= thresholds[0]
    high_risk = col(UseCase.risk_score) >= thresholds[1]
    where = {
        Quadrant.quick_win: and_(high_impact, ~high_risk),
        Quadrant.strategic_bet: and_(high_impact, high_risk),
        Quadrant.experiment: and_(~high_impact, ~high_risk),
        Quadrant.avoid: and_(~high_impact, high_risk),
    }
    return and_(col(UseCase.impact_score).is_not(None), or_(*(where[Quadrant(q)] for q in quadrants)))


def _rules(session: Session, filters: BoardFilter, today: date) -> _Rules:
    matching = []
    if filters.quadrants:
        matching.append(_quadrant_condition(filters.quadrants, quadrant_thresholds(session)))
    overdue = and_(
        UseCase.stage == Stage.pilot,
        col(PilotCharter.decision_on).is_not(None),
        col(PilotCharter.decision_on) < today,
    )
    # (today − the day it entered).days > limit, as lifecycle.stage_flags counts days in stage.
    over_limit = or_(
        false(),
        *(
            and_(
                UseCase.stage == stage,
                col(UseCase.stage_entered_at) < _start_of(today - timedelta(days=limit)),
            )
            for stage, limit in stage_limits(session).items()
        ),
    )
    return _Rules(matching, overdue, over_limit)


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def board_counts(session: Session, filters: BoardFilter, *, today: date | None = None) -> BoardCounts:
    """Use cases per stage and those needing attention, counted in one query."""
    rules = _rules(session, filters, today or utc_now().date())
    counted = session.exec(
        select(
            UseCase.stage,
            func.count(),
            _count(rules.flagged),
            _count(rules.overdue),
            _count(and_(rules.over_limit, UseCase.stage == Stage.pilot)),
        )
        .outerjoin(PilotCharter, PilotCharter.use_case_id == UseCase.id)
        .where(*board_conditions(filters), *rules.matching)
        .group_by(UseCase.stage)
    ).all()
    by_stage = {row[0]: row[1] for row in counted}
    active = [row for row in counted if row[0] in lifecycle.ACTIVE]
    return BoardCounts(
        by_stage=by_stage,
        needing_attention=sum(row[2] for row in active),
        decisions_overdue=sum(row[3] for row in active),
        pilots_in_purgatory=sum(row[4] for row in active),
        closed=sum(n for s, n in by_stage.items() if s in lifecycle.TERMINAL),
    )


@dataclass(frozen=True)
class Card:
    """One use case on the board, as its card shows it."""

    key: str
    title: str
    stage: str
    team: str
    owner: str | None
    days_in_stage: int
    extensions: int
    flags: tuple[str, ...]  # why it needs attention, most urgent first
    actions: tuple[str, ...]  # what may be done next (lifecycle.next_actions)
    version: int  # of the use case as shown: the decision dialogs opened from the card are keyed by it


def board_cards(
    session: Session, filters: BoardFilter, shown: tuple[int, ...], *, today: date | None = None
) -> dict[str, list[Card]]:
    """Per active stage (lifecycle.ACTIVE, `shown` cards of each in the same order): those needing attention
    first, then the longest in the stage. One query: each stage's cards are numbered in the database."""
    today = today or utc_now().date()
    rules = _rules(session, filters, today)
    place = (
        func.row_number()
        .over(
            partition_by=UseCase.stage,
            order_by=(case((rules.flagged, 0), else_=1), UseCase.stage_entered_at, UseCase.key),
        )
        .label("place")
    )
    # Numbered over narrow rows (the sort carries ids, not titles), then only the cards shown are read.
    ranked = (
        select(UseCase.id, UseCase.stage, place)
        .outerjoin(PilotCharter, PilotCharter.use_case_id == UseCase.id)
        .where(col(UseCase.stage).in_(lifecycle.ACTIVE), *board_conditions(filters), *rules.matching)
        .subquery()
    )
    wanted = [
        and_(ranked.c.stage == stage, ranked.c.place <= n)
        for stage, n in zip(lifecycle.ACTIVE, shown, strict=True)
        if n
    ]
    cards: dict[str, list[Card]] = {stage: [] for stage in lifecycle.ACTIVE}
    if not wanted:
        return cards
    rows = session.exec(
        board_query(filters)
        .join(ranked, ranked.c.id == UseCase.id)
        .where(or_(*wanted))
        .order_by(ranked.c.stage, ranked.c.place)
    ).all()
    limits, thresholds = stage_limits(session), quadrant_thresholds(session)
    for row in rows:
        record = board_record(row, today=today, limits=limits, thresholds=thresholds)
        cards[record["stage"]].append(
            Card(
                key=record["key"],
                title=record["title"],
                stage=record["stage"],
                team=record["team"],
                owner=record["owner"],
                days_in_stage=record["days_in_stage"],
                extensions=record["extensions"],
                flags=tuple(record["flags"]),
                actions=tuple(record["actions"]),
                version=record["version"],
            )
        )
    return cards


def closed_cases(session: Session, filters: BoardFilter, *, today: date | None = None) -> pd.DataFrame:
    """The CLOSED_SHOWN use cases most recently retired, rejected or stopped."""
    today = today or utc_now().date()
    rules = _rules(session, filters, today)
    rows = session.exec(
        board_query(filters)
        .where(col(UseCase.stage).in_(lifecycle.TERMINAL), *rules.matching)
        .order_by(col(UseCase.stage_entered_at).desc(), UseCase.key)
        .limit(CLOSED_SHOWN)
    ).all()
    return _frame(session, rows, today)


def _frame(session: Session, rows: list[Any], today: date) -> pd.DataFrame:
    limits, thresholds = stage_limits(session), quadrant_thresholds(session)
    return frames.frame(
        [board_record(row, today=today, limits=limits, thresholds=thresholds) for row in rows], BOARD_COLUMNS
    )
