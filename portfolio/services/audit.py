"""The append-only audit trail."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

import pandas as pd
from sqlmodel import Session, SQLModel, select

from portfolio.models import AuditEvent

SKIPPED = {"created_at", "updated_at"}


@dataclass(frozen=True)
class Actor:
    """The person acting. Roles here are for display; services re-check them in the database."""

    id: int | None
    name: str
    email: str = ""
    roles: frozenset[str] = frozenset()


SYSTEM = Actor(id=None, name="System")


def json_safe(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return value


def as_record(row: SQLModel) -> dict[str, Any]:
    """A row's stored values, JSON-ready, for the before/after of an audit event."""
    return {k: json_safe(v) for k, v in row.model_dump().items() if k not in SKIPPED}


def record_event(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    if before is not None and after is not None:
        # Keep only what changed, so the trail reads as "from → to".
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)} - {"version"}
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after.get(k) for k in sorted(changed)}
    event = AuditEvent(
        actor_id=actor.id,
        actor_name=actor.name,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=json_safe(before),
        after=json_safe(after),
    )
    session.add(event)
    return event


ACTION_LABELS = {
    "use_case.proposed": "Proposed",
    "use_case.updated": "Edited",
    "use_case.stage_changed": "Stage changed",
    "assessment.recorded": "Scored",
    "gate_decision.recorded": "Gate decision",
    "kpi.defined": "KPI defined",
    "measurements.logged": "Results logged",
    "lesson.recorded": "Lesson recorded",
    "person.created": "Person added",
    "person.roles_changed": "Roles changed",
    "scoring_model.created": "Scoring model created",
}
SUMMARY_FIELDS = ("title", "name", "stage", "outcome", "gate", "reason", "impact", "risk", "count", "kpi")


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def describe_event(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """A one-line account of an event: "field: old → new" for edits, the key facts for new records."""
    if before and after:
        return "; ".join(
            f"{k}: {_short(before.get(k))} → {_short(after.get(k))}" for k in after if k in before
        )
    facts = after or {}
    return "; ".join(f"{k}: {_short(facts[k])}" for k in SUMMARY_FIELDS if facts.get(k) not in (None, ""))


def audit_trail(session: Session, entity: str, entity_id: Any, limit: int = 500) -> pd.DataFrame:
    """The newest events first, as people read them; the full before/after stays in the database."""
    rows = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return pd.DataFrame(
        [
            {
                "When": e.at,
                "Who": e.actor_name,
                "What": ACTION_LABELS.get(e.action, e.action),
                "Details": describe_event(e.before, e.after),
            }
            for e in rows
        ],
        columns=["When", "Who", "What", "Details"],
    )
