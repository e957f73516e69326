"""Trust across the portfolio: every customer-facing use case with its trust KPIs, the gaps, and the trends."""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from typing import Any

import pandas as pd
from sqlalchemy import and_
from sqlmodel import Session, col, func, select

from portfolio import frames
from portfolio.kpi_status_sql import SEVERITY, severity_sql, status_sql
from portfolio.lifecycle import ACTIVE
from portfolio.models import Kpi, KpiKind, KpiStatus, Measurement, UseCase, utc_now
from portfolio.sql_functions import binary_order, month_of

TRUST_KINDS = (KpiKind.trust, KpiKind.fairness)


@dataclass(frozen=True)
class TrustFilter:
    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()


def _filtered(query, filters: TrustFilter):
    """Active customer-facing use cases in the chosen sectors and teams."""
    query = query.where(UseCase.customer_facing, col(UseCase.stage).in_(ACTIVE))
    if filters.sectors:
        query = query.where(col(UseCase.sector).in_(filters.sectors))
    if filters.teams:
        query = query.where(col(UseCase.team).in_(filters.teams))
    return query


def _status_and_severity(today: date) -> tuple[Any, Any]:
    # The status is computed in the database (the rule of portfolio.kpis, translated in
    # portfolio.kpi_status_sql): thousands of KPIs need no Python pass.
    status = status_sql(today)
    return status.label("status"), severity_sql(status).label("severity")


OVERVIEW_COLUMNS = [
    "key",
    "title",
    "stage",
    "sector",
    "team",
    "trust_kpis",
    "worst_status",
    "statuses",
    "ai_disclosure",
    "human_path",
    "gaps",
]


def trust_overview(
    session: Session, filters: TrustFilter = TrustFilter(), *, today: date | None = None
) -> pd.DataFrame:
    """One row per active customer-facing use case, KPI statuses as of `today` (default: now); gaps first."""
    today = today or utc_now().date()
    status, severity = _status_and_severity(today)
    trust_kpi = and_(
        Kpi.use_case_id == UseCase.id, col(Kpi.kind).in_(TRUST_KINDS), col(Kpi.retired_on).is_(None)
    )
    # One query, plain columns (thousands of ORM objects cost far more than the query): each use case with
    # its trust KPIs in order, or one row with none.
    query = _filtered(
        select(
            UseCase.key,
            UseCase.title,
            UseCase.stage,
            UseCase.sector,
            UseCase.team,
            UseCase.ai_disclosure,
            UseCase.human_path,
            Kpi.name,
            Kpi.kind,
            status,
            severity,
        ).join(Kpi, trust_kpi, isouter=True),
        filters,
    ).order_by(binary_order(UseCase.key), Kpi.id)
    rows = []
    for _, group in groupby(session.exec(query).all(), key=lambda row: row[0]):
        own = list(group)
        case = own[0]
        kpis = [k for k in own if k.name is not None]
        gaps = []
        if not any(k.kind == KpiKind.trust for k in kpis):
            gaps.append("No trust KPI")
        if not case.ai_disclosure:
            gaps.append("Customers not told about the AI")
        if not case.human_path:
            gaps.append("No path to a person")
        rows.append(
            (
                case.key,
                case.title,
                case.stage,
                case.sector,
                case.team,
                len(kpis),
                SEVERITY[min(k.severity for k in kpis)].value if kpis else None,
                "; ".join(f"{k.name}: {KpiStatus(k.status).label}" for k in kpis),
                case.ai_disclosure,
                case.human_path,
                gaps,
            )
        )
    rows.sort(key=lambda row: -len(row[-1]))  # gaps first; stable, so in key order within
    return frames.frame(rows, OVERVIEW_COLUMNS)


@dataclass(frozen=True)
class TrustCounts:
    customer_facing: int
    without_trust_kpi: int
    not_told: int
    no_path_to_person: int
    with_gaps: int


def trust_counts(overview: pd.DataFrame) -> TrustCounts:
    """The counts above the trust table, from `trust_overview`'s rows."""
    gaps = overview["gaps"].tolist()
    return TrustCounts(
        customer_facing=len(overview),
        without_trust_kpi=sum(1 for g in gaps if "No trust KPI" in g),
        not_told=sum(1 for told in overview["ai_disclosure"].tolist() if not told),
        no_path_to_person=sum(1 for path in overview["human_path"].tolist() if not path),
        with_gaps=sum(1 for g in gaps if g),
    )


TREND_COLUMNS = ["kpi_id", "key", "kpi", "unit", "direction", "baseline", "target", "month", "value"]
TRUST_KPI_COLUMNS = ["kpi_id", "key", "kpi", "status"]


def _trust_kpis_query(filters: TrustFilter, today: date) -> Any:
    """Every trust and fairness KPI of the filtered use cases with its status, weakest first, then by key."""
    status, severity = _status_and_severity(today)
    query = select(Kpi.id, UseCase.key, Kpi.name, status).join(UseCase, UseCase.id == Kpi.use_case_id)
    return (
        _filtered(query, filters)
        .where(col(Kpi.kind).in_(TRUST_KINDS), col(Kpi.retired_on).is_(None))
        .order_by(severity, binary_order(UseCase.key), Kpi.id)
    )


def trust_kpis(
    session: Session, filters: TrustFilter = TrustFilter(), *, today: date | None = None
) -> pd.DataFrame:
    """Every trust and fairness KPI of the filtered use cases with its status as of `today`, weakest first:
    the order in which the page shows their trends, a page at a time."""
    query = _trust_kpis_query(filters, today or utc_now().date())
    return frames.frame(session.exec(query).all(), TRUST_KPI_COLUMNS)


def trust_kpi_page(
    session: Session, filters: TrustFilter, offset: int, limit: int, *, today: date | None = None
) -> tuple[int, pd.DataFrame]:
    """How many trust and fairness KPIs `trust_kpis` lists, and `limit` of them from `offset`: the page of
    trends on screen, sorted and cut in the database."""
    query = _trust_kpis_query(filters, today or utc_now().date())
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    shown = session.exec(query.offset(offset).limit(limit)).all()
    return total, frames.frame(shown, TRUST_KPI_COLUMNS)


def trust_trends(
    session: Session,
    filters: TrustFilter = TrustFilter(),
    months: int = 12,
    kpi_ids: tuple[int, ...] | None = None,
) -> pd.DataFrame:
    """Monthly mean of the trust and fairness KPIs of the filtered use cases (or only `kpi_ids`) over the last
    `months` months, averaged in the database, so a chart holds a dozen points per KPI."""
    since = utc_now().date() - timedelta(days=31 * months)
    month = month_of(Measurement.measured_on).label("month")
    query = (
        select(
            Kpi.id,
            UseCase.key,
            Kpi.name,
            Kpi.unit,
            Kpi.direction,
            Kpi.baseline,
            Kpi.target,
            month,
            func.avg(Measurement.value),
        )
        .join(UseCase, UseCase.id == Kpi.use_case_id)
        .join(Measurement, Measurement.kpi_id == Kpi.id)
        .where(
            col(Kpi.kind).in_(TRUST_KINDS), col(Kpi.retired_on).is_(None), Measurement.measured_on >= since
        )
        .group_by(Kpi.id, UseCase.key, Kpi.name, Kpi.unit, Kpi.direction, Kpi.baseline, Kpi.target, month)
        .order_by(Kpi.id, month)
    )
    if kpi_ids is not None:
        query = query.where(col(Kpi.id).in_(kpi_ids))
    rows = session.exec(_filtered(query, filters)).all()
    frame = pd.DataFrame(rows, columns=TREND_COLUMNS)
    frame["month"] = pd.to_datetime(frame["month"] + "-01")
    return frames.with_none(frame)
