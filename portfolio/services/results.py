"""KPIs and their measurements. Each KPI row keeps its latest measurement and status, updated in the same
transaction as any change to its measurements."""

import math
from datetime import date
from typing import Any

import pandas as pd
from pydantic import Field, model_validator
from sqlmodel import Session, col, select

from portfolio.errors import InvalidInput, NotFound
from portfolio.kpis import kpi_status, unit_problem
from portfolio.models import Direction, Kpi, KpiKind, Measurement, Role, utc_now
from portfolio.models.tables import LONG, SHORT
from portfolio.services.audit import Actor, as_record, record_event
from portfolio.services.people import get_person, require_role
from portfolio.services.use_cases import get_use_case
from portfolio.validation import Input, validate


class KpiInput(Input):
    name: str = Field(title="KPI name", min_length=1, max_length=SHORT)
    kind: KpiKind = Field(title="Kind")
    unit: str = Field(title="Unit", min_length=1, max_length=30)
    direction: Direction = Field(title="Direction")
    baseline: float | None = Field(default=None, title="Baseline", allow_inf_nan=False)
    baseline_on: date | None = Field(default=None, title="Baseline date")
    target: float | None = Field(default=None, title="Target", allow_inf_nan=False)
    target_on: date | None = Field(default=None, title="Target date")
    method: str = Field(default="", title="How it is measured", max_length=LONG)
    reporter_id: int | None = Field(default=None, title="Reporter")

    @model_validator(mode="after")
    def _consistent(self) -> "KpiInput":
        for name in ("baseline", "target"):
            value = getattr(self, name)
            if value is not None and (problem := unit_problem(self.unit, value)):
                raise ValueError({name: problem})
        if self.baseline_on and self.target_on and self.target_on <= self.baseline_on:
            raise ValueError({"target_on": "must come after the baseline date"})
        if self.baseline is not None and self.target is not None and self.baseline == self.target:
            raise ValueError({"target": "must differ from the baseline, or there is nothing to improve"})
        return self


class MeasurementInput(Input):
    measured_on: date = Field(title="Date")
    value: float = Field(title="Value", allow_inf_nan=False)
    note: str = Field(default="", title="Note", max_length=LONG)
    source: str = Field(default="", title="Source", max_length=SHORT)


def get_kpi(session: Session, kpi_id: int) -> Kpi:
    kpi = session.get(Kpi, kpi_id)
    if kpi is None:
        raise NotFound("That KPI no longer exists.")
    return kpi


def define_kpi(session: Session, actor: Actor, key: str, **fields: Any) -> Kpi:
    require_role(session, actor, Role.contributor, "define KPIs")
    data = validate(KpiInput, fields)
    use_case = get_use_case(session, key)
    if data.reporter_id is not None:
        get_person(session, data.reporter_id, "reporter_id")
    duplicate = session.exec(
        select(Kpi.id).where(Kpi.use_case_id == use_case.id, Kpi.name == data.name)
    ).first()
    if duplicate is not None:
        raise InvalidInput(
            {"name": f"{use_case.key} already has a KPI called {data.name!r}; choose another name."}
        )
    kpi = Kpi(use_case_id=use_case.id, **data.model_dump())
    session.add(kpi)
    session.flush()
    record_event(session, actor, "kpi.defined", "use_case", use_case.key, after=as_record(kpi))
    return kpi


def refresh_kpi(session: Session, kpi: Kpi, today: date | None = None) -> None:
    """Recompute the kept latest value and status from the stored measurements."""
    latest = session.exec(
        select(Measurement.measured_on, Measurement.value)
        .where(Measurement.kpi_id == kpi.id)
        .order_by(col(Measurement.measured_on).desc())
        .limit(1)
    ).first()
    kpi.latest_on, kpi.latest_value = (latest.measured_on, latest.value) if latest else (None, None)
    kpi.status = kpi_status(
        direction=kpi.direction,
        baseline=kpi.baseline,
        baseline_on=kpi.baseline_on,
        target=kpi.target,
        target_on=kpi.target_on,
        latest_value=kpi.latest_value,
        latest_on=kpi.latest_on,
        today=today or utc_now().date(),
    )
    session.add(kpi)


def check_measurements(
    kpi: Kpi, rows: list[dict[str, Any]], existing_dates: set[date]
) -> tuple[list[MeasurementInput], dict[int, str]]:
    """Validate rows for one KPI. Returns the good rows and, by row number (1-based), why others were refused."""
    good: list[MeasurementInput] = []
    refused: dict[int, str] = {}
    seen: set[date] = set()
    today = utc_now().date()
    for number, row in enumerate(rows, start=1):
        try:
            item = validate(MeasurementInput, row)
        except InvalidInput as error:
            refused[number] = " ".join(error.problems.values())
            continue
        if item.measured_on > today:
            refused[number] = f"Date {item.measured_on.isoformat()} is in the future."
        elif item.measured_on in existing_dates or item.measured_on in seen:
            refused[number] = (
                f"{kpi.name} already has a value for {item.measured_on.isoformat()}; correct that one instead."
            )
        elif problem := unit_problem(kpi.unit, item.value):
            refused[number] = f"Value: {problem}."
        elif not math.isfinite(item.value):
            refused[number] = "Value must be a number."
        else:
            good.append(item)
            seen.add(item.measured_on)
    return good, refused


def log_measurements(
    session: Session, actor: Actor, kpi_id: int, rows: list[dict[str, Any]]
) -> list[Measurement]:
    """Store measurements for one KPI, all or none: any refused row refuses the whole batch."""
    require_role(session, actor, Role.contributor, "log results")
    kpi = get_kpi(session, kpi_id)
    existing = set(session.exec(select(Measurement.measured_on).where(Measurement.kpi_id == kpi.id)).all())
    good, refused = check_measurements(kpi, rows, existing)
    if refused:
        raise InvalidInput({f"row {n}": f"Row {n}: {why}" for n, why in refused.items()})
    measurements = [Measurement(kpi_id=kpi.id, logged_by_id=actor.id, **item.model_dump()) for item in good]
    session.add_all(measurements)
    session.flush()
    refresh_kpi(session, kpi)
    session.flush()
    record_event(
        session,
        actor,
        "measurements.logged",
        "kpi",
        kpi.id,
        after={
            "kpi": kpi.name,
            "count": len(good),
            "dates": [good[0].measured_on, good[-1].measured_on] if good else [],
        },
    )
    return measurements


def measurements_for_use_case(session: Session, key: str) -> pd.DataFrame:
    """Every measurement of a use case's KPIs, for its trend charts (one query)."""
    use_case = get_use_case(session, key)
    rows = session.exec(
        select(Kpi.id, Kpi.name, Measurement.measured_on, Measurement.value, Measurement.note)
        .join(Measurement, Measurement.kpi_id == Kpi.id)
        .where(Kpi.use_case_id == use_case.id)
        .order_by(Kpi.id, Measurement.measured_on)
    ).all()
    return pd.DataFrame(rows, columns=["kpi_id", "kpi", "measured_on", "value", "note"])
