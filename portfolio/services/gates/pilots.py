"""Pilots: the charter recorded with the go at the pilot gate, and the reviews that extend, pause, scale or
stop a pilot (scaling and stopping are decided elsewhere and logged here)."""

from datetime import date
from typing import Any

import pandas as pd
from pydantic import Field
from sqlmodel import Session, col, select

from portfolio import frames, labels
from portfolio.errors import InvalidInput, NotFound, RuleViolation
from portfolio.models import PilotCharter, PilotDecision, PilotReview, Role, Stage, UseCase, utc_now
from portfolio.models.tables import LONG
from portfolio.services.audit import Actor, as_record, record_event
from portfolio.services.people import require_role
from portfolio.services.use_cases import get_use_case
from portfolio.validation import Day, Input, validate

# --- charters -----------------------------------------------------------------------------------------------


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


# --- reviews ------------------------------------------------------------------------------------------------


def log_pilot_review(
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
    return log_pilot_review(
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
