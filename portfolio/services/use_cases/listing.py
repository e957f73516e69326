"""The portfolio list: one row per use case, filtered in SQL, with its headline counts and the choices its
filters offer."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from portfolio import completeness, frames, lifecycle
from portfolio.models import Kpi, Person, ScoringModel, Stage, UseCase, utc_now
from portfolio.scoring import quadrant

PORTFOLIO_COLUMNS = [
    "key",
    "title",
    "stage",
    "sector",
    "team",
    "business_unit",
    "owner",
    "ai_kind",
    "ai_act_tier",
    "customer_facing",
    "impact",
    "risk",
    "quadrant",
    "reviewers",
    "days_in_stage",
    "gaps",
    "updated_at",
]


@dataclass(frozen=True)
class PortfolioFilter:
    search: str = ""
    stages: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    keys: tuple[str, ...] | None = None  # only these use cases (the ones behind an overview figure)


def quadrant_thresholds(session: Session) -> tuple[float, float]:
    """(impact, risk) thresholds of the active scoring model; the defaults when none is active."""
    row = session.exec(
        select(ScoringModel.impact_threshold, ScoringModel.risk_threshold).where(ScoringModel.is_active)
    ).first()
    return (row[0], row[1]) if row else (50.0, 50.0)


def filtered(query: Any, filters: PortfolioFilter, owner: Any = None) -> Any:
    """`query` (over use_case) narrowed to the use cases `filters` match: the search looks in the title,
    problem, key and team and the accountable owner's name, case-insensitively. `owner`: the person alias
    `query` already joins as the owner, if it does (else it is joined here when there is a search)."""
    if filters.search.strip():
        if owner is None:
            owner = aliased(Person)
            query = query.outerjoin(owner, owner.id == UseCase.owner_id)
        pattern = f"%{filters.search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(UseCase.title).like(pattern),
                func.lower(UseCase.problem).like(pattern),
                func.lower(UseCase.key).like(pattern),
                func.lower(UseCase.team).like(pattern),
                func.lower(owner.name).like(pattern),
            )
        )
    for column, values in (
        (UseCase.stage, filters.stages),
        (UseCase.sector, filters.sectors),
        (UseCase.team, filters.teams),
        (UseCase.ai_act_tier, filters.tiers),
    ):
        if values:
            query = query.where(col(column).in_(values))
    if filters.keys is not None:
        query = query.where(col(UseCase.key).in_(filters.keys))
    return query


def portfolio_table(
    session: Session, filters: PortfolioFilter = PortfolioFilter(), *, now: datetime | None = None
) -> pd.DataFrame:
    """One row per use case, filtered in SQL, with what the portfolio table shows."""
    impact_threshold, risk_threshold = quadrant_thresholds(session)
    owner = aliased(Person)
    kpi_count = (
        select(func.count(Kpi.id))
        .where(Kpi.use_case_id == UseCase.id, col(Kpi.retired_on).is_(None))
        .scalar_subquery()
    )
    query = select(
        UseCase.key,
        UseCase.title,
        UseCase.stage,
        UseCase.sector,
        UseCase.team,
        UseCase.business_unit,
        owner.name.label("owner"),
        UseCase.ai_kind,
        UseCase.ai_act_tier,
        UseCase.customer_facing,
        UseCase.impact_score,
        UseCase.risk_score,
        UseCase.reviewer_count,
        UseCase.stage_entered_at,
        UseCase.updated_at,
        UseCase.problem,
        kpi_count.label("kpi_count"),
    ).outerjoin(owner, owner.id == UseCase.owner_id)
    query = filtered(query, filters, owner)
    rows = session.exec(query.order_by(UseCase.key)).all()
    now = now or utc_now()
    records = [
        {
            "key": r.key,
            "title": r.title,
            "stage": r.stage,
            "sector": r.sector,
            "team": r.team,
            "business_unit": r.business_unit,
            "owner": r.owner,
            "ai_kind": r.ai_kind,
            "ai_act_tier": r.ai_act_tier,
            "customer_facing": r.customer_facing,
            "impact": r.impact_score,
            "risk": r.risk_score,
            "quadrant": quadrant(r.impact_score, r.risk_score, impact_threshold, risk_threshold).value
            if r.impact_score is not None and r.risk_score is not None
            else None,
            "reviewers": r.reviewer_count,
            "days_in_stage": (now - r.stage_entered_at).days,
            "gaps": "; ".join(
                completeness.gaps(
                    owner_named=r.owner is not None,
                    tier=r.ai_act_tier,
                    reviewer_count=r.reviewer_count,
                    kpi_count=r.kpi_count,
                    problem=r.problem,
                    team=r.team,
                )
            )
            or None,
            "updated_at": r.updated_at,
        }
        for r in rows
    ]
    return frames.frame(records, PORTFOLIO_COLUMNS)


@dataclass(frozen=True)
class PortfolioSummary:
    active: int
    in_pilot: int
    scaling_or_live: int
    stuck_pilots: int
    closed: int
    without_owner: int = 0


def summarise(table: pd.DataFrame, pilot_limit_days: int) -> PortfolioSummary:
    """Headline counts for a portfolio table (as filtered); pilots over the limit count as stuck."""
    stage = table["stage"]
    pilots = table[stage == Stage.pilot]
    return PortfolioSummary(
        active=int(stage.isin(lifecycle.ACTIVE).sum()),
        in_pilot=len(pilots),
        scaling_or_live=int(stage.isin([Stage.scale_up, Stage.production]).sum()),
        stuck_pilots=int((pilots["days_in_stage"] > pilot_limit_days).sum()),
        closed=int(stage.isin(lifecycle.TERMINAL).sum()),
        without_owner=int((table["owner"].isna() & stage.isin(lifecycle.ACTIVE)).sum()),
    )


def filter_choices(session: Session) -> dict[str, list[str]]:
    """The values the portfolio's filters offer: those present in the data."""
    return {
        "teams": sorted(session.exec(select(UseCase.team).distinct()).all()),
        "sectors": sorted(session.exec(select(UseCase.sector).distinct()).all()),
    }
