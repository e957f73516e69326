"""Correcting a KPI's definition and retiring a KPI. A retired KPI keeps its definition and measurements (its
use case's KPI history shows them, with the date and reason of retirement), but takes no new results and no
longer counts as an active KPI: not in statuses, trust gaps, the gate checklist, value, the overview or
snapshots. Its status, like every KPI's, is computed when read, so an edited baseline or target shows at once."""

from typing import Any

from pydantic import Field
from sqlmodel import Session, select

from portfolio.errors import InvalidInput
from portfolio.models import Kpi, Measurement, Role, utc_now
from portfolio.models.tables import LONG
from portfolio.services.audit import Actor, as_record, record_event, refuse_stale_edit
from portfolio.services.people import get_person, require_role
from portfolio.services.results import KpiInput, get_kpi, key_of, refuse_retired
from portfolio.validation import Input, validate

# What a KPI edit may change: its definition. Its measurements are corrected one by one on the Results page.
EDITABLE = (
    "name",
    "kind",
    "unit",
    "direction",
    "baseline",
    "baseline_on",
    "target",
    "target_on",
    "method",
    "reporter_id",
)
FIELD_LABELS = {name: KpiInput.model_fields[name].title or name for name in EDITABLE}
# What changes a KPI's row, and so its version: for saying what changed under an out-of-date edit.
ROW_CHANGES = ("kpi.edited", "kpi.retired", "measurements.logged", "measurement.corrected")


class RetirementInput(Input):
    reason: str = Field(title="Reason for retiring", min_length=1, max_length=LONG)


def _refuse_stale(session: Session, kpi: Kpi, key: str, expected_version: Any) -> None:
    refuse_stale_edit(
        session,
        current_version=kpi.version,
        expected_version=expected_version,
        what=f"The KPI {kpi.name}",
        entity="use_case",
        entity_id=key,
        actions=ROW_CHANGES,
        labels=FIELD_LABELS,
        concerns=lambda event: (event.after or {}).get("kpi_id") == kpi.id,
    )


def _validated(kpi: Kpi, fields: dict[str, Any]) -> KpiInput:
    """The edited definition, or every problem with it at once: the checks across fields (target after
    baseline, in the unit's range) otherwise wait until each field alone is right, so they are run again with
    the faulty fields as they were (figures cleared when the unit itself is faulty)."""
    try:
        return validate(KpiInput, fields)
    except InvalidInput as error:
        problems = dict(error.problems)
    figures = ("baseline", "baseline_on", "target", "target_on")
    kept = {name: None if name in figures else getattr(kpi, name) for name in problems if name in EDITABLE}
    if "unit" in problems:
        kept |= dict.fromkeys(figures)
    try:
        validate(KpiInput, fields | kept)
    except InvalidInput as across:
        problems |= {name: problem for name, problem in across.problems.items() if name not in problems}
    raise InvalidInput(problems)


def edit_kpi(session: Session, actor: Actor, kpi_id: int, *, expected_version: int, **changes: Any) -> Kpi:
    """Change a KPI's definition. `expected_version` is the version the editor saw: required, so an edit made
    on an out-of-date page is refused with what changed meanwhile. Every problem is reported at once, each
    under its field; the audit event keeps what changed, before and after."""
    require_role(session, actor, Role.contributor, "edit KPIs")
    kpi = get_kpi(session, kpi_id)
    key = key_of(session, kpi)
    _refuse_stale(session, kpi, key, expected_version)
    refuse_retired(kpi, "edited")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput({name: f"{name} cannot be changed here." for name in sorted(unknown)})
    data = _validated(kpi, {name: getattr(kpi, name) for name in EDITABLE} | changes)
    if data.reporter_id is not None and data.reporter_id != kpi.reporter_id:
        get_person(session, data.reporter_id, "reporter_id")
    problems: dict[str, str] = {}
    if (
        data.name != kpi.name
        and session.exec(
            select(Kpi.id).where(Kpi.use_case_id == kpi.use_case_id, Kpi.name == data.name, Kpi.id != kpi.id)
        ).first()
    ):
        problems["name"] = f"{key} already has a KPI called {data.name!r}; choose another name."
    if data.unit != kpi.unit:
        values = session.exec(select(Measurement.value).where(Measurement.kpi_id == kpi.id)).all()
        if values:
            problems["unit"] = (
                f"{kpi.name} already has {len(values)} result{'s' if len(values) != 1 else ''} in {kpi.unit}; "
                "to measure in another unit, retire this KPI and define a new one."
            )
    if problems:
        raise InvalidInput(problems)
    before, named = as_record(kpi), kpi.name
    for name in EDITABLE:
        setattr(kpi, name, getattr(data, name))
    session.add(kpi)
    session.flush()
    record_event(
        session,
        actor,
        "kpi.edited",
        "use_case",
        key,
        before=before,
        after=as_record(kpi),
        context={"kpi": named, "kpi_id": kpi.id},  # the KPI as it was called when edited
    )
    return kpi


def retire_kpi(session: Session, actor: Actor, kpi_id: int, *, expected_version: int, reason: Any) -> Kpi:
    """Retire a KPI today, with the reason. Its measurements stay; it takes no new results and no longer counts
    as an active KPI. The audit event records the date and the reason."""
    require_role(session, actor, Role.contributor, "retire KPIs")
    kpi = get_kpi(session, kpi_id)
    key = key_of(session, kpi)
    _refuse_stale(session, kpi, key, expected_version)
    refuse_retired(kpi, "retired again")
    data = validate(RetirementInput, {"reason": reason})
    kpi.retired_on = utc_now().date()
    kpi.retired_reason = data.reason
    session.add(kpi)
    session.flush()
    record_event(
        session,
        actor,
        "kpi.retired",
        "use_case",
        key,
        before={"retired_on": None},
        after={"retired_on": kpi.retired_on, "retired_reason": kpi.retired_reason},
        context={"kpi": kpi.name, "kpi_id": kpi.id},
    )
    return kpi
