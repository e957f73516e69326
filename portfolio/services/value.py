"""What use cases are worth: value per month from their active business KPIs kept in money or hours per
month (latest values), their costs, and first-year net value. Reads the kept latest values on the KPI rows,
never the measurement history."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import true
from sqlmodel import Session, col, select

from portfolio import frames
from portfolio.errors import InvalidInput, NotFound
from portfolio.kpis import (
    DEFAULT_HOURLY_RATE,
    HOURS_PER_MONTH,
    MONEY_PER_MONTH,
    monthly_value,
    net_value_first_year,
)
from portfolio.lifecycle import ACTIVE
from portfolio.models import Kpi, KpiKind, Role, Setting, UseCase
from portfolio.services.audit import Actor, record_event
from portfolio.services.people import require_role
from portfolio.validation import shown

HOURLY_RATE = "hourly_rate"


def hourly_rate(session: Session) -> float:
    setting = session.get(Setting, HOURLY_RATE)
    return float(setting.value.get("eur", DEFAULT_HOURLY_RATE)) if setting else DEFAULT_HOURLY_RATE


def set_hourly_rate(session: Session, actor: Actor, eur: Any) -> None:
    require_role(session, actor, Role.administrator, "change the hourly rate")
    if isinstance(eur, bool) or not isinstance(eur, int | float) or not 0 < eur <= 10_000:
        raise InvalidInput(
            {"hourly_rate": f"The hourly rate must be a number of euros above 0 (got {shown(eur)})."}
        )
    before = {"eur": hourly_rate(session)}
    setting = session.get(Setting, HOURLY_RATE) or Setting(key=HOURLY_RATE)
    setting.value = {"eur": float(eur)}
    session.add(setting)
    record_event(
        session, actor, "setting.changed", "setting", HOURLY_RATE, before=before, after=setting.value
    )


VALUE_COLUMNS = [
    "key",
    "title",
    "stage",
    "active",
    "sector",
    "team",
    "value_per_month",
    "running_cost_per_month",
    "one_off_cost",
    "net_first_year",
]


def value_table(session: Session, keys: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Value per month (from active money and hours KPIs' latest values), costs and first-year net value per use
    case (all, or those with the given keys); value and net value are None (not measured) for a use case with
    no such KPI holding a value. Reads the kept latest values on the KPI rows, never the history."""
    rate = hourly_rate(session)
    chosen = col(UseCase.key).in_(keys) if keys is not None else true()
    cases = session.exec(
        select(
            UseCase.id,
            UseCase.key,
            UseCase.title,
            UseCase.stage,
            UseCase.sector,
            UseCase.team,
            UseCase.running_cost_per_month,
            UseCase.one_off_cost,
        ).where(chosen)
    ).all()
    by_case: dict[int, list[tuple[str, float | None]]] = {}
    for use_case_id, unit, latest in session.exec(
        select(Kpi.use_case_id, Kpi.unit, Kpi.latest_value)
        .join(UseCase, UseCase.id == Kpi.use_case_id)
        .where(
            col(Kpi.unit).in_([MONEY_PER_MONTH, HOURS_PER_MONTH]),
            Kpi.kind == KpiKind.business,
            col(Kpi.retired_on).is_(None),
            chosen,
        )
    ).all():
        by_case.setdefault(use_case_id, []).append((unit, latest))
    rows = []
    for c in cases:
        value = monthly_value(by_case.get(c.id, []), rate)
        rows.append(
            {
                "key": c.key,
                "title": c.title,
                "stage": c.stage,
                "active": c.stage in ACTIVE,
                "sector": c.sector,
                "team": c.team,
                "value_per_month": value,
                "running_cost_per_month": c.running_cost_per_month,
                "one_off_cost": c.one_off_cost,
                "net_first_year": net_value_first_year(value, c.running_cost_per_month, c.one_off_cost),
            }
        )
    return frames.frame(rows, VALUE_COLUMNS)


def value_of(session: Session, key: str) -> dict[str, Any]:
    table = value_table(session, (key,))
    if table.empty:
        raise NotFound(f"There is no use case {key}.")
    return table.iloc[0].to_dict()


@dataclass(frozen=True)
class ValueSummary:
    """Totals over active use cases. Value and net value add up the use cases whose value is measured; they are
    None when none is (not measured, which is not €0)."""

    value_per_year: float | None
    running_cost_per_year: float
    net_first_year: float | None
    measured: int
    active: int


def summarise_value(table: pd.DataFrame, keys: Iterable[str]) -> ValueSummary:
    """The totals of a `value_table` over the active use cases among `keys` (those a page lists)."""
    chosen = set(keys)
    rows = [r for r in table.to_dict("records") if r["active"] and r["key"] in chosen]
    measured = [r for r in rows if r["value_per_month"] is not None]
    running = 12 * sum(r["running_cost_per_month"] or 0.0 for r in rows)
    if not measured:
        return ValueSummary(None, round(running, 2), None, 0, len(rows))
    return ValueSummary(
        round(12 * sum(r["value_per_month"] for r in measured), 2),
        round(running, 2),
        round(sum(r["net_first_year"] for r in measured), 2),
        len(measured),
        len(rows),
    )
