"""The overview's queries over the history: stages as they stood at a moment, moves and stays between
stages, pilot decisions due and taken, and value as it stood; each filtered and counted in the database."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, and_, bindparam, func, or_, union_all
from sqlmodel import Session, col, select

from portfolio.lifecycle import ACTIVE
from portfolio.models import Kpi, KpiKind, Measurement, PilotCharter, Stage, StageChange, UseCase, UTCDateTime
from portfolio.sql_functions import days_between, utc_day
from portfolio.views.overview_queries import VALUE_UNITS, Scope, rows, scalars


def _stage_at(before: datetime) -> Any:
    """(use_case_id, stage) of every use case that existed just before `before`: its last stage change
    before then. Only use cases whose stage changed since are looked up in the history (ranked there); any
    other use case is still in the stage its last change gave it, which its row keeps, so a quarter's
    comparison reads a few thousand history rows rather than all of them."""
    changed_since = select(StageChange.use_case_id).where(StageChange.changed_at >= before)
    ranked = (
        select(
            StageChange.use_case_id,
            StageChange.to_stage,
            func.row_number()
            .over(
                partition_by=StageChange.use_case_id,
                order_by=(col(StageChange.changed_at).desc(), col(StageChange.id).desc()),
            )
            .label("rank"),
        )
        .where(StageChange.changed_at < before, col(StageChange.use_case_id).in_(changed_since))
        .subquery()
    )
    has_history = select(StageChange.id).where(StageChange.use_case_id == UseCase.id).exists()
    return union_all(
        select(ranked.c.use_case_id, ranked.c.to_stage.label("stage")).where(ranked.c.rank == 1),
        select(UseCase.id.label("use_case_id"), UseCase.stage.label("stage")).where(
            col(UseCase.id).not_in(changed_since), has_history
        ),
    ).subquery()


def counts_by_stage_as_of(session: Session, scope: Scope, before: datetime) -> dict[str, int]:
    """How many use cases were in each stage just before `before`, from the stage history."""
    then = _stage_at(before)
    query = scope.where(
        select(then.c.stage, func.count())
        .join(UseCase, UseCase.id == then.c.use_case_id)
        .group_by(then.c.stage)
    )
    return {stage: n for stage, n in rows(session, query)}


def moves_between(
    session: Session, scope: Scope, start: datetime, end: datetime
) -> list[tuple[str, str, str, datetime]]:
    """(key, from stage, to stage, when) of every move between stages in [start, end)."""
    query = scope.where(
        select(UseCase.key, StageChange.from_stage, StageChange.to_stage, StageChange.changed_at)
        .join(UseCase, UseCase.id == StageChange.use_case_id)
        .where(
            col(StageChange.from_stage).is_not(None),
            StageChange.changed_at >= start,
            StageChange.changed_at < end,
        )
        .order_by(StageChange.changed_at)
    )
    return [tuple(row) for row in rows(session, query)]


def stay_medians_since(
    session: Session, scope: Scope, since: datetime, today: date, stages: Sequence[str]
) -> dict[str, tuple[float, int]]:
    """Stage -> (median days, stays) over every stay in one of `stages` that is current or ended after
    `since`: whole UTC days from entering to leaving, or to `today` for a stay not over. The median is taken
    in the database (the middle stay, or the mean of the two middle ones), so one row per stage travels."""
    # The type keeps SQLite's text timestamps read back as datetimes.
    following = func.lead(StageChange.changed_at, type_=UTCDateTime()).over(
        partition_by=StageChange.use_case_id, order_by=(StageChange.changed_at, StageChange.id)
    )
    stays = (
        select(
            StageChange.use_case_id,
            StageChange.to_stage.label("stage"),
            StageChange.changed_at.label("entered"),
            following.label("left_at"),
        )
    ).subquery()
    until = func.coalesce(utc_day(stays.c.left_at), bindparam(None, today, type_=Date()))
    lengths = scope.where(
        select(stays.c.stage, days_between(until, utc_day(stays.c.entered)).label("days"))
        .join(UseCase, UseCase.id == stays.c.use_case_id)
        .where(
            or_(stays.c.left_at.is_(None), stays.c.left_at >= since),
            col(stays.c.stage).in_(list(stages)),
        )
    ).subquery()
    ranked = select(
        lengths.c.stage,
        lengths.c.days,
        func.row_number().over(partition_by=lengths.c.stage, order_by=lengths.c.days).label("position"),
        func.count().over(partition_by=lengths.c.stage).label("stays"),
    ).subquery()
    middle = or_(
        ranked.c.position == (ranked.c.stays + 1) // 2, ranked.c.position == (ranked.c.stays + 2) // 2
    )
    query = (
        select(ranked.c.stage, func.avg(ranked.c.days), func.max(ranked.c.stays))
        .where(middle)
        .group_by(ranked.c.stage)
    )
    return {stage: (float(days), int(stays)) for stage, days, stays in rows(session, query)}


def pilot_exits_between(
    session: Session, scope: Scope, start: datetime, end: datetime
) -> list[tuple[str, datetime, date | None]]:
    """(key, when it left the pilot stage, its charter's decision date) for pilots left in [start, end)."""
    query = scope.where(
        select(UseCase.key, StageChange.changed_at, PilotCharter.decision_on)
        .join(UseCase, UseCase.id == StageChange.use_case_id)
        .join(PilotCharter, PilotCharter.use_case_id == UseCase.id, isouter=True)
        .where(
            StageChange.from_stage == Stage.pilot,
            StageChange.changed_at >= start,
            StageChange.changed_at < end,
        )
    )
    return [tuple(row) for row in rows(session, query)]


def pilots_overdue_at(session: Session, scope: Scope, before: datetime, due_before: date) -> list[str]:
    """Keys of use cases in pilot just before `before` whose decision date was before `due_before`."""
    then = _stage_at(before)
    query = scope.where(
        select(UseCase.key)
        .join(then, then.c.use_case_id == UseCase.id)
        .join(PilotCharter, PilotCharter.use_case_id == UseCase.id)
        .where(then.c.stage == Stage.pilot, PilotCharter.decision_on < due_before)
    )
    return scalars(session, query)


def stopped_between(session: Session, scope: Scope, start: datetime, end: datetime) -> list[str]:
    query = scope.where(
        select(UseCase.key)
        .join(StageChange, StageChange.use_case_id == UseCase.id)
        .where(
            StageChange.to_stage == Stage.stopped,
            StageChange.changed_at >= start,
            StageChange.changed_at < end,
        )
        .distinct()
    )
    return scalars(session, query)


def value_as_of(
    session: Session, scope: Scope, before: datetime, day: date
) -> list[tuple[str, float | None, float | None, str | None, float | None]]:
    """As `value_now`, for the use cases active just before `before`, with each value KPI's latest
    measurement on or before `day`. Reads the measurements of value KPIs only."""
    stage_then = _stage_at(before)
    # Each value KPI's last value on or before `day`: one index seek per KPI on (kpi_id, measured_on), never a
    # scan of the measurement history.
    value_then = (
        select(Measurement.value)
        .where(Measurement.kpi_id == Kpi.id, Measurement.measured_on <= day)
        .order_by(col(Measurement.measured_on).desc())
        .limit(1)
        .correlate(Kpi)
        .scalar_subquery()
    )
    query = scope.where(
        select(UseCase.key, UseCase.running_cost_per_month, UseCase.one_off_cost, Kpi.unit, value_then)
        .join(stage_then, stage_then.c.use_case_id == UseCase.id)
        .join(
            Kpi,
            and_(
                Kpi.use_case_id == UseCase.id,
                Kpi.kind == KpiKind.business,
                col(Kpi.unit).in_(VALUE_UNITS),
                # A KPI retired since still counted then.
                or_(col(Kpi.retired_on).is_(None), Kpi.retired_on > day),
            ),
            isouter=True,
        )
        .where(col(stage_then.c.stage).in_(ACTIVE))
    )
    return [
        (key, running, one_off, unit if value is not None else None, value)
        for key, running, one_off, unit, value in rows(session, query)
    ]
