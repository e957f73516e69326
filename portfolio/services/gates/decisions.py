"""Gate decisions: go, no-go or hold at the Pilot, Scale-up and Production gates, with the checklist
evaluated against what is recorded about the use case (and previewed before the decision)."""

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import Field
from sqlmodel import Session, col, select

from portfolio import checklist, lifecycle
from portfolio.errors import InvalidInput, RuleViolation
from portfolio.kpis import status_of
from portfolio.models import (
    Gate,
    GateDecision,
    GateOutcome,
    Kpi,
    PilotCharter,
    PilotDecision,
    Role,
    Stage,
    UseCase,
    utc_now,
)
from portfolio.models.tables import LONG
from portfolio.services.audit import Actor, as_record, record_event
from portfolio.services.gates.checklists import checklist_items
from portfolio.services.gates.pilots import charter_of, charter_problems, log_pilot_review
from portfolio.services.people import require_role
from portfolio.services.use_cases import change_stage, get_use_case
from portfolio.validation import Day, Input, ItemKey, LongText, validate

# --- facts and preview --------------------------------------------------------------------------------------


def gate_facts(session: Session, use_case: UseCase, *, today: date | None = None) -> checklist.GateFacts:
    """What the checklist reads about a use case; KPI statuses as of `today` (default: now)."""
    today = today or utc_now().date()
    kpis = session.exec(
        select(Kpi).where(Kpi.use_case_id == use_case.id, col(Kpi.retired_on).is_(None))
    ).all()
    charter = session.exec(select(PilotCharter.id).where(PilotCharter.use_case_id == use_case.id)).first()
    return checklist.GateFacts(
        reviewers=use_case.reviewer_count,
        owner_named=use_case.owner_id is not None,
        tier=use_case.ai_act_tier,
        customer_facing=use_case.customer_facing,
        decisions_about_people=use_case.decisions_about_people,
        personal_data=bool(use_case.personal_data.strip())
        and use_case.personal_data.strip().lower() not in ("none", "none.", "no"),
        ai_disclosure=use_case.ai_disclosure,
        human_path=use_case.human_path,
        monitoring_owner_named=use_case.monitoring_owner_id is not None,
        charter_recorded=charter is not None,
        kpis=tuple(
            checklist.KpiFacts(
                k.kind,
                k.baseline is not None,
                k.target is not None,
                int(k.latest_on is not None),
                status_of(k, today).value,
            )
            for k in kpis
        ),
    )


def owner_name(session: Session, key: str) -> str:
    """The accountable owner's name: who a hold hands the missing items to."""
    from portfolio.models import Person

    person = session.get(Person, get_use_case(session, key).owner_id)
    return person.name if person else "the accountable owner"


def next_gate(stage: Stage | str) -> Gate | None:
    following = lifecycle.FORWARD.get(Stage(stage))
    return lifecycle.GATE_INTO.get(following) if following else None


def preview_checklist(
    session: Session,
    key: str,
    gate: Gate | str,
    confirmed: dict[str, bool] | None = None,
    charter: dict[str, Any] | None = None,
) -> list[checklist.ItemResult]:
    """The checklist as it would be evaluated if the decision were recorded now: a pilot charter counts as
    recorded when one is on file or `charter` (the draft being entered) is complete and valid."""
    use_case = get_use_case(session, key)
    facts = gate_facts(session, use_case)
    if Gate(gate) == Gate.pilot and charter is not None and not facts.charter_recorded:
        facts = replace(facts, charter_recorded=not charter_problems(charter)[1])
    return checklist.evaluate(checklist_items(session, gate), facts, confirmed)


# --- decisions ----------------------------------------------------------------------------------------------


class GateDecisionInput(Input):
    gate: Gate = Field(title="Gate")
    outcome: GateOutcome = Field(title="Decision")
    rationale: str = Field(title="Rationale", min_length=1, max_length=LONG)
    decided_on: Day = Field(title="Date of this decision")
    confirmed: dict[ItemKey, bool] = Field(default_factory=dict, title="Confirmed items", max_length=100)
    overrides: dict[ItemKey, LongText] = Field(default_factory=dict, title="Override reasons", max_length=100)
    reject_on_no_go: bool = Field(default=False, title="Reject on no-go")
    charter: dict[str, Any] | None = Field(default=None, title="Pilot charter")


def _at(day: date) -> datetime | None:
    """A decision dated today takes effect now; one dated earlier, at noon that day."""
    return None if day == utc_now().date() else datetime.combine(day, time(12), tzinfo=UTC)


def _outcome(value: Any) -> GateOutcome | None:
    try:
        return GateOutcome(value)
    except (ValueError, TypeError):
        return None


def _usable_dict(value: Any) -> dict[str, Any]:
    return {k: v for k, v in value.items() if isinstance(k, str)} if isinstance(value, dict) else {}


def record_gate_decision(session: Session, actor: Actor, key: str, **fields: Any) -> GateDecision:
    """Record a decision at the next gate. A go passes only when every checklist item is met or overridden
    with a written reason, and moves the use case through; a no-go may reject it; a hold keeps it where it is
    and hands the unmet items to the accountable owner.

    Every problem with the input is reported at once, each under the field it belongs to (`charter.<field>`
    for the pilot charter, `override.<item key>` for a missing override), so a form can mark them all."""
    require_role(session, actor, Role.approver, "record gate decisions")
    problems: dict[str, str] = {}
    try:
        data: GateDecisionInput | None = validate(GateDecisionInput, fields)
    except InvalidInput as error:
        data, problems = None, dict(error.problems)
    try:
        gate = Gate(data.gate if data else fields.get("gate"))
    except (ValueError, TypeError):
        raise InvalidInput(problems) from None
    outcome = GateOutcome(data.outcome) if data else _outcome(fields.get("outcome"))
    decided_on = data.decided_on if data else fields.get("decided_on")
    if isinstance(decided_on, date) and decided_on > utc_now().date():
        problems["decided_on"] = "Date of this decision cannot be in the future."
    use_case = get_use_case(session, key)
    target = lifecycle.STAGE_AFTER_GATE[gate]
    lifecycle.plan_move(use_case.stage, target)  # refuses skipping, closed use cases, unknown stages
    go = outcome == GateOutcome.go
    if go and target == Stage.pilot and not lifecycle.may_enter_pilot(use_case.ai_act_tier):
        raise RuleViolation(
            f"{use_case.key} is classed as a prohibited practice under the EU AI Act and can never "
            "enter a pilot."
        )
    charter = None
    if go and gate == Gate.pilot:
        raw_charter = fields.get("charter")
        if not raw_charter:
            problems["charter"] = "A pilot needs its charter: hypothesis, scope, dates and minimum evidence."
        else:
            charter, charter_faults = charter_problems(raw_charter)
            problems |= {f"charter.{name}": message for name, message in charter_faults.items()}
    facts = gate_facts(session, use_case, today=decided_on if isinstance(decided_on, date) else None)
    if charter is not None:
        facts = replace(facts, charter_recorded=True)
    # With invalid input (already in `problems`) the checklist is still evaluated, from what is usable.
    confirmed = data.confirmed if data else _usable_dict(fields.get("confirmed"))
    results = checklist.evaluate(checklist_items(session, gate), facts, confirmed)
    raw_overrides = data.overrides if data else _usable_dict(fields.get("overrides"))
    overrides = {k: v.strip() for k, v in raw_overrides.items() if isinstance(v, str) and v.strip()}
    if go:
        for item in checklist.missing_overrides(results, overrides):
            if item.rule == "pilot_charter" and gate == Gate.pilot:
                continue  # the charter's own fields say what is missing
            problems[f"override.{item.key}"] = (
                f"{item.label}: not met yet. Write why a go is acceptable without it, or meet it first."
            )
    if problems or data is None:
        raise InvalidInput(problems)
    if charter is not None:
        existing = charter_of(session, use_case.id)
        if existing is not None:
            session.delete(existing)
            session.flush()
        session.add(PilotCharter(use_case_id=use_case.id, **charter.model_dump()))
        session.flush()
    held = data.outcome == GateOutcome.hold and any(not r.met for r in results)
    decision = GateDecision(
        use_case_id=use_case.id,
        gate=gate,
        outcome=data.outcome,
        decided_by_id=actor.id,
        decided_on=data.decided_on,
        rationale=data.rationale,
        checklist=[r.as_record() for r in results],
        overrides=[
            {"key": r.key, "item": r.label, "reason": overrides[r.key]}
            for r in results
            if not r.met and r.key in overrides
        ]
        if go
        else [],
        assigned_to_id=use_case.owner_id if held else None,
    )
    session.add(decision)
    session.flush()
    record_event(
        session, actor, "gate_decision.recorded", "use_case", use_case.key, after=as_record(decision)
    )
    if go:
        if gate == Gate.scale_up:
            log_pilot_review(session, actor, use_case, PilotDecision.scale, data.decided_on, data.rationale)
        change_stage(
            session,
            actor,
            use_case,
            target,
            reason=f"Go at the {gate.label} gate",
            gate_decision=decision,
            at=_at(data.decided_on),
        )
    elif data.outcome == GateOutcome.no_go and data.reject_on_no_go:
        change_stage(
            session,
            actor,
            use_case,
            Stage.rejected,
            reason=f"No-go at the {gate.label} gate",
            gate_decision=decision,
            at=_at(data.decided_on),
        )
    return decision
