"""Trust across the portfolio: every customer-facing use case with its trust KPIs, the gaps, and the trends."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import case, true
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


def _has_trust_kpi() -> Any:
    return (
        select(Kpi.id)
        .where(Kpi.use_case_id == UseCase.id, Kpi.kind == KpiKind.trust, col(Kpi.retired_on).is_(None))
        .exists()
    )


def _gap_flags() -> tuple[Any, Any, Any]:
    """1 where a use case lacks the safeguard, else 0: a trust KPI, telling customers, a path to a person."""
    return (
        case((_has_trust_kpi(), 0), else_=1),
        case((UseCase.ai_disclosure, 0), else_=1),
        case((UseCase.human_path, 0), else_=1),
    )


@dataclass(frozen=True)
class TrustCounts:
    customer_facing: int
    without_trust_kpi: int
    not_told: int
    no_path_to_person: int
    with_gaps: int


def trust_counts(session: Session, filters: TrustFilter = TrustFilter()) -> TrustCounts:
    """The counts above the trust table, counted in the database."""
    no_kpi, not_told, no_path = _gap_flags()
    row = (
        session.connection()
        .execute(
            _filtered(
                select(
                    func.count(),
                    func.coalesce(func.sum(no_kpi), 0),
                    func.coalesce(func.sum(not_told), 0),
                    func.coalesce(func.sum(no_path), 0),
                    func.coalesce(func.sum(case((no_kpi + not_told + no_path > 0, 1), else_=0)), 0),
                ).select_from(UseCase),
                filters,
            )
        )
        .one()
    )
    return TrustCounts(*(int(n) for n in row))


def trust_overview(
    session: Session,
    filters: TrustFilter = TrustFilter(),
    offset: int = 0,
    limit: int | None = None,
    *,
    today: date | None = None,
) -> pd.DataFrame:
    """One row per active customer-facing use case, KPI statuses as of `today` (default: now); those missing
    the most safeguards first, then by key. `offset` and `limit` pick one page of rows, cut in the database."""
    today = today or utc_now().date()
    no_kpi, not_told, no_path = _gap_flags()
    # Plain columns, not ORM objects: thousands of entities cost far more than the query.
    cases = (
        session.connection()
        .execute(
            _filtered(
                select(
                    UseCase.id,
                    UseCase.key,
                    UseCase.title,
                    UseCase.stage,
                    UseCase.sector,
                    UseCase.team,
                    UseCase.ai_disclosure,
                    UseCase.human_path,
                    no_kpi.label("no_trust_kpi"),
                ),
                filters,
            )
            .order_by((no_kpi + not_told + no_path).desc(), binary_order(UseCase.key))
            .offset(offset)
            .limit(limit)
        )
        .all()
    )
    status, severity = _status_and_severity(today)
    # The trust KPIs of the use cases listed: those of the page, or of every filtered use case.
    listed = col(Kpi.use_case_id).in_([c.id for c in cases]) if limit is not None else true()
    kpis = session.connection().execute(
        _filtered(
            select(Kpi.use_case_id, Kpi.name, status, severity).join(UseCase, UseCase.id == Kpi.use_case_id),
            filters,
        )
        .where(listed, col(Kpi.kind).in_(TRUST_KINDS), col(Kpi.retired_on).is_(None))
        .order_by(Kpi.id)
    )
    by_case: dict[int, list[Any]] = defaultdict(list)
    for kpi in kpis:
        by_case[kpi.use_case_id].append(kpi)
    rows = []
    for case_row in cases:
        own = by_case.get(case_row.id, [])
        gaps = [
            gap
            for gap, missing in (
                ("No trust KPI", case_row.no_trust_kpi),
                ("Customers not told about the AI", not case_row.ai_disclosure),
                ("No path to a person", not case_row.human_path),
            )
            if missing
        ]
        rows.append(
            (
                case_row.key,
                case_row.title,
                case_row.stage,
                case_row.sector,
                case_row.team,
                len(own),
                SEVERITY[min(k.severity for k in own)].value if own else None,
                "; ".join(f"{k.name}: {KpiStatus(k.status).label}" for k in own),
                case_row.ai_disclosure,
                case_row.human_path,
                gaps,
            )
        )
    return frames.frame(rows, OVERVIEW_COLUMNS)


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
