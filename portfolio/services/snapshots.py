"""Quarterly snapshots: take one (now, or as the portfolio stood at a day of the quarter, from the history),
verify it, list them. A snapshot is immutable: its SHA-256 checksum over the canonical content is recorded
when it is taken and checked whenever it is read; taking a quarter again keeps the earlier one, superseded."""

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from threading import Lock
from typing import Any

import pandas as pd
from sqlalchemy import Text, and_, cast
from sqlmodel import Session, col, select

from portfolio import frames
from portfolio.errors import Conflict, InvalidInput, NotFound, PortfolioError, RuleViolation
from portfolio.models import Role, Snapshot, SnapshotStatus, utc_now
from portfolio.quarters import Quarter
from portfolio.services.audit import Actor, record_event
from portfolio.services.people import require_role
from portfolio.services.snapshot_content import Period, build_content
from portfolio.services.snapshot_state import current_state, state_as_of

QUARTER_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


class SnapshotTampered(PortfolioError):
    """A snapshot's content no longer matches the checksum recorded when it was taken."""


def parse_quarter(text: Any) -> Quarter:
    """`2026-Q4` as a Quarter, or InvalidInput saying how to write one."""
    cleaned = text.strip().upper() if isinstance(text, str) else ""
    match = QUARTER_PATTERN.match(cleaned)
    if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise InvalidInput(
            {
                "quarter": f"{text!s:.20} is not a quarter: write the year and the quarter number 1 to 4, "
                "such as 2026-Q4."
            }
        )
    return Quarter(int(match.group(1)), int(match.group(2)))


def canonical(content: dict[str, Any]) -> bytes:
    """The bytes the checksum covers: keys sorted, no spaces, UTF-8, so any database gives the same bytes."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def checksum(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def is_intact(snapshot: Snapshot) -> bool:
    try:
        return (
            checksum(snapshot.content) == snapshot.checksum
            and snapshot.content.get("quarter") == snapshot.quarter
        )
    except (TypeError, ValueError, AttributeError):
        return False


def _day(value: date | datetime | str) -> str:
    day = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{day:%-d %b %Y}"


def verified(snapshot: Snapshot) -> Snapshot:
    """The snapshot, if its content still matches its checksum; else a clear refusal."""
    if not is_intact(snapshot):
        raise SnapshotTampered(
            f"The snapshot of {snapshot.quarter} taken on {_day(snapshot.taken_at)} fails its integrity check: "
            "its content no longer matches the checksum recorded when it was taken, so it may have been "
            "altered. It is not shown or exported. Take the quarter again (replace) to record a trustworthy one."
        )
    return snapshot


def _current_of(session: Session, quarter: Quarter) -> Snapshot | None:
    return session.exec(
        select(Snapshot).where(Snapshot.quarter == quarter.label, Snapshot.status == SnapshotStatus.current)
    ).first()


def get_snapshot(session: Session, quarter: str) -> Snapshot:
    """The current, verified snapshot of a quarter."""
    wanted = parse_quarter(quarter)
    snapshot = _read_verified(
        session, and_(Snapshot.quarter == wanted.label, Snapshot.status == SnapshotStatus.current)
    )
    if snapshot is None:
        taken = sorted({s for s in session.exec(select(Snapshot.quarter)).all()})
        listing = f" Snapshots exist for {', '.join(taken)}." if taken else " No snapshot has been taken yet."
        raise NotFound(f"There is no snapshot of {wanted.label}.{listing}")
    return snapshot


def _read_verified(session: Session, where: Any) -> Snapshot | None:
    """The first snapshot `where` picks, verified, as a detached record to read (snapshots never change).
    Its stored text is read once, parsed once, and checked in full only when that text has not been checked
    before (see `_check_stored`)."""
    row = (
        session.connection()
        .execute(
            select(
                Snapshot.id,
                Snapshot.quarter,
                Snapshot.taken_at,
                Snapshot.taken_by_id,
                Snapshot.status,
                Snapshot.checksum,
                cast(Snapshot.content, Text).label("stored"),
            )
            .where(where)
            .order_by(col(Snapshot.quarter).desc(), col(Snapshot.taken_at).desc())
            .limit(1)
        )
        .first()
    )
    if row is None:
        return None
    content = _parsed(row.stored)
    snapshot = Snapshot(
        id=row.id,
        quarter=row.quarter,
        taken_at=row.taken_at,
        taken_by_id=row.taken_by_id,
        status=row.status,
        checksum=row.checksum,
        content=content if isinstance(content, dict) else {},
    )
    if not _check_stored(row.id, row.quarter, row.checksum, row.stored, content).intact:
        verified(snapshot)  # raises, saying so
    return snapshot


def get_snapshot_by_id(session: Session, snapshot_id: int) -> Snapshot:
    snapshot = _read_verified(session, Snapshot.id == snapshot_id)
    if snapshot is None:
        raise NotFound(f"There is no snapshot number {snapshot_id}.")
    return snapshot


def previous_snapshot(session: Session, snapshot: Snapshot) -> Snapshot | None:
    """The current snapshot of the latest earlier quarter, verified; None when there is none."""
    return _read_verified(
        session,
        and_(Snapshot.status == SnapshotStatus.current, col(Snapshot.quarter) < snapshot.quarter),
    )


def _as_of(quarter: Quarter, as_of: Any, today: date) -> date:
    if as_of is None:
        # A quarter that has ended stands at its last day; the running quarter at today.
        return min(quarter.last_day, today)
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of.strip())
        except ValueError:
            raise InvalidInput({"as_of": f"{as_of!s:.20} is not a date: write it as 2026-09-30."}) from None
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise InvalidInput({"as_of": "The as-of date must be a date such as 2026-09-30."})
    if not quarter.first_day <= as_of <= quarter.last_day:
        raise InvalidInput(
            {
                "as_of": f"The as-of date {_day(as_of)} is outside {quarter.label} "
                f"({_day(quarter.first_day)} to {_day(quarter.last_day)})."
            }
        )
    if as_of > today:
        raise InvalidInput({"as_of": f"The as-of date {_day(as_of)} is in the future."})
    return as_of


def take_snapshot(
    session: Session,
    actor: Actor,
    quarter: str,
    *,
    as_of: date | str | None = None,
    replace: bool = False,
    at: datetime | None = None,
) -> Snapshot:
    """Freeze the portfolio for `quarter`. Without `as_of`, a quarter that has ended is taken as it stood on its
    last day (from the history) and the running quarter as it stands now. Taking a quarter again needs
    `replace`; the earlier snapshot stays, marked superseded."""
    require_role(session, actor, Role.approver, "take quarterly snapshots")
    wanted = parse_quarter(quarter)
    now = at or utc_now()
    today = now.date()
    if wanted.first_day > today:
        raise RuleViolation(
            f"{wanted.label} has not started yet (it begins on {_day(wanted.first_day)}), so there is nothing to freeze."
        )
    day = _as_of(wanted, as_of, today)
    existing = _current_of(session, wanted)
    if existing is not None and not replace:
        raise Conflict(
            f"A snapshot of {wanted.label} was already taken on {_day(existing.taken_at)}. Snapshots are never "
            "changed; to record a new one, take it again with replace, and the earlier one is kept, marked "
            "superseded."
        )
    state = current_state(session, today) if day == today else state_as_of(session, day)
    if not state.cases:
        raise RuleViolation(
            f"There is no data for {wanted.label}: no use case had been proposed by {_day(day)}."
        )
    content = build_content(
        session,
        state,
        Period(start=wanted.first_day, end=wanted.last_day, as_of=day),
        quarter=wanted.label,
        taken_at=now,
        taken_by=actor.name,
    )
    if existing is not None:
        existing.status = SnapshotStatus.superseded
        session.add(existing)
        session.flush()
        record_event(
            session,
            actor,
            "snapshot.superseded",
            "snapshot",
            existing.id,
            before={"status": SnapshotStatus.current.value},
            after={"status": SnapshotStatus.superseded.value},
        )
    snapshot = Snapshot(
        quarter=wanted.label,
        taken_at=now,
        taken_by_id=actor.id,
        status=SnapshotStatus.current,
        content=content,
        checksum=checksum(content),
    )
    session.add(snapshot)
    session.flush()
    record_event(
        session,
        actor,
        "snapshot.taken",
        "snapshot",
        snapshot.id,
        after={
            "quarter": wanted.label,
            "as_of": content["as_of"],
            "checksum": snapshot.checksum,
            "use_cases": content["totals"]["use_cases"],
            "replaces": existing.id if existing is not None else None,
        },
    )
    return snapshot


LIST_COLUMNS = ["id", "quarter", "as_of", "taken_at", "taken_by", "status", "intact", "checksum"]


@dataclass(frozen=True)
class _Checked:
    intact: bool
    as_of: date | None
    taken_by: str | None


# What a full check found for a snapshot's stored text, by its id, quarter, recorded checksum and the SHA-256
# of that text (the check covers all four): listing the snapshots
# then reads each one's text and hashes it (milliseconds) instead of parsing and re-serialising every
# quarter's content (seconds each at ten thousand use cases). Any change to the stored text changes its hash,
# so an altered snapshot is always checked again in full.
_CHECKED_LIMIT = 256
_checked: OrderedDict[tuple[int, str, str, str], _Checked] = OrderedDict()
_checked_lock = Lock()


def _parsed(stored: str | None) -> Any:
    try:
        return json.loads(stored) if stored else {}
    except ValueError:
        return None


def _digest(stored: str | None) -> str:
    return hashlib.sha256((stored or "").encode("utf-8")).hexdigest()


def _check_stored(
    snapshot_id: int, quarter: str, recorded: str, stored: str | None, parsed: Any = None, digest: str = ""
) -> _Checked:
    """What a full check of the stored text finds, remembered by the text's hash. `parsed`: the stored text
    already parsed by the caller, if it was; `digest`: its hash, if already computed."""
    found = (snapshot_id, quarter, recorded, digest or _digest(stored))
    with _checked_lock:
        if found in _checked:
            _checked.move_to_end(found)
            return _checked[found]
    content = parsed if parsed is not None else _parsed(stored)
    if not isinstance(content, dict):
        checked = _Checked(False, None, None)
    else:
        as_of = content.get("as_of")
        checked = _Checked(
            intact=is_intact(Snapshot(quarter=quarter, checksum=recorded, content=content)),
            as_of=date.fromisoformat(as_of) if isinstance(as_of, str) else None,
            taken_by=content.get("taken_by"),
        )
    with _checked_lock:
        _checked[found] = checked
        while len(_checked) > _CHECKED_LIMIT:
            _checked.popitem(last=False)
    return checked


def forget_checks() -> None:
    """Drop every remembered check (the benchmark measures a first visit after start)."""
    with _checked_lock:
        _checked.clear()


@dataclass(frozen=True)
class StoredState:
    """A snapshot as it is stored right now: its record, the SHA-256 of its stored text (so anything derived
    from the snapshot can be remembered by the exact text it came from), and what the full check found."""

    id: int
    quarter: str
    taken_at: datetime
    status: str
    checksum: str
    digest: str
    intact: bool
    as_of: date | None
    taken_by: str | None
    # The verified content, when this read parsed the stored text for its check (the first look at that text
    # in this process), so what is derived from it next need not parse 20 MB again; None otherwise.
    content: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def identity(self) -> tuple[int, str, str, str]:
        """Everything the integrity check covers: the same identity means the same verified content."""
        return (self.id, self.quarter, self.checksum, self.digest)


def stored_states(session: Session, ids: Sequence[int] | None = None) -> list[StoredState]:
    """Every snapshot (or those of `ids`), newest quarter first, each stored text read and hashed once."""
    query = select(
        Snapshot.id,
        Snapshot.quarter,
        Snapshot.taken_at,
        Snapshot.status,
        Snapshot.checksum,
        cast(Snapshot.content, Text).label("stored"),
    ).order_by(col(Snapshot.quarter).desc(), col(Snapshot.taken_at).desc())
    if ids is not None:
        query = query.where(col(Snapshot.id).in_(list(ids)))
    states = []
    for row in session.connection().execute(query):
        digest = _digest(row.stored)
        with _checked_lock:
            seen = (row.id, row.quarter, row.checksum, digest) in _checked
        content = None if seen else _parsed(row.stored)
        checked = _check_stored(row.id, row.quarter, row.checksum, row.stored, content, digest)
        states.append(
            StoredState(
                id=row.id,
                quarter=row.quarter,
                taken_at=row.taken_at,
                status=row.status,
                checksum=row.checksum,
                digest=digest,
                intact=checked.intact,
                as_of=checked.as_of,
                taken_by=checked.taken_by,
                content=content if checked.intact and isinstance(content, dict) else None,
            )
        )
    return states


def previous_state(states: Sequence[StoredState], state: StoredState) -> StoredState | None:
    """The current snapshot of the latest quarter before `state`'s, among `states` (newest first, as
    `stored_states` orders them): the one `previous_snapshot` reads."""
    return next((s for s in states if s.status == SnapshotStatus.current and s.quarter < state.quarter), None)


def list_snapshots(session: Session, states: Sequence[StoredState] | None = None) -> pd.DataFrame:
    """Every snapshot, newest quarter first, with whether its checksum still holds (from `states` when the
    caller has just read them)."""
    return frames.frame(
        [
            (s.id, s.quarter, s.as_of, s.taken_at, s.taken_by, s.status, s.intact, s.checksum)
            for s in (stored_states(session) if states is None else states)
        ],
        LIST_COLUMNS,
    )
