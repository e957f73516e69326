"""Snapshots are immutable: whatever code holds a session, the ORM refuses to change or delete one. The only
change allowed is marking a current snapshot superseded when its quarter is taken again."""

from typing import Any

from sqlalchemy import event, inspect

from portfolio.errors import RuleViolation
from portfolio.models.enums import SnapshotStatus
from portfolio.models.tables import Snapshot

REFUSAL = "Snapshots are never changed or deleted; take the quarter again to record a new one."


@event.listens_for(Snapshot, "before_update")
def _refuse_changes(_mapper: Any, _connection: Any, target: Snapshot) -> None:
    state = inspect(target)
    changed = {a.key for a in state.attrs if a.history.has_changes()}
    status = state.attrs.status.history
    superseding = (
        changed == {"status"}
        and list(status.deleted) == [SnapshotStatus.current]
        and list(status.added) == [SnapshotStatus.superseded]
    )
    if changed and not superseding:
        raise RuleViolation(REFUSAL)


@event.listens_for(Snapshot, "before_delete")
def _refuse_deletion(_mapper: Any, _connection: Any, _target: Snapshot) -> None:
    raise RuleViolation(REFUSAL)
