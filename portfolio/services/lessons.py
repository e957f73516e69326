"""Lessons: what was tried, what happened and what we would do differently; and stopping with one."""

from datetime import datetime
from typing import Any

from pydantic import Field
from sqlmodel import Session

from portfolio import lifecycle
from portfolio.models import Lesson, LessonCategory, LessonOutcome, PilotDecision, Role, Stage, utc_now
from portfolio.models.tables import LONG, SHORT
from portfolio.services.audit import Actor, as_record, record_event
from portfolio.services.people import require_role
from portfolio.services.use_cases import change_stage, get_use_case
from portfolio.validation import Input, Tag, check_moment, reason_text, validate


class LessonInput(Input):
    title: str = Field(title="Lesson title", min_length=1, max_length=SHORT)
    tried: str = Field(title="What we tried", min_length=1, max_length=LONG)
    happened: str = Field(title="What happened", min_length=1, max_length=LONG)
    outcome: LessonOutcome = Field(title="Outcome")
    category: LessonCategory = Field(title="Category")
    root_cause: str = Field(default="", title="Root cause", max_length=LONG)
    do_differently: str = Field(default="", title="What we would do differently", max_length=LONG)
    tags: list[Tag] = Field(default_factory=list, title="Tags", max_length=20)


def record_lesson(session: Session, actor: Actor, key: str, **fields: Any) -> Lesson:
    require_role(session, actor, Role.contributor, "write lessons")
    return _add_lesson(session, actor, key, fields)


def _add_lesson(
    session: Session, actor: Actor, key: str, fields: dict[str, Any], at: datetime | None = None
) -> Lesson:
    data = validate(LessonInput, fields)
    use_case = get_use_case(session, key)
    tags = sorted({t.strip().lower() for t in data.tags if t.strip()})
    lesson = Lesson(use_case_id=use_case.id, author_id=actor.id, **(data.model_dump() | {"tags": tags}))
    if at is not None:
        # A stop dated earlier (imports, the demo) dates its lesson with it, so the quarter it belongs to is right.
        lesson.created_at = lesson.updated_at = at
    session.add(lesson)
    session.flush()
    record_event(session, actor, "lesson.recorded", "use_case", use_case.key, after=as_record(lesson))
    return lesson


def stop_with_lesson(
    session: Session, actor: Actor, key: str, *, reason: str, at: datetime | None = None, **lesson_fields: Any
) -> Lesson:
    """Stop a pilot or later stage. The lesson is written in the same step and transaction."""
    require_role(session, actor, Role.approver, "stop a use case")
    use_case = get_use_case(session, key)
    lifecycle.plan_move(use_case.stage, Stage.stopped)  # refuses with the reason unless stopping is allowed
    reason = reason_text(reason)
    at = check_moment(at, "at", "The date of the stop")
    lesson = _add_lesson(session, actor, key, lesson_fields, at)
    if use_case.stage == Stage.pilot:
        from portfolio.services.gates import _log_review

        _log_review(
            session,
            actor,
            use_case,
            PilotDecision.stop,
            (at or utc_now()).date(),
            reason or lesson.title,
        )
    change_stage(session, actor, use_case, Stage.stopped, reason=reason or f"Stopped: {lesson.title}", at=at)
    return lesson
