"""What is waiting for one person: use cases a reviewer has not scored, decisions due for approvers, and the
items a gate hold handed to an accountable owner. Read by the Score page and the Pipeline board, which show the
first few of each list and how many there are: each read fetches only those rows and counts the rest in SQL
(at 10,000 use cases a reviewer can have thousands waiting)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from portfolio import checklist, lifecycle
from portfolio.models import (
    Assessment,
    Gate,
    GateDecision,
    GateOutcome,
    Person,
    PilotCharter,
    Role,
    Stage,
    UseCase,
    utc_now,
)
from portfolio.services.gates import checklist_items, gate_facts
from portfolio.services.people import roles_of
from portfolio.shortlist import Shortlist

SCORED_BEFORE = (Stage.proposed, Stage.assessed)  # scores count before the pilot gate
DUE_WITHIN_DAYS = 14  # a pilot decision this close counts as due
SHOWN = 8  # items of each list a page shows; the rest is counted, and one click away
# A hold is open while its use case still stands just before that gate (it has not moved on or closed since).
STAGE_BEFORE_GATE = {
    gate: stage
    for stage, next_stage in lifecycle.FORWARD.items()
    for gate, after in lifecycle.STAGE_AFTER_GATE.items()
    if next_stage == after
}


@dataclass(frozen=True)
class QueueItem:
    key: str
    title: str
    stage: str
    why: str
    due_on: date | None = None


@dataclass(frozen=True)
class HeldGate:
    """A hold at a gate that is still open: the use case has not passed that gate since."""

    key: str
    title: str
    stage: str
    gate: str
    held_on: date
    decided_by: str
    assigned_to: str | None
    assigned_to_id: int | None
    missing: tuple[str, ...]  # the items unmet at the hold and still unmet now
    resolved: tuple[str, ...]  # the items unmet at the hold and met since


NOTHING: Shortlist[Any] = Shortlist([], 0)


@dataclass(frozen=True)
class WaitingFor:
    to_score: Shortlist[QueueItem] = field(default=NOTHING)
    decisions_due: Shortlist[QueueItem] = field(default=NOTHING)
    assigned: Shortlist["HeldGate"] = field(default=NOTHING)

    @property
    def count(self) -> int:
        return self.to_score.total + self.decisions_due.total + self.assigned.total


def _first(session: Session, query: Select, limit: int | None) -> tuple[list[Any], int]:
    """The first `limit` rows of `query` (all without a limit) and how many it has in all, in one statement."""
    if limit == 0:
        return [], session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    counted = query.add_columns(func.count().over())
    rows = session.exec(counted if limit is None else counted.limit(limit)).all()
    return [tuple(row[:-1]) for row in rows], (rows[0][-1] if rows else 0)


def not_scored_by(session: Session, reviewer_id: int | None, *, limit: int = SHOWN) -> Shortlist[QueueItem]:
    """Use cases before the pilot gate that this reviewer has not scored: the fewest reviewers first, then
    the longest waiting; the first `limit` and their count (one query)."""
    mine = exists().where(Assessment.use_case_id == UseCase.id, Assessment.reviewer_id == reviewer_id)
    rows, total = _first(
        session,
        select(UseCase.key, UseCase.title, UseCase.stage, UseCase.reviewer_count)
        .where(col(UseCase.stage).in_(SCORED_BEFORE), ~mine)
        .order_by(UseCase.reviewer_count, UseCase.stage_entered_at, UseCase.key),
        limit,
    )
    items = [
        QueueItem(
            key,
            title,
            stage,
            "Not scored yet"
            if count == 0
            else f"Scored by {count} reviewer{'s' if count != 1 else ''} so far",
        )
        for key, title, stage, count in rows
    ]
    return Shortlist(items, total)


def open_holds(
    session: Session, assigned_to_id: int | None = None, *, key: str | None = None, limit: int | None = None
) -> Shortlist[HeldGate]:
    """Holds not yet followed by another decision at that gate, the oldest first, with the items still
    missing (evaluated now for the first `limit` only); all of them without a limit."""
    latest = (
        select(GateDecision.use_case_id, GateDecision.gate, func.max(GateDecision.id).label("last_id"))
        .group_by(GateDecision.use_case_id, GateDecision.gate)
        .subquery()
    )
    decider, assignee = aliased(Person), aliased(Person)
    query = (
        select(GateDecision, UseCase, decider.name, assignee.name)
        .join(latest, latest.c.last_id == GateDecision.id)
        .join(UseCase, UseCase.id == GateDecision.use_case_id)
        .join(decider, decider.id == GateDecision.decided_by_id)
        .join(assignee, assignee.id == GateDecision.assigned_to_id, isouter=True)
        .where(
            GateDecision.outcome == GateOutcome.hold,
            or_(
                *(
                    and_(GateDecision.gate == gate, UseCase.stage == stage)
                    for gate, stage in STAGE_BEFORE_GATE.items()
                )
            ),
        )
        .order_by(GateDecision.decided_on, GateDecision.id)
    )
    if assigned_to_id is not None:
        query = query.where(GateDecision.assigned_to_id == assigned_to_id)
    if key is not None:
        query = query.where(UseCase.key == key)
    rows, total = _first(session, query, limit)
    held = []
    for decision, use_case, decided_by, assigned_to in rows:
        gate = Gate(decision.gate)
        unmet_then = [i for i in decision.checklist if not i.get("met") and i.get("key") != "pilot_charter"]
        now = {
            r.key: r.met
            for r in checklist.evaluate(checklist_items(session, gate), gate_facts(session, use_case))
        }
        held.append(
            HeldGate(
                key=use_case.key,
                title=use_case.title,
                stage=use_case.stage,
                gate=gate.value,
                held_on=decision.decided_on,
                decided_by=decided_by,
                assigned_to=assigned_to,
                assigned_to_id=decision.assigned_to_id,
                missing=tuple(i["item"] for i in unmet_then if not now.get(i["key"], False)),
                resolved=tuple(i["item"] for i in unmet_then if now.get(i["key"], False)),
            )
        )
    return Shortlist(held, total)


def hold_for(session: Session, key: str) -> HeldGate | None:
    """The open hold on one use case, if any."""
    return next(iter(open_holds(session, key=key).shown), None)


def decisions_due(session: Session, *, today: date | None = None, limit: int = SHOWN) -> Shortlist[QueueItem]:
    """For approvers: pilots whose decision date has come or comes within two weeks, the most urgent first,
    then holds to decide again; the first `limit` and their count."""
    today = today or utc_now().date()
    pilots, pilot_count = _first(
        session,
        select(UseCase.key, UseCase.title, PilotCharter.decision_on, PilotCharter.paused)
        .join(PilotCharter, PilotCharter.use_case_id == UseCase.id)
        .where(
            UseCase.stage == Stage.pilot,
            PilotCharter.decision_on <= today + timedelta(days=DUE_WITHIN_DAYS),
        )
        .order_by(PilotCharter.decision_on, UseCase.key),
        limit,
    )
    items = [
        QueueItem(
            key,
            title,
            Stage.pilot,
            ("Pilot decision overdue" if decision_on < today else "Pilot decision due")
            + (" (paused)" if paused else ""),
            decision_on,
        )
        for key, title, decision_on, paused in pilots
    ]
    # Holds follow the pilots: read (and their checklists evaluated) only where the pilots leave room.
    holds = open_holds(session, limit=limit - len(items))
    for hold in holds.shown:
        why = (
            "On hold: every missing item is now met"
            if not hold.missing
            else f"On hold: {len(hold.missing)} item{'s' if len(hold.missing) != 1 else ''} still missing"
        )
        items.append(QueueItem(hold.key, hold.title, hold.stage, why, hold.held_on))
    return Shortlist(items, pilot_count + holds.total)


def waiting_for(
    session: Session, person_id: int | None, *, today: date | None = None, limit: int = SHOWN
) -> WaitingFor:
    """Everything waiting for this person, by what their roles let them do (as stored): the first `limit` of
    each list and its count."""
    roles = roles_of(session, person_id)
    return WaitingFor(
        to_score=not_scored_by(session, person_id, limit=limit) if Role.reviewer in roles else NOTHING,
        decisions_due=decisions_due(session, today=today, limit=limit) if Role.approver in roles else NOTHING,
        assigned=open_holds(session, person_id, limit=limit) if person_id is not None else NOTHING,
    )
