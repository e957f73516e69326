"""The append-only audit trail."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel, select

from portfolio.errors import InvalidInput, StaleEditError
from portfolio.models import AuditEvent, Person, Stage, utc_now

SKIPPED = {"created_at", "updated_at"}


@dataclass(frozen=True)
class Actor:
    """The person acting. Roles here are for display; services re-check them in the database."""

    id: int | None
    name: str
    email: str = ""
    roles: frozenset[str] = frozenset()


SYSTEM = Actor(id=None, name="System")


# When the events being written happened: None (the default) is now. Set only by `events_dated`, which loading a
# story that happened in the past (the demo) uses; a person's own changes are always recorded at the time made.
_story_time: ContextVar[datetime | None] = ContextVar("audit_story_time", default=None)


@contextmanager
def events_dated(at: datetime) -> Iterator[None]:
    """Record the audit events written inside this block at `at` (never later than now) instead of now, so a
    history loaded after the fact (the demo's) reads in its own dates. The audit trail is append-only, so an
    event's time can only be right when it is written."""
    token = _story_time.set(at)
    try:
        yield
    finally:
        _story_time.reset(token)


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
    context: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event. With both `before` and `after`, only what changed is kept, so the trail reads as
    "from → to"; `context` (what the change was about, e.g. which KPI) is kept on both sides whatever changed.
    The actor's name is taken from their person record, not from the caller."""
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)} - {"version"}
        before = {k: before[k] for k in sorted(changed) if k in before}
        after = {k: after.get(k) for k in sorted(changed)}
    if context:
        before = None if before is None else context | before
        after = context | (after or {})
    person = session.get(Person, actor.id) if actor.id is not None else None
    now, story = utc_now(), _story_time.get()
    event = AuditEvent(
        at=now if story is None else min(story, now),
        actor_id=actor.id,
        actor_name=person.name if person is not None else actor.name,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=json_safe(before),
        after=json_safe(after),
    )
    session.add(event)
    return event


def _short(value: Any) -> str:
    if isinstance(value, list) and value and all(isinstance(v, dict) and "value" in v for v in value):
        value = ", ".join(f"{v.get('measured_on')}: {_short(v['value'])}" for v in value)
    text = format(value, ".15g") if isinstance(value, float) else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


# --- out-of-date edits --------------------------------------------------------------------------------------


def _when(at: datetime) -> str:
    return f"{at.day} {at:%B %Y} at {at:%H:%M} UTC"


def _field_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _what(event: AuditEvent, labels: dict[str, str]) -> str:
    after, before = event.after or {}, event.before or {}
    if event.action == "use_case.stage_changed" and after.get("stage") in Stage.values():
        return f"moved it to {Stage(after['stage']).label}"
    if event.action == "assessment.recorded":
        return "scored it"
    if event.action == "measurements.logged":
        return "logged results"
    if event.action == "kpi.retired":
        return "retired it"
    if event.action == "scoring_model.created":
        return f"saved version {event.entity_id}"
    if event.action == "measurement.corrected" and "value" in after:
        return f"corrected the value from {_short(before.get('value'))} to {_short(after['value'])}"
    changed = [k for k in after if k in before and before[k] != after[k]]
    changed.sort(key=lambda k: list(labels).index(k) if k in labels else len(labels))  # in the form's order
    fields = [labels.get(k, k.replace("_", " ")) for k in changed]
    return f"changed {_field_list(fields)}" if fields else "changed it"


def refuse_stale_edit(
    session: Session,
    *,
    current_version: int,
    expected_version: Any,
    what: str,
    entity: str,
    entity_id: Any,
    actions: tuple[str, ...],
    labels: dict[str, str] | None = None,
    concerns: Callable[[AuditEvent], bool] = lambda _event: True,
) -> None:
    """Raise StaleEditError when the record changed since the editor read it (its version moved on), saying
    who changed what, from the audit trail. Every update service calls this: the version is not optional."""
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise InvalidInput(
            {"expected_version": "The version of the record you edited is missing; reload it and try again."}
        )
    if expected_version == current_version:
        return
    recent = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.entity == entity,
            AuditEvent.entity_id == str(entity_id),
            AuditEvent.action.in_(actions),  # type: ignore[attr-defined]
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(50)
    ).all()
    recent = [e for e in recent if concerns(e)][: min(max(current_version - expected_version, 1), 5)]
    changes = [f"{e.actor_name} {_what(e, labels or {})} ({_when(e.at)})" for e in recent]
    account = f": {'; '.join(changes)}" if changes else ""
    raise StaleEditError(
        f"{what} was changed by someone else while you were editing{account}. "
        "Your change was not saved: compare it with the current record and save it again.",
        changes,
    )
