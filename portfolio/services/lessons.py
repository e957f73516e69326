"""Lessons: what was tried, what happened and what we would do differently, recorded on a use case at any
stage, edited later with a version check; and stopping with one."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator
from sqlmodel import Session

from portfolio import lifecycle
from portfolio.errors import NotFound
from portfolio.models import (
    Lesson,
    LessonCategory,
    LessonOutcome,
    PilotDecision,
    Role,
    Stage,
    UseCase,
    utc_now,
)
from portfolio.models.tables import LONG, SHORT
from portfolio.services.audit import Actor, as_record, record_event, refuse_stale_edit
from portfolio.services.people import require_role
from portfolio.services.use_cases import change_stage, get_use_case
from portfolio.validation import Input, check_moment, reason_text, validate

MAX_TAGS = 20
TAG_LENGTH = 50

Tag = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True)]


class LessonInput(Input):
    title: str = Field(title="Lesson title", min_length=1, max_length=SHORT)
    tried: str = Field(title="What we tried", min_length=1, max_length=LONG)
    happened: str = Field(title="What happened", min_length=1, max_length=LONG)
    outcome: LessonOutcome = Field(title="Outcome")
    category: LessonCategory = Field(title="Category")
    root_cause: str = Field(default="", title="Root cause", max_length=LONG)
    do_differently: str = Field(default="", title="What we would do differently", max_length=LONG)
    tags: list[Tag] = Field(default_factory=list, title="Tags")

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_list(cls, value: Any) -> Any:
        # A form may hand over one comma-separated string.
        return [part for part in value.split(",")] if isinstance(value, str) else value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        tags = sorted({tag for tag in value if tag})
        if len(tags) > MAX_TAGS:
            raise ValueError(f"keep to {MAX_TAGS} tags (there are {len(tags)})")
        if long := [tag for tag in tags if len(tag) > TAG_LENGTH]:
            raise ValueError(f"keep each tag to {TAG_LENGTH} characters; shorten “{long[0][:30]}…”")
        return tags


FIELDS = tuple(LessonInput.model_fields)


def record_lesson(
    session: Session, actor: Actor, key: str, *, at: datetime | None = None, **fields: Any
) -> Lesson:
    """A lesson on a use case at whatever stage it is in. `at` dates a lesson written earlier (the demo)."""
    require_role(session, actor, Role.contributor, "write lessons")
    return _add_lesson(session, actor, get_use_case(session, key), fields, at=at)


def _add_lesson(
    session: Session, actor: Actor, use_case: UseCase, fields: dict[str, Any], *, at: datetime | None = None
) -> Lesson:
    data = validate(LessonInput, fields)
    lesson = Lesson(use_case_id=use_case.id, author_id=actor.id, stage=use_case.stage, **data.model_dump())
    if at is not None:
        lesson.created_at = lesson.updated_at = at
    session.add(lesson)
    session.flush()
    record_event(session, actor, "lesson.recorded", "use_case", use_case.key, after=as_record(lesson))
    return lesson


def get_lesson(session: Session, lesson_id: int) -> Lesson:
    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        raise NotFound("This lesson no longer exists; reload the page.")
    return lesson


def update_lesson(
    session: Session, actor: Actor, lesson_id: int, *, expected_version: int, **changes: Any
) -> Lesson:
    """Change a lesson's text, outcome, category or tags. `expected_version` is the version the editor saw:
    an edit made on an out-of-date page is refused rather than overwriting someone else's change."""
    require_role(session, actor, Role.contributor, "edit lessons")
    lesson = get_lesson(session, lesson_id)
    use_case = session.get(UseCase, lesson.use_case_id)
    key = use_case.key if use_case else str(lesson.use_case_id)
    refuse_stale_edit(
        session,
        current_version=lesson.version,
        expected_version=expected_version,
        what="This lesson",
        entity="use_case",
        entity_id=key,
        actions=("lesson.updated",),
    )
    before = as_record(lesson)
    data = validate(LessonInput, {name: getattr(lesson, name) for name in FIELDS} | changes)
    for name, value in data.model_dump().items():
        setattr(lesson, name, value)
    session.add(lesson)
    session.flush()
    record_event(session, actor, "lesson.updated", "use_case", key, before=before, after=as_record(lesson))
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
    lesson = _add_lesson(session, actor, use_case, lesson_fields, at=at)
    if use_case.stage == Stage.pilot:
        from portfolio.services.gates.pilots import log_pilot_review

        log_pilot_review(
            session,
            actor,
            use_case,
            PilotDecision.stop,
            (at or utc_now()).date(),
            reason or lesson.title,
        )
    change_stage(session, actor, use_case, Stage.stopped, reason=reason or f"Stopped: {lesson.title}", at=at)
    return lesson
