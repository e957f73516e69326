"""The impact-and-risk matrix: every scored use case as a point with its quadrant and priority, and the
backlog of scored use cases not yet in a pilot."""

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, col, func, select

from portfolio import frames, scoring
from portfolio.models import Assessment, AssessmentScore, Criterion, Stage, UseCase
from portfolio.services.use_cases import quadrant_thresholds


@dataclass(frozen=True)
class MatrixFilter:
    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()


MATRIX_COLUMNS = [
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
]


def matrix_points(session: Session, filters: MatrixFilter = MatrixFilter()) -> pd.DataFrame:
    """Every scored use case with its mean impact, risk, reach (mean of reviewers' latest reach scores),
    quadrant and priority: one query for the points, one for reach."""
    impact_threshold, risk_threshold = quadrant_thresholds(session)
    query = select(
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
    ).where(col(UseCase.impact_score).is_not(None))
    for column, values in (
        (UseCase.sector, filters.sectors),
        (UseCase.team, filters.teams),
        (UseCase.stage, filters.stages),
        (UseCase.ai_act_tier, filters.tiers),
    ):
        if values:
            query = query.where(col(column).in_(values))
    rows = session.exec(query).all()
    latest_ids = select(func.max(Assessment.id)).group_by(Assessment.use_case_id, Assessment.reviewer_id)
    reach = dict(
        session.exec(
            select(Assessment.use_case_id, func.avg(AssessmentScore.score))
            .join(AssessmentScore, AssessmentScore.assessment_id == Assessment.id)
            .join(Criterion, Criterion.id == AssessmentScore.criterion_id)
            .where(col(Assessment.id).in_(latest_ids), Criterion.key == "reach")
            .group_by(Assessment.use_case_id)
        ).all()
    )
    return frames.frame(
        [
            {
                "key": r.key,
                "title": r.title,
                "stage": r.stage,
                "sector": r.sector,
                "team": r.team,
                "ai_act_tier": r.ai_act_tier,
                "impact": r.impact_score,
                "risk": r.risk_score,
                "spread": r.score_spread,
                "reviewers": r.reviewer_count,
                "reach": round(float(reach.get(r.id, 3)), 1),
                "quadrant": scoring.quadrant(
                    r.impact_score, r.risk_score, impact_threshold, risk_threshold
                ).value,
                "priority": scoring.priority(r.impact_score, r.risk_score),
            }
            for r in rows
        ],
        MATRIX_COLUMNS,
    )


BACKLOG_STAGES = (Stage.proposed, Stage.assessed)


def backlog(points: pd.DataFrame) -> pd.DataFrame:
    """Scored use cases not yet in a pilot, highest priority first (ties: higher impact first)."""
    waiting = points[points["stage"].isin(BACKLOG_STAGES)]
    return waiting.sort_values(["priority", "impact"], ascending=False).reset_index(drop=True)
