"""The stage machine: which moves exist and what each needs. Pure; services enforce it for the app, the CLI
and imports alike.

Forward moves go one stage at a time. Moving back is allowed only one stage, as an explicit decision with a
reason. Rejected (from proposal or assessment) and Stopped (a pilot or later stage ended early) are exits."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from portfolio.errors import RuleViolation
from portfolio.models.enums import AiActTier, Gate, Role, Stage


class Requirement(StrEnum):
    nothing = "nothing"
    scored = "scored"  # into Assessed: at least one assessment
    gate_go = "gate_go"  # into Pilot, Scale-up, Production: a recorded go at that gate
    lesson = "lesson"  # into Stopped: a lesson written in the same step
    reason = "reason"  # a step back or a rejection: a written reason


FORWARD: dict[Stage, Stage] = {
    Stage.proposed: Stage.assessed,
    Stage.assessed: Stage.pilot,
    Stage.pilot: Stage.scale_up,
    Stage.scale_up: Stage.production,
    Stage.production: Stage.retired,
}
BACK: dict[Stage, Stage] = {
    Stage.assessed: Stage.proposed,
    Stage.pilot: Stage.assessed,
    Stage.scale_up: Stage.pilot,
    Stage.production: Stage.scale_up,
}
GATE_INTO: dict[Stage, Gate] = {
    Stage.pilot: Gate.pilot,
    Stage.scale_up: Gate.scale_up,
    Stage.production: Gate.production,
}
STAGE_AFTER_GATE: dict[Gate, Stage] = {gate: stage for stage, gate in GATE_INTO.items()}
REJECTABLE = {Stage.proposed, Stage.assessed}
STOPPABLE = {Stage.pilot, Stage.scale_up, Stage.production}
TERMINAL = {Stage.retired, Stage.rejected, Stage.stopped}
ACTIVE = (Stage.proposed, Stage.assessed, Stage.pilot, Stage.scale_up, Stage.production)
PILOT_PURGATORY_DAYS = 180  # a pilot older than this without a scale or stop decision is flagged
DEFAULT_STAGE_LIMITS: dict[Stage, int] = {
    Stage.proposed: 60,
    Stage.assessed: 90,
    Stage.pilot: PILOT_PURGATORY_DAYS,
    Stage.scale_up: 180,
}


@dataclass(frozen=True)
class Move:
    source: Stage
    target: Stage
    requirement: Requirement
    gate: Gate | None = None


def plan_move(source: Stage | str, target: Stage | str) -> Move:
    """The move from `source` to `target` and what it needs, or RuleViolation saying why it is not allowed."""
    try:
        source, target = Stage(source), Stage(target)
    except (ValueError, TypeError):
        raise RuleViolation(f"Unknown stage. Choose one of: {', '.join(s.label for s in Stage)}.") from None
    if source == target:
        raise RuleViolation(f"The use case is already in {source.label}.")
    if source in TERMINAL:
        raise RuleViolation(f"A use case in {source.label} is closed and cannot move to {target.label}.")
    if FORWARD.get(source) == target:
        if target in GATE_INTO:
            return Move(source, target, Requirement.gate_go, GATE_INTO[target])
        if target == Stage.assessed:
            return Move(source, target, Requirement.scored)
        return Move(source, target, Requirement.nothing)
    if BACK.get(source) == target:
        return Move(source, target, Requirement.reason)
    if target == Stage.rejected and source in REJECTABLE:
        return Move(source, target, Requirement.reason)
    if target == Stage.stopped and source in STOPPABLE:
        return Move(source, target, Requirement.lesson)
    if target == Stage.rejected:
        raise RuleViolation(
            f"Only a proposed or assessed use case can be rejected; stop a {source.label} one instead."
        )
    if target == Stage.stopped:
        raise RuleViolation(
            "Only a pilot, scale-up or production use case can be stopped; reject it instead."
        )
    expected = FORWARD.get(source)
    raise RuleViolation(
        f"A use case cannot go from {source.label} to {target.label}: stages are not skipped. "
        f"The next stage is {expected.label if expected else 'none'}."
    )


def may_enter_pilot(tier: AiActTier | str | None) -> bool:
    return tier != AiActTier.prohibited


def stage_flags(
    stage: Stage | str,
    days_in_stage: int,
    limits: dict[Stage, int],
    *,
    decision_on: date | None = None,
    paused: bool = False,
    today: date,
) -> list[str]:
    """Why a use case needs attention, most urgent first."""
    stage = Stage(stage)
    flags = []
    if stage == Stage.pilot and decision_on is not None and decision_on < today:
        flags.append(f"Decision overdue since {decision_on:%-d %b %Y}")
    limit = limits.get(stage)
    if limit is not None and days_in_stage > limit:
        flags.append(
            f"Pilot purgatory: {days_in_stage} days in pilot (limit {limit})"
            if stage == Stage.pilot
            else f"Over the {limit}-day limit for {stage.label}: {days_in_stage} days"
        )
    if stage == Stage.pilot and paused:
        flags.append("Paused")
    return flags


def next_actions(stage: Stage | str, *, scored: bool) -> list[str]:
    """What may be done next from this stage (the board offers these)."""
    return {
        Stage.proposed: ["assess", "reject"] if scored else ["reject"],
        Stage.assessed: ["gate", "reject"],
        Stage.pilot: ["review", "gate", "stop"],
        Stage.scale_up: ["gate", "stop"],
        Stage.production: ["retire", "stop"],
    }.get(Stage(stage), [])


# Who may take each of the board's actions: marking as assessed is the team's step, the rest are decisions.
ACTION_ROLE: dict[str, Role] = {
    "assess": Role.contributor,
    "reject": Role.approver,
    "gate": Role.approver,
    "review": Role.approver,
    "stop": Role.approver,
    "retire": Role.approver,
}
