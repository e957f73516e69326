"""Gate decisions (go, no-go or hold at the Pilot, Scale-up and Production gates), their checklists, pilot
charters and pilot reviews."""

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any

import pandas as pd
from pydantic import Field, model_validator
from sqlmodel import Session, col, select

from portfolio import checklist, frames, labels, lifecycle
from portfolio.errors import InvalidInput, NotFound, RuleViolation
from portfolio.kpis import status_of
from portfolio.models import (
    ChecklistItem,
    Gate,
    GateDecision,
    GateOutcome,
    Kpi,
    PilotCharter,
    PilotDecision,
    PilotReview,
    Role,
    Stage,
    UseCase,
    utc_now,
)
from portfolio.models.tables import LONG, SHORT
from portfolio.services.audit import SYSTEM, Actor, as_record, record_event
from portfolio.services.people import require_role
from portfolio.services.use_cases import change_stage, get_use_case
from portfolio.validation import Day, Input, ItemKey, LongText, choice, validate

# --- checklists, configurable by an administrator -----------------------------------------------------------


def ensure_default_checklists(session: Session) -> None:
    if session.exec(select(ChecklistItem.id)).first() is not None:
        return
    for gate, items in checklist.DEFAULT_CHECKLISTS.items():
        for position, item in enumerate(items):
            session.add(
                ChecklistItem(
                    gate=gate,
                    key=item.key,
                    label=item.label,
                    rule=item.rule,
                    applies_to=item.applies_to,
                    position=position,
                )
            )
    record_event(
        session, SYSTEM, "checklists.created", "checklist", "all", after={"gates": [g.value for g in Gate]}
    )


def checklist_items(
    session: Session, gate: Gate | str, *, active_only: bool = True
) -> list[checklist.ItemSpec]:
    query = select(ChecklistItem).where(ChecklistItem.gate == Gate(gate)).order_by(ChecklistItem.position)
    if active_only:
        query = query.where(ChecklistItem.is_active)
    return [checklist.ItemSpec(i.key, i.label, i.rule, i.applies_to) for i in session.exec(query).all()]


def checklist_table(session: Session, gate: Gate | str) -> pd.DataFrame:
    rows = session.exec(
        select(ChecklistItem).where(ChecklistItem.gate == Gate(gate)).order_by(ChecklistItem.position)
    ).all()
    return frames.frame(
        [
            {
                "key": i.key,
                "label": i.label,
                "rule": i.rule,
                "applies_to": i.applies_to,
                "active": i.is_active,
            }
            for i in rows
        ],
        ["key", "label", "rule", "applies_to", "active"],
    )


class ChecklistItemInput(Input):
    key: str = Field(title="Key", min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(title="Item", min_length=1, max_length=SHORT)
    rule: str = Field(default=checklist.MANUAL, title="Checked by")
    applies_to: str = Field(default="always", title="Applies to")
    active: bool = Field(default=True, title="Active")

    @model_validator(mode="after")
    def _known(self) -> "ChecklistItemInput":
        if self.rule != checklist.MANUAL and self.rule not in checklist.RULES:
            raise ValueError(
                {"rule": f"must be 'manual' or one of the automatic checks: {', '.join(checklist.RULES)}"}
            )
        if self.applies_to not in checklist.APPLIES:
            raise ValueError({"applies_to": f"must be one of: {', '.join(checklist.APPLIES)}"})
        return self


def replace_checklist(session: Session, actor: Actor, gate: Gate | str, rows: list[dict[str, Any]]) -> None:
    """Set a gate's checklist. Decisions already taken keep the checklist as it stood at decision time."""
    require_role(session, actor, Role.administrator, "change gate checklists")
    gate = choice(Gate, gate, "gate", "Gate")
    if not isinstance(rows, list | tuple):
        raise InvalidInput({"items": "Give the checklist as a list of items."})
    items, problems = [], {}
    for number, row in enumerate(rows, start=1):
        try:
            items.append(validate(ChecklistItemInput, row))
        except InvalidInput as error:
            problems[f"item {number}"] = f"Item {number}: " + " ".join(error.problems.values())
    keys = [i.key for i in items]
    for duplicate in sorted({k for k in keys if keys.count(k) > 1}):
        problems[duplicate] = f"The key {duplicate} is used twice; every item needs its own key."
    if not items:
        problems["items"] = "A gate needs at least one checklist item."
    if problems:
        raise InvalidInput(problems)
    before = checklist_table(session, gate).to_dict("records")
    for existing in session.exec(select(ChecklistItem).where(ChecklistItem.gate == gate)).all():
        session.delete(existing)
    session.flush()
    for position, item in enumerate(items):
        session.add(
            ChecklistItem(
                gate=gate,
                key=item.key,
                label=item.label,
                rule=item.rule,
                applies_to=item.applies_to,
                is_active=item.active,
                position=position,
            )
        )
    record_event(
        session,
        actor,
        "checklist.changed",
        "checklist",
        gate.value,
        before={"items": before},
        after={"items": [i.model_dump() for i in items]},
    )


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


# --- pilot charters -----------------------------------------------------------------------------------------


class CharterInput(Input):
    hypothesis: str = Field(title="Hypothesis", min_length=1, max_length=LONG)
    scope: str = Field(title="Scope (sites, channels or customers)", min_length=1, max_length=LONG)
    start_on: Day = Field(title="Start date")
    planned_end_on: Day = Field(title="Planned end date")
    decision_on: Day = Field(title="Pilot decision date")
    min_evidence: str = Field(
        title="Minimum evidence before the result counts", min_length=1, max_length=LONG
    )


def _charter_date_problems(start: Any, end: Any, decide: Any) -> dict[str, str]:
    problems = {}
    if isinstance(start, date) and isinstance(end, date) and end <= start:
        problems["planned_end_on"] = "Planned end date must come after the start date."
    if isinstance(end, date) and isinstance(decide, date) and decide < end:
        problems["decision_on"] = "Pilot decision date cannot come before the planned end date."
    return problems


def charter_problems(raw: dict[str, Any]) -> tuple[CharterInput | None, dict[str, str]]:
    """The charter, or every problem with it at once (missing text and dates out of order together)."""
    problems: dict[str, str] = {}
    charter = None
    try:
        charter = validate(CharterInput, raw)
    except InvalidInput as error:
        problems |= error.problems
    if isinstance(raw, dict):
        problems |= _charter_date_problems(
            raw.get("start_on"), raw.get("planned_end_on"), raw.get("decision_on")
        )
    return (None if problems else charter), problems


def charter_of(session: Session, use_case_id: int) -> PilotCharter | None:
    return session.exec(select(PilotCharter).where(PilotCharter.use_case_id == use_case_id)).first()


# --- gate decisions -----------------------------------------------------------------------------------------


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
            _log_review(session, actor, use_case, PilotDecision.scale, data.decided_on, data.rationale)
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


# --- pilot reviews ------------------------------------------------------------------------------------------


def _log_review(
    session: Session,
    actor: Actor,
    use_case: UseCase,
    decision: PilotDecision,
    decided_on: date,
    reason: str,
    **dates: date | None,
) -> PilotReview:
    review = PilotReview(
        use_case_id=use_case.id,
        decision=decision,
        decided_on=decided_on,
        decided_by_id=actor.id,
        reason=reason,
        **dates,
    )
    session.add(review)
    session.flush()
    record_event(session, actor, "pilot_review.recorded", "use_case", use_case.key, after=as_record(review))
    return review


class PilotReviewInput(Input):
    decision: PilotDecision = Field(title="Decision")
    reason: str = Field(title="Reason", min_length=1, max_length=LONG)
    decided_on: Day = Field(title="Decision date")
    new_end_on: Day | None = Field(default=None, title="New end date")
    new_decision_on: Day | None = Field(default=None, title="New decision date")


def extend_or_pause_pilot(session: Session, actor: Actor, key: str, **fields: Any) -> PilotReview:
    """Iterate (extend with a new end and decision date) or pause a pilot. Scaling is a go at the Scale-up
    gate (`record_gate_decision`), stopping needs a lesson (`lessons.stop_with_lesson`); both are logged as
    pilot reviews too."""
    require_role(session, actor, Role.approver, "decide on pilots")
    data = validate(PilotReviewInput, fields)
    use_case = get_use_case(session, key)
    if use_case.stage != Stage.pilot:
        raise RuleViolation(f"{use_case.key} is not in a pilot, so there is no pilot to extend or pause.")
    charter = charter_of(session, use_case.id)
    if charter is None:
        raise NotFound(f"{use_case.key} has no pilot charter; record one with the pilot gate decision.")
    decision = PilotDecision(data.decision)
    if decision in (PilotDecision.scale, PilotDecision.stop):
        raise RuleViolation("Scale with a go at the Scale-up gate; stop with a lesson.")
    if data.decided_on > utc_now().date():
        raise InvalidInput({"decided_on": "Decision date cannot be in the future."})
    if data.new_decision_on is None or data.new_decision_on <= data.decided_on:
        raise InvalidInput(
            {"new_decision_on": "Set a new decision date after today's, so the pilot is decided again."}
        )
    before = as_record(charter)
    if decision == PilotDecision.iterate:
        if data.new_end_on is None or data.new_end_on <= charter.planned_end_on:
            raise InvalidInput(
                {
                    "new_end_on": "An extension needs a new end date after the current one "
                    f"({labels.day(charter.planned_end_on)})."
                }
            )
        if data.new_decision_on < data.new_end_on:
            raise InvalidInput(
                {"new_decision_on": "The new decision date cannot come before the new end date."}
            )
        charter.planned_end_on = data.new_end_on
        charter.extensions += 1
        charter.paused = False
    else:
        charter.paused = True
    charter.decision_on = max(data.new_decision_on, charter.planned_end_on)
    session.add(charter)
    session.flush()
    record_event(
        session,
        actor,
        f"pilot.{decision.value}",
        "use_case",
        use_case.key,
        before=before,
        after=as_record(charter),
    )
    return _log_review(
        session,
        actor,
        use_case,
        decision,
        data.decided_on,
        data.reason,
        new_end_on=data.new_end_on,
        new_decision_on=data.new_decision_on,
    )


def pilot_reviews(session: Session, key: str) -> pd.DataFrame:
    from portfolio.models import Person

    use_case = get_use_case(session, key)
    rows = session.exec(
        select(PilotReview, Person.name)
        .join(Person, Person.id == PilotReview.decided_by_id)
        .where(PilotReview.use_case_id == use_case.id)
        .order_by(col(PilotReview.decided_on).desc())
    ).all()
    return frames.frame(
        [
            {
                "decided_on": r.decided_on,
                "decision": PilotDecision(r.decision).label,
                "by": name,
                "reason": r.reason,
                "new_end_on": r.new_end_on,
                "new_decision_on": r.new_decision_on,
            }
            for r, name in rows
        ],
        ["decided_on", "decision", "by", "reason", "new_end_on", "new_decision_on"],
    )


def charter_for(session: Session, key: str) -> dict[str, Any] | None:
    """The use case's pilot charter as plain values, or None."""
    charter = charter_of(session, get_use_case(session, key).id)
    return as_record(charter) if charter else None
