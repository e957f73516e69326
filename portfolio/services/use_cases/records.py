"""A use case's recorded facts: proposing one, editing it with a version check, finding it by key."""

from datetime import datetime
from typing import Any

from pydantic import Field
from sqlmodel import Session, col, select

from portfolio.errors import Conflict, InvalidInput, NotFound
from portfolio.models import AiActTier, AiKind, Audience, Role, Sector, Stage, StageChange, UseCase, utc_now
from portfolio.models.tables import LONG, SHORT
from portfolio.services.audit import Actor, as_record, record_event, refuse_stale_edit
from portfolio.services.people import get_person, require_role
from portfolio.validation import (
    ExtraAttributes,
    Id,
    Input,
    Money,
    Rating,
    check_key,
    check_moment,
    shown,
    validate,
)

KEY_PREFIX = "UC-"


class UseCaseInput(Input):
    title: str = Field(title="Title", min_length=1, max_length=SHORT)
    problem: str = Field(title="Problem and who it serves", min_length=1, max_length=LONG)
    audience: Audience = Field(default=Audience.customers, title="Serves")
    team: str = Field(title="Team", min_length=1, max_length=SHORT)
    business_unit: str = Field(default="", title="Business unit", max_length=SHORT)
    sector: Sector = Field(title="Sector")
    owner_id: Id = Field(title="Accountable owner")
    sponsor_id: Id | None = Field(default=None, title="Sponsor")
    ai_kind: AiKind = Field(title="Kind of AI")
    customer_facing: bool = Field(default=False, title="Customer-facing")
    decisions_about_people: bool = Field(default=False, title="Makes or informs decisions about people")
    personal_data: str = Field(default="", title="Personal or sensitive data used", max_length=LONG)
    sensitive_data: bool = Field(default=False, title="Uses special-category data")
    data_completeness: Rating = Field(default=3, title="Data completeness")
    data_accuracy: Rating = Field(default=3, title="Data accuracy")
    data_currency: Rating = Field(default=3, title="Data currency")
    measurable_goal: str = Field(default="", title="Measurable goal", max_length=LONG)
    ai_act_tier: AiActTier | None = Field(default=None, title="EU AI Act tier")
    ai_act_reason: str = Field(default="", title="Reason for the tier", max_length=LONG)
    monitoring_owner_id: Id | None = Field(default=None, title="Monitoring owner")
    ai_disclosure: bool = Field(default=False, title="AI disclosure to customers in place")
    human_path: bool = Field(default=False, title="Path to a human in place")
    source: str = Field(default="manual", title="Source", max_length=SHORT)
    source_file: str | None = Field(default=None, title="Source file", max_length=500)
    source_row: Id | None = Field(default=None, title="Source row")
    extra: ExtraAttributes = Field(default_factory=dict, title="Extra attributes")
    one_off_cost: Money | None = Field(default=None, title="One-off cost (EUR)")
    running_cost_per_month: Money | None = Field(default=None, title="Running cost per month (EUR)")


EDITABLE = set(UseCaseInput.model_fields) - {"source", "source_file", "source_row"}


def _check_people(session: Session, data: UseCaseInput) -> None:
    get_person(session, data.owner_id, "owner_id")
    for name in ("sponsor_id", "monitoring_owner_id"):
        if getattr(data, name) is not None:
            get_person(session, getattr(data, name), name)
    if data.ai_act_tier is not None and not data.ai_act_reason:
        raise InvalidInput({"ai_act_reason": "Reason for the tier is required when a tier is recorded."})


def next_key(session: Session) -> str:
    keys = session.exec(select(UseCase.key).where(col(UseCase.key).startswith(KEY_PREFIX))).all()
    numbers = [int(k[len(KEY_PREFIX) :]) for k in keys if k[len(KEY_PREFIX) :].isdigit()]
    return f"{KEY_PREFIX}{max(numbers, default=0) + 1:04d}"


def get_use_case(session: Session, key: str) -> UseCase:
    use_case = session.exec(select(UseCase).where(UseCase.key == key)).first() if check_key(key) else None
    if use_case is None:
        raise NotFound(f"There is no use case {key if check_key(key) else shown(key)}.")
    return use_case


def propose_use_case(
    session: Session, actor: Actor, *, key: str | None = None, at: datetime | None = None, **fields: Any
) -> UseCase:
    """Register a new use case in Proposed. `key` is assigned when not given; `at` dates a proposal made
    earlier (imports, the demo)."""
    require_role(session, actor, Role.contributor, "propose use cases")
    data = validate(UseCaseInput, fields)
    _check_people(session, data)
    at = check_moment(at, "at", "The date of the proposal")
    if key is not None:
        key = key.strip().upper() if isinstance(key, str) else ""
        if not check_key(key):
            raise InvalidInput({"key": "Key must be 1 to 20 characters, such as UC-0042."})
        if session.exec(select(UseCase.id).where(UseCase.key == key)).first() is not None:
            raise Conflict(
                f"The key {key} is already used by another use case; choose another or leave it empty."
            )
    at = at or utc_now()
    use_case = UseCase(
        key=key or next_key(session), stage=Stage.proposed, stage_entered_at=at, **data.model_dump()
    )
    session.add(use_case)
    session.flush()
    session.add(
        StageChange(
            use_case_id=use_case.id,
            to_stage=Stage.proposed,
            changed_at=at,
            changed_by_id=actor.id,
            reason="Proposed",
        )
    )
    record_event(session, actor, "use_case.proposed", "use_case", use_case.key, after=as_record(use_case))
    return use_case


# What changes a use case's row (and so its version), for saying what changed under an out-of-date edit.
ROW_CHANGES = ("use_case.updated", "use_case.stage_changed", "assessment.recorded")
FIELD_LABELS = {name: info.title or name for name, info in UseCaseInput.model_fields.items()}


def update_use_case(
    session: Session, actor: Actor, key: str, *, expected_version: int, **changes: Any
) -> UseCase:
    """Change a use case's recorded facts (not its stage). `expected_version` is the version the editor saw:
    required, so an edit made on an out-of-date page is refused with what changed meanwhile."""
    require_role(session, actor, Role.contributor, "edit use cases")
    use_case = get_use_case(session, key)
    refuse_stale_edit(
        session,
        current_version=use_case.version,
        expected_version=expected_version,
        what=use_case.key,
        entity="use_case",
        entity_id=use_case.key,
        actions=ROW_CHANGES,
        labels=FIELD_LABELS,
    )
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput({name: f"{name} cannot be edited here." for name in sorted(unknown)})
    before = as_record(use_case)
    current = {name: getattr(use_case, name) for name in UseCaseInput.model_fields}
    data = validate(UseCaseInput, current | changes)
    _check_people(session, data)
    for name in changes:
        setattr(use_case, name, getattr(data, name))
    session.add(use_case)
    session.flush()
    record_event(
        session, actor, "use_case.updated", "use_case", use_case.key, before=before, after=as_record(use_case)
    )
    return use_case
