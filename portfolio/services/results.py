"""KPIs and their measurements. Each KPI row keeps its latest measurement, updated in the same transaction as
any change to its measurements; its status is computed from that when read (portfolio.kpis.status_of)."""

from datetime import date
from typing import Any

import pandas as pd
from pydantic import Field, model_validator
from sqlmodel import Session, col, select

from portfolio import frames, labels
from portfolio.errors import InvalidInput, NotFound, RuleViolation
from portfolio.kpis import unit_problem
from portfolio.models import Direction, Kpi, KpiKind, Measurement, Role, UseCase, utc_now
from portfolio.models.tables import LONG, SHORT
from portfolio.services.audit import Actor, as_record, record_event, refuse_stale_edit
from portfolio.services.people import get_person, require_role
from portfolio.services.use_cases import get_use_case
from portfolio.validation import Day, Id, Input, Measure, check_id, validate


class KpiInput(Input):
    name: str = Field(title="KPI name", min_length=1, max_length=SHORT)
    kind: KpiKind = Field(title="Kind")
    unit: str = Field(title="Unit", min_length=1, max_length=30)
    direction: Direction = Field(title="Direction")
    baseline: Measure | None = Field(default=None, title="Baseline")
    baseline_on: Day | None = Field(default=None, title="Baseline date")
    target: Measure | None = Field(default=None, title="Target")
    target_on: Day | None = Field(default=None, title="Target date")
    method: str = Field(default="", title="How it is measured", max_length=LONG)
    reporter_id: Id | None = Field(default=None, title="Reporter")

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
    measured_on: Day = Field(title="Date")
    value: Measure = Field(title="Value")
    note: str = Field(default="", title="Note", max_length=LONG)
    source: str = Field(default="", title="Source", max_length=SHORT)


def get_kpi(session: Session, kpi_id: int) -> Kpi:
    kpi = session.get(Kpi, kpi_id) if check_id(kpi_id) else None
    if kpi is None:
        raise NotFound("That KPI no longer exists.")
    return kpi


def refuse_retired(kpi: Kpi, doing: str) -> None:
    if kpi.retired_on is not None:
        raise RuleViolation(
            f"{kpi.name} was retired on {kpi.retired_on.day} {kpi.retired_on:%B %Y}, so it cannot be {doing}; "
            "define a new KPI instead."
        )


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


def refresh_kpi(session: Session, kpi: Kpi) -> None:
    """Recompute the kept latest value and date from the stored measurements."""
    latest = session.exec(
        select(Measurement.measured_on, Measurement.value)
        .where(Measurement.kpi_id == kpi.id)
        .order_by(col(Measurement.measured_on).desc())
        .limit(1)
    ).first()
    kpi.latest_on, kpi.latest_value = (latest.measured_on, latest.value) if latest else (None, None)
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
        if problem := unit_problem(kpi.unit, item.value):
            refused[number] = f"Value: {problem}."
        elif item.measured_on > today:
            refused[number] = f"The date {labels.day(item.measured_on)} is in the future."
        elif item.measured_on in existing_dates or item.measured_on in seen:
            refused[number] = (
                f"{kpi.name} already has a value for {labels.day(item.measured_on)}; correct that one instead."
            )
        else:
            good.append(item)
            seen.add(item.measured_on)
    return good, refused


def log_measurements(
    session: Session, actor: Actor, kpi_id: int, rows: list[dict[str, Any]]
) -> list[Measurement]:
    """Store measurements for one KPI, all or none: any refused row refuses the whole batch. The audit event
    (filed under the use case, so its trail shows it) records every date and value."""
    require_role(session, actor, Role.contributor, "log results")
    kpi = get_kpi(session, kpi_id)
    refuse_retired(kpi, "given new results")
    if not isinstance(rows, list | tuple):
        raise InvalidInput({"rows": "Give the results as a list of rows, each with a date and a value."})
    if not rows:
        return []  # nothing to store, so nothing to record
    existing = set(session.exec(select(Measurement.measured_on).where(Measurement.kpi_id == kpi.id)).all())
    good, refused = check_measurements(kpi, list(rows), existing)
    if refused:
        if len(rows) == 1:  # one value from a one-value form: no row to point at
            raise InvalidInput({"row 1": refused[1]})
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
        "use_case",
        key_of(session, kpi),
        after={
            "kpi": kpi.name,
            "kpi_id": kpi.id,
            "count": len(measurements),
            "values": [{"measured_on": m.measured_on, "value": m.value} for m in measurements],
        },
    )
    return measurements


def key_of(session: Session, kpi: Kpi) -> str:
    return session.exec(select(UseCase.key).where(UseCase.id == kpi.use_case_id)).one()


def measurements_for_use_case(session: Session, key: str) -> pd.DataFrame:
    """Every measurement of a use case's KPIs, for its trend charts (one query)."""
    use_case = get_use_case(session, key)
    rows = session.exec(
        select(Kpi.id, Kpi.name, Measurement.measured_on, Measurement.value, Measurement.note)
        .join(Measurement, Measurement.kpi_id == Kpi.id)
        .where(Kpi.use_case_id == use_case.id)
        .order_by(Kpi.id, Measurement.measured_on)
    ).all()
    return frames.frame(rows, ["kpi_id", "kpi", "measured_on", "value", "note"])


# --- bulk entry, corrections --------------------------------------------------------------------------------

CSV_COLUMNS = {
    "date": "measured_on",
    "measured_on": "measured_on",
    "value": "value",
    "note": "note",
    "source": "source",
}


def parse_measurement_csv(content: bytes) -> list[dict[str, Any]]:
    """Rows from a CSV with columns date and value (note and source optional), in UTF-8 or Windows-1252."""
    import csv
    import io

    text = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise InvalidInput(
            {
                "file": "This file is not text in UTF-8 or Windows-1252, so it cannot be read as a CSV. "
                "Save it from your spreadsheet as “CSV UTF-8” and upload it again."
            }
        )
    try:
        reader = csv.DictReader(io.StringIO(text))
        headers = {(h or "").strip().lower(): h for h in (reader.fieldnames or [])}
        raws = list(reader)
    except csv.Error:  # e.g. a cell over the csv module's 131,072 characters
        raise InvalidInput(
            {
                "file": "This file cannot be read as a CSV: a cell is far too long or a quote is never "
                "closed. Check it in a spreadsheet and save it again."
            }
        ) from None
    if "value" not in headers or not ({"date", "measured_on"} & set(headers)):
        raise InvalidInput(
            {
                "file": "The CSV needs a header row with at least the columns date and value "
                "(note and source are optional)."
            }
        )
    rows = []
    for raw in raws:
        row = {
            CSV_COLUMNS[name]: (raw.get(original) or "").strip()
            for name, original in headers.items()
            if name in CSV_COLUMNS
        }
        rows.append({k: v for k, v in row.items() if v != "" or k in ("measured_on", "value")})
    if not rows:
        raise InvalidInput({"file": "The CSV has a header but no rows."})
    return rows


def preview_measurements(
    session: Session, kpi_id: int, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """What a bulk entry would store and what it refuses (row number → reason). Writes nothing."""
    kpi = get_kpi(session, kpi_id)
    refuse_retired(kpi, "given new results")
    existing = set(session.exec(select(Measurement.measured_on).where(Measurement.kpi_id == kpi.id)).all())
    good, refused = check_measurements(kpi, rows, existing)
    return [item.model_dump() for item in good], refused


class CorrectionInput(Input):
    value: Measure = Field(title="Value")
    note: str = Field(default="", title="Note", max_length=LONG)
    reason: str = Field(title="Reason for the correction", min_length=1, max_length=LONG)


def correct_measurement(
    session: Session, actor: Actor, measurement_id: int, *, expected_version: int, **fields: Any
) -> Measurement:
    """Change a stored value. `expected_version` is the version the editor saw (required: a correction made
    on an out-of-date page is refused). The audit event keeps the value before and after, and the reason."""
    require_role(session, actor, Role.contributor, "correct results")
    measurement = session.get(Measurement, measurement_id) if check_id(measurement_id) else None
    if measurement is None:
        raise NotFound("That measurement no longer exists.")
    kpi = get_kpi(session, measurement.kpi_id)
    key = key_of(session, kpi)
    refuse_stale_edit(
        session,
        current_version=measurement.version,
        expected_version=expected_version,
        what=f"The {kpi.name} result of {labels.day(measurement.measured_on)}",
        entity="use_case",
        entity_id=key,
        actions=("measurement.corrected",),
        concerns=lambda event: (event.after or {}).get("measurement_id") == measurement.id,
    )
    data = validate(CorrectionInput, fields)
    if problem := unit_problem(kpi.unit, data.value):
        raise InvalidInput({"value": f"Value: {problem}."})
    before = {"value": measurement.value, "note": measurement.note}
    measurement.value = data.value
    measurement.note = data.note or measurement.note
    session.add(measurement)
    session.flush()
    refresh_kpi(session, kpi)
    record_event(
        session,
        actor,
        "measurement.corrected",
        "use_case",
        key,
        before=before,
        after={"value": measurement.value, "note": measurement.note, "reason": data.reason},
        context={
            "kpi": kpi.name,
            "kpi_id": kpi.id,
            "measurement_id": measurement.id,
            "measured_on": measurement.measured_on,
        },
    )
    return measurement


def kpi_choices(session: Session, key: str) -> list[tuple[int, str, str]]:
    """(id, name, unit) of the use case's active KPIs: those that take results."""
    use_case = get_use_case(session, key)
    query = select(Kpi.id, Kpi.name, Kpi.unit).where(
        Kpi.use_case_id == use_case.id, col(Kpi.retired_on).is_(None)
    )
    return list(session.exec(query.order_by(Kpi.name)).all())


def recent_measurements(session: Session, kpi_id: int, limit: int = 20) -> pd.DataFrame:
    rows = session.exec(
        select(
            Measurement.id, Measurement.measured_on, Measurement.value, Measurement.note, Measurement.version
        )
        .where(Measurement.kpi_id == kpi_id)
        .order_by(col(Measurement.measured_on).desc())
        .limit(limit)
    ).all()
    return frames.frame(rows, ["id", "measured_on", "value", "note", "version"])


# Value and cost live in their own module; kept importable from here for existing callers.
from portfolio.services.value import (  # noqa: E402, F401
    HOURLY_RATE,
    VALUE_COLUMNS,
    hourly_rate,
    set_hourly_rate,
    summarise_value,
    value_of,
    value_table,
)
