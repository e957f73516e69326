"""The pipeline: time limits per stage, and the board that shows what needs a decision."""

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from portfolio import frames, lifecycle
from portfolio.errors import InvalidInput
from portfolio.models import Person, PilotCharter, Role, Setting, Stage, UseCase, utc_now
from portfolio.scoring import quadrant
from portfolio.services.audit import Actor, record_event
from portfolio.services.people import require_role
from portfolio.services.use_cases import quadrant_thresholds
from portfolio.validation import shown

STAGE_LIMITS = "stage_limits"
LIMITED_STAGES = (Stage.proposed, Stage.assessed, Stage.pilot, Stage.scale_up)
MAX_LIMIT_DAYS = 3650


def stage_limits(session: Session) -> dict[Stage, int]:
    setting = session.get(Setting, STAGE_LIMITS)
    stored = setting.value if setting else {}
    return {
        stage: int(stored.get(stage.value, lifecycle.DEFAULT_STAGE_LIMITS[stage])) for stage in LIMITED_STAGES
    }


def set_stage_limits(session: Session, actor: Actor, limits: dict[str, object]) -> dict[Stage, int]:
    require_role(session, actor, Role.administrator, "change time limits")
    if not isinstance(limits, dict):
        raise InvalidInput({"limits": "Give a number of days for each stage that has a time limit."})
    problems, clean = {}, {}
    for stage in LIMITED_STAGES:
        value = limits.get(stage.value, lifecycle.DEFAULT_STAGE_LIMITS[stage])
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or int(value) != value
        ):
            problems[stage.value] = (
                f"{stage.label}: the limit must be a whole number of days (got {shown(value)})."
            )
        elif not 1 <= value <= MAX_LIMIT_DAYS:
            problems[stage.value] = (
                f"{stage.label}: the limit must be between 1 and {MAX_LIMIT_DAYS} days (got {value})."
            )
        else:
            clean[stage.value] = int(value)
    unknown = set(limits) - {s.value for s in LIMITED_STAGES}
    for name in sorted(unknown, key=str):
        problems[str(name)] = (
            f"{shown(name)} has no time limit; limits apply to {', '.join(s.label for s in LIMITED_STAGES)}."
        )
    if problems:
        raise InvalidInput(problems)
    before = {s.value: v for s, v in stage_limits(session).items()}
    setting = session.get(Setting, STAGE_LIMITS) or Setting(key=STAGE_LIMITS)
    setting.value = clean
    session.add(setting)
    session.flush()
    record_event(session, actor, "setting.changed", "setting", STAGE_LIMITS, before=before, after=clean)
    return {Stage(k): v for k, v in clean.items()}


@dataclass(frozen=True)
class BoardFilter:
    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    quadrants: tuple[str, ...] = ()


BOARD_COLUMNS = [
    "key",
    "title",
    "stage",
    "owner",
    "team",
    "sector",
    "ai_act_tier",
    "impact",
    "risk",
    "quadrant",
    "reviewers",
    "days_in_stage",
    "limit",
    "decision_on",
    "extensions",
    "paused",
    "decision_overdue",
    "over_limit",
    "flags",
    "flagged",
    "actions",
    "version",
]


def board_query(filters: BoardFilter = BoardFilter()) -> Select:
    """The board's columns for every use case matching the sector, team and tier filters (the quadrant is
    filtered by the caller: it depends on the scoring model's thresholds)."""
    owner = aliased(Person)
    # Plain columns, not ORM objects: building ten thousand entities costs far more than the query.
    query = (
        select(
            UseCase.key,
            UseCase.title,
            UseCase.stage,
            UseCase.team,
            UseCase.sector,
            UseCase.ai_act_tier,
            UseCase.impact_score,
            UseCase.risk_score,
            UseCase.reviewer_count,
            UseCase.stage_entered_at,
            UseCase.version,
            owner.name,
            PilotCharter.decision_on,
            PilotCharter.extensions,
            PilotCharter.paused,
        )
        .outerjoin(owner, owner.id == UseCase.owner_id)
        .join(PilotCharter, PilotCharter.use_case_id == UseCase.id, isouter=True)
    )
    return query.where(*board_conditions(filters))


def board_conditions(filters: BoardFilter) -> list[Any]:
    """The sector, team and tier filters as conditions on use_case."""
    return [
        col(column).in_(values)
        for column, values in (
            (UseCase.sector, filters.sectors),
            (UseCase.team, filters.teams),
            (UseCase.ai_act_tier, filters.tiers),
        )
        if values
    ]


def board_record(
    row: Any, *, today: date, limits: dict[Stage, int], thresholds: tuple[float, float]
) -> dict[str, Any]:
    """One row of `board_query` as the board shows it: days in stage, flags and next actions as of `today`."""
    (
        key,
        title,
        stage,
        team,
        sector,
        tier,
        impact,
        risk,
        reviewers,
        entered_at,
        version,
        owner_name,
        decision_on,
        extensions,
        paused,
    ) = row
    scored = impact is not None
    place = quadrant(impact, risk, *thresholds).value if scored else None
    days = (today - entered_at.date()).days
    in_pilot = stage == Stage.pilot
    limit = limits.get(Stage(stage))
    decision_overdue = in_pilot and decision_on is not None and decision_on < today
    over_limit = limit is not None and days > limit
    flags = lifecycle.stage_flags(
        stage,
        days,
        limits,
        decision_on=decision_on if in_pilot else None,
        paused=bool(paused) and in_pilot,
        today=today,
    )
    return {
        "key": key,
        "title": title,
        "stage": stage,
        "owner": owner_name,
        "team": team,
        "sector": sector,
        "ai_act_tier": tier,
        "impact": impact,
        "risk": risk,
        "quadrant": place,
        "reviewers": reviewers,
        "days_in_stage": days,
        "limit": limit,
        "decision_on": decision_on if in_pilot else None,
        "extensions": extensions or 0,
        "paused": bool(paused) and in_pilot,
        "decision_overdue": decision_overdue,
        "over_limit": over_limit,
        "flags": flags,
        "flagged": decision_overdue or over_limit,
        "actions": lifecycle.next_actions(stage, scored=scored),
        "version": version,
    }


def board(
    session: Session, filters: BoardFilter = BoardFilter(), *, today: date | None = None
) -> pd.DataFrame:
    """Every use case with its flags and next actions, flagged first within each stage (one query). The board
    page reads views.board, which reads only the cards it shows."""
    today = today or utc_now().date()
    limits = stage_limits(session)
    thresholds = quadrant_thresholds(session)
    records = [
        board_record(row, today=today, limits=limits, thresholds=thresholds)
        for row in session.exec(board_query(filters)).all()
    ]
    if filters.quadrants:
        records = [r for r in records if r["quadrant"] in filters.quadrants]
    frame = frames.frame(records, BOARD_COLUMNS)
    return frame.sort_values(["flagged", "days_in_stage"], ascending=[False, False]).reset_index(drop=True)


def flags_for(session: Session, key: str, *, today: date | None = None) -> list[str]:
    """The board's flags for one use case (overdue decision, over the stage's time limit, paused)."""
    from portfolio.services.use_cases import get_use_case

    today = today or utc_now().date()
    use_case = get_use_case(session, key)
    charter = session.exec(select(PilotCharter).where(PilotCharter.use_case_id == use_case.id)).first()
    in_pilot = use_case.stage == Stage.pilot
    return lifecycle.stage_flags(
        use_case.stage,
        (today - use_case.stage_entered_at.date()).days,
        stage_limits(session),
        decision_on=charter.decision_on if charter and in_pilot else None,
        paused=bool(charter and charter.paused and in_pilot),
        today=today,
    )
