"""Reads for the Quarterly snapshots page: the list, one snapshot's board report, two snapshots compared.

A snapshot at ten thousand use cases is some 20 MB of stored text: parsing it and laying out its report takes
seconds. Snapshots never change, so what is derived from one is remembered by the identity of the exact stored
text it came from (id, quarter, recorded checksum, SHA-256 of the text; see `StoredState`). Every visit still
reads and hashes the stored texts, so a snapshot altered in the database behind the app's back has a new
identity and is checked in full again, and refused if the check fails."""

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from threading import Lock
from typing import Any, TypeVar

import pandas as pd
from sqlmodel import Session

from portfolio.errors import InvalidInput, NotFound
from portfolio.reports.board import BoardReport, board_report
from portfolio.reports.compare import Comparison, compare
from portfolio.services.snapshots import (
    StoredState,
    get_snapshot_by_id,
    list_snapshots,
    previous_state,
    stored_states,
)

T = TypeVar("T")

# A handful is enough: a page shows one snapshot and one comparison, and each entry can hold the movements of
# ten thousand use cases.
_REMEMBERED_LIMIT = 8
_remembered: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_remembered_lock = Lock()


def _remembered_or_made(key: tuple[Any, ...], make: Callable[[], T]) -> T:
    with _remembered_lock:
        if key in _remembered:
            _remembered.move_to_end(key)
            return _remembered[key]
    made = make()
    with _remembered_lock:
        _remembered[key] = made
        while len(_remembered) > _REMEMBERED_LIMIT:
            _remembered.popitem(last=False)
    return made


@dataclass(frozen=True)
class SnapshotsPage:
    """Every snapshot as stored now: the listing the page shows, and the states the other reads key on."""

    states: tuple[StoredState, ...]
    listing: pd.DataFrame


def snapshots_page(session: Session) -> SnapshotsPage:
    states = tuple(stored_states(session))
    return SnapshotsPage(states, list_snapshots(session, states))


@dataclass(frozen=True)
class SnapshotView:
    """One verified snapshot as the page shows it: the board report's headlines and lists, and the quarter
    it is compared with."""

    quarter: str
    status: str
    checksum: str
    as_of: date | None
    report: BoardReport


def _states_of(session: Session, states: Sequence[StoredState] | None) -> Sequence[StoredState]:
    return stored_states(session) if states is None else states


def _state(states: Sequence[StoredState], snapshot_id: int) -> StoredState:
    found = next((s for s in states if s.id == snapshot_id), None)
    if found is None:
        raise NotFound(f"There is no snapshot number {snapshot_id}.")
    return found


def _content(session: Session, state: StoredState) -> dict[str, Any]:
    """The state's verified content: as just parsed for its check, else read and verified in full (a snapshot
    that fails its check raises here, whatever was remembered)."""
    if state.content is not None:
        return state.content
    return get_snapshot_by_id(session, state.id).content


def snapshot_view(
    session: Session, snapshot_id: int, states: Sequence[StoredState] | None = None
) -> SnapshotView:
    """The snapshot's board report beside the previous quarter's. `states`: every snapshot's state, when the
    caller has just read them (`snapshots_page`)."""
    states = _states_of(session, states)
    chosen = _state(states, snapshot_id)
    earlier = previous_state(states, chosen)

    def make() -> SnapshotView:
        content = _content(session, chosen)
        previous = _content(session, earlier) if earlier is not None else None
        comparison = None
        if earlier is not None and previous is not None:
            comparison = compare(previous, content)
            # The page compares these two by default: remembered, it is not worked out again just below.
            _remembered_or_made(("compare", earlier.identity, chosen.identity), lambda: comparison)
        as_of = content.get("as_of")
        return SnapshotView(
            chosen.quarter,
            chosen.status,
            chosen.checksum,
            date.fromisoformat(as_of) if isinstance(as_of, str) else None,
            board_report(content, chosen.checksum, previous, comparison),
        )

    if not chosen.intact or (earlier is not None and not earlier.intact):
        return make()  # raises, saying which snapshot fails its check
    return _remembered_or_made(
        ("view", chosen.identity, earlier.identity if earlier is not None else None), make
    )


def compare_snapshots(
    session: Session, first_id: int, second_id: int, states: Sequence[StoredState] | None = None
) -> Comparison:
    """Two verified snapshots compared, the earlier quarter first whatever the order given."""
    if first_id == second_id:
        raise InvalidInput({"snapshot": "Choose two different snapshots to compare."})
    states = _states_of(session, states)
    earlier, later = sorted(
        (_state(states, first_id), _state(states, second_id)), key=lambda s: (s.quarter, s.taken_at)
    )

    def make() -> Comparison:
        return compare(_content(session, earlier), _content(session, later))

    if not (earlier.intact and later.intact):
        return make()  # raises, saying which snapshot fails its check
    return _remembered_or_made(("compare", earlier.identity, later.identity), make)


def forget_remembered() -> None:
    """Drop every remembered report and comparison (the benchmark measures a first visit after start)."""
    with _remembered_lock:
        _remembered.clear()
