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


def audit_trail(session: Session, entity: str, entity_id: Any, limit: int = 500) -> pd.DataFrame:
    rows = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return pd.DataFrame(
        [
            {"When": e.at, "Who": e.actor_name, "Action": e.action, "Before": e.before, "After": e.after}
            for e in rows
        ],
        columns=["When", "Who", "Action", "Before", "After"],
    )
