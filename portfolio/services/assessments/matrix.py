"""The impact-and-risk matrix: the scored use cases as points with their quadrant and priority, counted per
quadrant, and the ranked backlog of scored use cases not yet in a pilot. Ranked, counted and cut in SQL: a
portfolio of ten thousand use cases sends the page only the points a chart can show and one page of backlog."""

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, literal, or_
from sqlmodel import Session, col, func, select

from portfolio import frames, scoring
from portfolio.labels import label
from portfolio.models import AiActTier, Assessment, AssessmentScore, Criterion, Stage, UseCase
from portfolio.scoring import Quadrant
from portfolio.services.use_cases import PortfolioFilter, quadrant_thresholds
from portfolio.services.use_cases.listing import filtered
from portfolio.sql_functions import evenly_sampled

MAX_POINTS = 1_500  # beyond a few thousand marks a scatter is unreadable and slow to draw
BACKLOG_PER_PAGE = 50
BACKLOG_STAGES = (Stage.proposed, Stage.assessed)
NEUTRAL_REACH = 3.0  # a use case no reviewer scored on reach is drawn at the middle size


@dataclass(frozen=True)
class MatrixFilter:
    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()


POINT_COLUMNS = [
    "key",
    "title",
    "stage",
    "sector",
    "team",
    "ai_act_tier",
    "impact",
    "risk",
    "spread",
    "reviewers",
    "reach",
    "quadrant",
    "priority",
    "stage_label",
    "quadrant_label",
    "tier_label",
]
BACKLOG_COLUMNS = ["priority", "key", "title", "impact", "risk", "quadrant", "stage"]


@dataclass(frozen=True)
class MatrixView:
    """What the Impact and risk page shows for a filter."""

    impact_threshold: float
    risk_threshold: float
    scored: int  # scored use cases the filter matches
    points: pd.DataFrame  # POINT_COLUMNS: all of them, or an even sample of about MAX_POINTS
    quadrant_counts: dict[str, int]  # every quadrant, in Quadrant's order, counting all `scored`
    backlog_total: int
    backlog_pages: int
    backlog_page: int  # the page shown: the one asked for, within 1..backlog_pages
    backlog: pd.DataFrame  # BACKLOG_COLUMNS: that page, highest priority first (ties: higher impact first)

    @property
    def backlog_first(self) -> int:
        """The backlog position (from 1) of the page's first row."""
        return (self.backlog_page - 1) * BACKLOG_PER_PAGE + 1


def _priority() -> Any:
    """scoring.priority before its rounding, in SQL."""
    return col(UseCase.impact_score) - 0.5 * col(UseCase.risk_score)


def _quadrant(impact_threshold: float, risk_threshold: float) -> Any:
    """scoring.quadrant in SQL: thresholds belong to the upper half."""
    high_risk = col(UseCase.risk_score) >= risk_threshold
    return case(
        (
            col(UseCase.impact_score) >= impact_threshold,
            case((high_risk, literal(Quadrant.strategic_bet.value)), else_=literal(Quadrant.quick_win.value)),
        ),
        else_=case((high_risk, literal(Quadrant.avoid.value)), else_=literal(Quadrant.experiment.value)),
    )


def waiting_for_a_pilot() -> Any:
    """In SQL: proposed or assessed, and allowed a pilot (a prohibited practice never enters one:
    lifecycle.may_enter_pilot), so the backlog never ranks what may not be piloted."""
    return and_(
        col(UseCase.stage).in_(BACKLOG_STAGES),
        or_(col(UseCase.ai_act_tier).is_(None), col(UseCase.ai_act_tier) != AiActTier.prohibited),
    )


def _scored(query: Any, filters: MatrixFilter) -> Any:
    """`query` narrowed to the scored use cases `filters` match, by the portfolio's one filter rule."""
    scored = query.where(col(UseCase.impact_score).is_not(None), col(UseCase.risk_score).is_not(None))
    return filtered(
        scored,
        PortfolioFilter(
            stages=filters.stages, sectors=filters.sectors, teams=filters.teams, tiers=filters.tiers
        ),
    )


def _reach(session: Session, use_case_ids: Any) -> dict[int, float]:
    """Per use case of the `use_case_ids` subquery, the mean of each reviewer's latest reach score."""
    latest = (
        select(func.max(Assessment.id))
        .where(col(Assessment.use_case_id).in_(use_case_ids))
        .group_by(Assessment.use_case_id, Assessment.reviewer_id)
    )
    return dict(
        session.exec(
            select(Assessment.use_case_id, func.avg(AssessmentScore.score))
            .join(AssessmentScore, AssessmentScore.assessment_id == Assessment.id)
            .join(Criterion, and_(Criterion.id == AssessmentScore.criterion_id, Criterion.key == "reach"))
            .where(col(Assessment.id).in_(latest))
            .group_by(Assessment.use_case_id)
        ).all()
    )


def matrix_view(
    session: Session, filters: MatrixFilter = MatrixFilter(), backlog_page: int = 1
) -> MatrixView:
    impact_threshold, risk_threshold = quadrant_thresholds(session)
    quadrant = _quadrant(impact_threshold, risk_threshold)
    counted = dict(
        session.exec(
            _scored(select(quadrant, func.count()).select_from(UseCase), filters).group_by(quadrant)
        ).all()
    )
    quadrant_counts = {q.value: int(counted.get(q.value, 0)) for q in Quadrant}
    backlog_total = int(
        session.exec(
            _scored(select(func.count()).select_from(UseCase), filters).where(waiting_for_a_pilot())
        ).one()
    )
    backlog_pages = max(1, -(-backlog_total // BACKLOG_PER_PAGE))
    backlog_page = min(max(backlog_page, 1), backlog_pages)
    return MatrixView(
        impact_threshold=impact_threshold,
        risk_threshold=risk_threshold,
        scored=sum(quadrant_counts.values()),
        points=_points(session, filters, quadrant, sum(quadrant_counts.values())),
        quadrant_counts=quadrant_counts,
        backlog_total=backlog_total,
        backlog_pages=backlog_pages,
        backlog_page=backlog_page,
        backlog=_backlog(session, filters, quadrant, backlog_page),
    )


def _points(session: Session, filters: MatrixFilter, quadrant: Any, scored: int) -> pd.DataFrame:
    """The scored use cases, or an even sample of about MAX_POINTS of them (every n-th), so the chart keeps the
    portfolio's shape; reach is read for those only."""
    sample = evenly_sampled(col(UseCase.id), scored, MAX_POINTS)
    top = _scored(select(UseCase.id), filters).where(sample).order_by(col(UseCase.id)).limit(MAX_POINTS)
    rows = session.exec(
        _scored(
            select(
                UseCase.id,
                UseCase.key,
                UseCase.title,
                UseCase.stage,
                UseCase.sector,
                UseCase.team,
                UseCase.ai_act_tier,
                UseCase.impact_score,
                UseCase.risk_score,
                UseCase.score_spread,
                UseCase.reviewer_count,
                quadrant,
            ),
            filters,
        )
        .where(sample)
        .order_by(col(UseCase.id))
        .limit(MAX_POINTS)
    ).all()
    reach = _reach(session, top.subquery().select())
    return frames.frame(
        [
            (
                key,
                title,
                stage,
                sector,
                team,
                tier,
                impact,
                risk,
                spread,
                reviewers,
                round(float(reach.get(use_case_id, NEUTRAL_REACH)), 1),
                in_quadrant,
                scoring.priority(impact, risk),
                Stage(stage).label,
                Quadrant(in_quadrant).label,
                label(AiActTier, tier, "Not classified"),
            )
            for use_case_id, key, title, stage, sector, team, tier, impact, risk, spread, reviewers, in_quadrant in rows
        ],
        POINT_COLUMNS,
    )


def _backlog(session: Session, filters: MatrixFilter, quadrant: Any, page: int) -> pd.DataFrame:
    query = _scored(
        select(UseCase.key, UseCase.title, UseCase.impact_score, UseCase.risk_score, quadrant, UseCase.stage),
        filters,
    ).where(waiting_for_a_pilot())
    rows = session.exec(
        query.order_by(_priority().desc(), col(UseCase.impact_score).desc(), col(UseCase.key))
        .offset((page - 1) * BACKLOG_PER_PAGE)
        .limit(BACKLOG_PER_PAGE)
    ).all()
    return frames.frame(
        [
            (scoring.priority(impact, risk), key, title, impact, risk, in_quadrant, stage)
            for key, title, impact, risk, in_quadrant, stage in rows
        ],
        BACKLOG_COLUMNS,
    )
