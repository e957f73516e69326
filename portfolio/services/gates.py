"""Gate decisions: go, no-go or hold at the Pilot, Scale-up and Production gates."""

from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import Field
from sqlmodel import Session

from portfolio import lifecycle
from portfolio.errors import InvalidInput, RuleViolation
from portfolio.models import Gate, GateDecision, GateOutcome, Role, Stage, utc_now
from portfolio.models.tables import LONG
from portfolio.services.audit import Actor, as_record, record_event
from portfolio.services.people import require_role
from portfolio.services.use_cases import change_stage, get_use_case
from portfolio.validation import Input, validate


class GateDecisionInput(Input):
    gate: Gate = Field(title="Gate")
    outcome: GateOutcome = Field(title="Decision")
    rationale: str = Field(title="Rationale", min_length=1, max_length=LONG)
    decided_on: date = Field(title="Decision date")
    checklist: list[dict[str, Any]] = Field(default_factory=list, title="Checklist")
    overrides: list[dict[str, Any]] = Field(default_factory=list, title="Overrides")
    reject_on_no_go: bool = Field(default=False, title="Reject on no-go")


def record_gate_decision(session: Session, actor: Actor, key: str, **fields: Any) -> GateDecision:
    """Record a decision; a go moves the use case through the gate, a no-go may reject it."""
    require_role(session, actor, Role.approver, "record gate decisions")
    data = validate(GateDecisionInput, fields)
    if data.decided_on > utc_now().date():
        raise InvalidInput({"decided_on": "Decision date cannot be in the future."})
    use_case = get_use_case(session, key)
    target = lifecycle.STAGE_AFTER_GATE[Gate(data.gate)]
    move = lifecycle.plan_move(use_case.stage, target)
    if move.requirement != lifecycle.Requirement.gate_go:
        raise RuleViolation(
            f"{use_case.key} is in {Stage(use_case.stage).label}; the {Gate(data.gate).label} gate is not next."
        )
    if (
        data.outcome == GateOutcome.go
        and target == Stage.pilot
        and not lifecycle.may_enter_pilot(use_case.ai_act_tier)
    ):
        raise RuleViolation(
            f"{use_case.key} is classed as a prohibited practice under the EU AI Act and can never enter a pilot."
        )
    for item in data.overrides:
        if not str(item.get("reason", "")).strip():
            raise InvalidInput({"overrides": "Every override needs a written reason."})
    decision = GateDecision(
        use_case_id=use_case.id,
        gate=data.gate,
        outcome=data.outcome,
        decided_by_id=actor.id,
        decided_on=data.decided_on,
        rationale=data.rationale,
        checklist=data.checklist,
        overrides=data.overrides,
    )
    session.add(decision)
    session.flush()
    record_event(
        session, actor, "gate_decision.recorded", "use_case", use_case.key, after=as_record(decision)
    )
    # The move takes effect on the decision date (a decision dated today: now).
    at = (
        None
        if data.decided_on == utc_now().date()
        else datetime.combine(data.decided_on, time(12), tzinfo=UTC)
    )
    if data.outcome == GateOutcome.go:
        change_stage(
            session,
            actor,
            use_case,
            target,
            reason=f"Go at the {Gate(data.gate).label} gate",
            gate_decision=decision,
            at=at,
        )
    elif data.outcome == GateOutcome.no_go and data.reject_on_no_go:
        change_stage(
            session,
            actor,
            use_case,
            Stage.rejected,
            reason=f"No-go at the {Gate(data.gate).label} gate",
            gate_decision=decision,
            at=at,
        )
    return decision
