"""Moving a use case between stages: the recorded stage change every move makes, and the moves that need no
gate decision or lesson."""

from datetime import datetime

from sqlmodel import Session

from portfolio import lifecycle
from portfolio.errors import InvalidInput, RuleViolation
from portfolio.models import GateDecision, Role, Stage, StageChange, UseCase, utc_now
from portfolio.services.audit import Actor, record_event
from portfolio.services.people import require_role
from portfolio.services.use_cases.records import get_use_case
from portfolio.validation import check_moment, reason_text


def change_stage(
    session: Session,
    actor: Actor,
    use_case: UseCase,
    target: Stage,
    *,
    reason: str,
    gate_decision: GateDecision | None = None,
    at: datetime | None = None,
) -> None:
    """Move a use case, recording the change. Callers have checked the move's requirement."""
    before = {"stage": use_case.stage, "stage_entered_at": use_case.stage_entered_at}
    now = at or utc_now()
    if now < use_case.stage_entered_at:
        raise RuleViolation(f"{use_case.key} entered its current stage after that date; check the date.")
    session.add(
        StageChange(
            use_case_id=use_case.id,
            from_stage=use_case.stage,
            to_stage=target,
            changed_at=now,
            changed_by_id=actor.id,
            reason=reason,
            gate_decision_id=gate_decision.id if gate_decision else None,
        )
    )
    use_case.stage = target
    use_case.stage_entered_at = now
    session.add(use_case)
    session.flush()
    record_event(
        session,
        actor,
        "use_case.stage_changed",
        "use_case",
        use_case.key,
        before=before,
        after={"stage": target, "stage_entered_at": now, "reason": reason},
    )


def move_stage(
    session: Session,
    actor: Actor,
    key: str,
    target: Stage | str,
    *,
    reason: str = "",
    at: datetime | None = None,
) -> UseCase:
    """Moves that need no gate decision or lesson: into Assessed, back one stage, Rejected, Retired.
    Gate moves go through `gates.record_gate_decision`, stopping through `lessons.stop_with_lesson`."""
    use_case = get_use_case(session, key)
    move = lifecycle.plan_move(use_case.stage, target)
    reason = reason_text(reason)
    at = check_moment(at, "at", "The date of the move")
    if move.requirement == lifecycle.Requirement.gate_go:
        raise RuleViolation(
            f"Moving into {move.target.label} needs a gate decision: record a go at the {move.gate.label} gate."
        )
    if move.requirement == lifecycle.Requirement.lesson:
        raise RuleViolation(
            "Stopping needs a lesson: write what was tried, what happened and what you would do differently."
        )
    # Decisions (rejecting, retiring, stepping back) belong to approvers; marking as assessed to the team.
    if move.requirement == lifecycle.Requirement.reason or move.target == Stage.retired:
        require_role(session, actor, Role.approver, f"move a use case to {move.target.label}")
        if not reason:
            raise InvalidInput({"reason": f"Write why {use_case.key} goes to {move.target.label}."})
    else:
        require_role(session, actor, Role.contributor, "move use cases")
    if move.requirement == lifecycle.Requirement.scored and use_case.reviewer_count == 0:
        raise RuleViolation(
            f"{use_case.key} has no scores yet: a reviewer must score it before it counts as assessed."
        )
    change_stage(session, actor, use_case, move.target, reason=reason or move.target.label, at=at)
    return use_case
