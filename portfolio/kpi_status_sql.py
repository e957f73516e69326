"""The KPI status rule of portfolio.kpis, as one SQL expression, so a portfolio-wide view counts statuses in
the database instead of computing them for tens of thousands of KPIs in Python.

`portfolio.kpis.kpi_status` stays the one statement of the rule: this is its translation, branch by branch in
the same order, with the same constants, and tests hold the two equal on generated portfolios (SQLite and
PostgreSQL). Change both together."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, and_, bindparam, case, literal, or_
from sqlalchemy.sql.elements import ColumnElement

from portfolio.kpis import ON_TRACK_TOLERANCE, STALE_AFTER_DAYS
from portfolio.models import Direction, Kpi, KpiStatus
from portfolio.sql_functions import days_between

# Worst first: the order views rank statuses in (a use case is filed under its worst KPI).
SEVERITY = (
    KpiStatus.off_track,
    KpiStatus.at_risk,
    KpiStatus.no_recent_data,
    KpiStatus.on_track,
    KpiStatus.achieved,
)


def status_sql(today: date, kpi: Any = Kpi) -> ColumnElement[str]:
    """The status of each KPI row as of `today` (the KpiStatus value as text); `kpi` is the Kpi table or an
    alias of it."""
    on = bindparam(None, today, type_=Date())
    stale_before = bindparam(None, today - timedelta(days=STALE_AFTER_DAYS), type_=Date())
    latest, target, baseline = kpi.latest_value, kpi.target, kpi.baseline
    meets = or_(
        and_(kpi.direction == Direction.higher.value, latest >= target),
        and_(kpi.direction != Direction.higher.value, latest <= target),
    )
    progress = (latest - baseline) / (target - baseline)
    elapsed = days_between(on, kpi.baseline_on) / days_between(kpi.target_on, kpi.baseline_on)
    clamped = case((elapsed < 0.0, literal(0.0)), (elapsed > 1.0, literal(1.0)), else_=elapsed)
    return case(
        (
            or_(latest.is_(None), kpi.latest_on.is_(None), kpi.latest_on < stale_before),
            KpiStatus.no_recent_data.value,
        ),
        (target.is_(None), KpiStatus.at_risk.value),
        (meets, KpiStatus.achieved.value),
        (and_(kpi.target_on.is_not(None), kpi.target_on < on), KpiStatus.off_track.value),
        (or_(baseline.is_(None), baseline == target), KpiStatus.at_risk.value),
        (progress < 0.0, KpiStatus.off_track.value),
        (
            or_(kpi.baseline_on.is_(None), kpi.target_on.is_(None), kpi.target_on <= kpi.baseline_on),
            case((progress >= 0.5, KpiStatus.on_track.value), else_=KpiStatus.at_risk.value),
        ),
        (progress >= clamped - ON_TRACK_TOLERANCE, KpiStatus.on_track.value),
        else_=KpiStatus.at_risk.value,
    )


def severity_sql(status: ColumnElement[str]) -> ColumnElement[int]:
    """0 for the worst status (off track) up to 4 for achieved, so min() finds a use case's worst KPI."""
    return case({s.value: rank for rank, s in enumerate(SEVERITY)}, value=status)
