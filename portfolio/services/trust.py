"""Trust across the portfolio: every customer-facing use case with its trust KPIs, the gaps, and the trends."""

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlmodel import Session, col, func, select

from portfolio import frames
from portfolio.kpi_status_sql import status_sql
from portfolio.lifecycle import ACTIVE
from portfolio.models import Kpi, KpiKind, KpiStatus, Measurement, UseCase, utc_now
from portfolio.sql_functions import month_of

TRUST_KINDS = (KpiKind.trust, KpiKind.fairness)
STATUS_SEVERITY = [
    KpiStatus.off_track,
    KpiStatus.at_risk,
    KpiStatus.no_recent_data,
    KpiStatus.on_track,
    KpiStatus.achieved,
]


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


def _cases(session: Session, filters: TrustFilter) -> list:
    # Plain columns, not ORM objects: thousands of entities cost far more than the query.
    query = select(
        UseCase.id,
        UseCase.key,
        UseCase.title,
        UseCase.stage,
        UseCase.sector,
        UseCase.team,
        UseCase.ai_disclosure,
        UseCase.human_path,
    )
    return list(session.exec(_filtered(query, filters).order_by(UseCase.key)).all())


def _trust_kpis(session: Session, filters: TrustFilter, today: date) -> list:
    # The status is computed in the database (the rule of portfolio.kpis, translated in
    # portfolio.kpi_status_sql): thousands of KPIs need no Python pass.
    query = select(
        Kpi.id,
        Kpi.use_case_id,
        UseCase.key,
        Kpi.name,
        Kpi.kind,
        Kpi.unit,
        status_sql(today).label("status"),
    ).join(UseCase, UseCase.id == Kpi.use_case_id)
    return list(
        session.exec(
            _filtered(query, filters)
            .where(col(Kpi.kind).in_(TRUST_KINDS), col(Kpi.retired_on).is_(None))
            .order_by(Kpi.id)
        )
    )


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
    cases = _cases(session, filters)
    kpis: dict[int, list] = {}
    for kpi in _trust_kpis(session, filters, today):
        kpis.setdefault(kpi.use_case_id, []).append(kpi)
    rows = []
    for case in cases:
        own = kpis.get(case.id, [])
        gaps = []
        if not any(k.kind == KpiKind.trust for k in own):
            gaps.append("No trust KPI")
        if not case.ai_disclosure:
            gaps.append("Customers not told about the AI")
        if not case.human_path:
            gaps.append("No path to a person")
        statuses = [KpiStatus(k.status) for k in own]
        worst = min(statuses, key=STATUS_SEVERITY.index).value if statuses else None
        rows.append(
            {
                "key": case.key,
                "title": case.title,
                "stage": case.stage,
                "sector": case.sector,
                "team": case.team,
                "trust_kpis": len(own),
                "worst_status": worst,
                "statuses": "; ".join(f"{k.name}: {s.label}" for k, s in zip(own, statuses, strict=True)),
                "ai_disclosure": case.ai_disclosure,
                "human_path": case.human_path,
                "gaps": gaps,
            }
        )
    frame = frames.frame(rows, OVERVIEW_COLUMNS)
    return (
        frame.assign(_gaps=frame["gaps"].map(len))
        .sort_values(["_gaps", "key"], ascending=[False, True])
        .drop(columns="_gaps")
        .reset_index(drop=True)
    )


TREND_COLUMNS = ["kpi_id", "key", "kpi", "unit", "direction", "baseline", "target", "month", "value"]
TRUST_KPI_COLUMNS = ["kpi_id", "key", "kpi", "status"]


def trust_kpis(
    session: Session, filters: TrustFilter = TrustFilter(), *, today: date | None = None
) -> pd.DataFrame:
    """Every trust and fairness KPI of the filtered use cases with its status as of `today`, weakest first:
    the order in which the page shows their trends, a page at a time."""
    today = today or utc_now().date()
    rows = [
        {"kpi_id": k.id, "key": k.key, "kpi": k.name, "status": k.status}
        for k in _trust_kpis(session, filters, today)
    ]
    frame = frames.frame(rows, TRUST_KPI_COLUMNS)
    severity = frame["status"].map(lambda s: STATUS_SEVERITY.index(KpiStatus(s)))
    return (
        frame.assign(_severity=severity)
        .sort_values(["_severity", "key", "kpi_id"])
        .drop(columns="_severity")
        .reset_index(drop=True)
    )


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
