"""What is waiting for one person: use cases a reviewer has not scored, decisions due for approvers, and the
items a gate hold handed to an accountable owner. Read by the Score page, the board and the overview."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import exists, func
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

SCORED_BEFORE = (Stage.proposed, Stage.assessed)  # scores count before the pilot gate
DUE_WITHIN_DAYS = 14  # a pilot decision this close counts as due


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


@dataclass(frozen=True)
class WaitingFor:
    to_score: list[QueueItem] = field(default_factory=list)
    decisions_due: list[QueueItem] = field(default_factory=list)
    assigned: list[HeldGate] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.to_score) + len(self.decisions_due) + len(self.assigned)


def not_scored_by(session: Session, reviewer_id: int | None) -> list[QueueItem]:
    """Use cases before the pilot gate that this reviewer has not scored: the fewest reviewers first, then
    the longest waiting (one query)."""
    mine = exists().where(Assessment.use_case_id == UseCase.id, Assessment.reviewer_id == reviewer_id)
    rows = session.exec(
        select(UseCase.key, UseCase.title, UseCase.stage, UseCase.reviewer_count)
        .where(col(UseCase.stage).in_(SCORED_BEFORE), ~mine)
        .order_by(UseCase.reviewer_count, UseCase.stage_entered_at, UseCase.key)
    ).all()
    return [
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


def open_holds(session: Session, assigned_to_id: int | None = None) -> list[HeldGate]:
    """Holds not yet followed by another decision at that gate, with the items still missing (evaluated now)."""
    latest = (
        select(GateDecision.use_case_id, GateDecision.gate, func.max(GateDecision.id).label("last_id"))
        .group_by(GateDecision.use_case_id, GateDecision.gate)
        .subquery()
    )
    query = (
        select(GateDecision, UseCase, Person.name)
        .join(latest, latest.c.last_id == GateDecision.id)
        .join(UseCase, UseCase.id == GateDecision.use_case_id)
        .join(Person, Person.id == GateDecision.decided_by_id)
        .where(GateDecision.outcome == GateOutcome.hold)
    )
    if assigned_to_id is not None:
        query = query.where(GateDecision.assigned_to_id == assigned_to_id)
    names = dict(session.exec(select(Person.id, Person.name)).all())
    held = []
    for decision, use_case, decided_by in session.exec(query.order_by(GateDecision.decided_on)).all():
        gate = Gate(decision.gate)
        if lifecycle.FORWARD.get(Stage(use_case.stage)) != lifecycle.STAGE_AFTER_GATE[gate]:
            continue  # the use case has moved on (or closed) since the hold
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
                assigned_to=names.get(decision.assigned_to_id),
                assigned_to_id=decision.assigned_to_id,
                missing=tuple(i["item"] for i in unmet_then if not now.get(i["key"], False)),
                resolved=tuple(i["item"] for i in unmet_then if now.get(i["key"], False)),
            )
        )
    return held


def hold_for(session: Session, key: str) -> HeldGate | None:
    """The open hold on one use case, if any."""
    return next((h for h in open_holds(session) if h.key == key), None)


def decisions_due(session: Session, *, today: date | None = None) -> list[QueueItem]:
    """For approvers: pilots whose decision date has come or comes within two weeks, and holds to decide
    again, the most urgent first."""
    today = today or utc_now().date()
    pilots = session.exec(
        select(UseCase.key, UseCase.title, PilotCharter.decision_on, PilotCharter.paused)
        .join(PilotCharter, PilotCharter.use_case_id == UseCase.id)
        .where(
            UseCase.stage == Stage.pilot,
            PilotCharter.decision_on <= today + timedelta(days=DUE_WITHIN_DAYS),
        )
        .order_by(PilotCharter.decision_on)
    ).all()
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
    for hold in open_holds(session):
        why = (
            "On hold: every missing item is now met"
            if not hold.missing
            else f"On hold: {len(hold.missing)} item{'s' if len(hold.missing) != 1 else ''} still missing"
        )
        items.append(QueueItem(hold.key, hold.title, hold.stage, why, hold.held_on))
    return items


def waiting_for(session: Session, person_id: int | None, *, today: date | None = None) -> WaitingFor:
    """Everything waiting for this person, by what their roles let them do (as stored)."""
    roles = roles_of(session, person_id)
    return WaitingFor(
        to_score=not_scored_by(session, person_id) if Role.reviewer in roles else [],
        decisions_due=decisions_due(session, today=today) if Role.approver in roles else [],
        assigned=open_holds(session, person_id) if person_id is not None else [],
    )
