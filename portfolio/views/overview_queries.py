"""The SQL behind the overview: one query per panel, filtered and aggregated in the database, never one per
use case. Each returns plain tuples; `portfolio.views.overview` turns them into what the page shows."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Row, and_, bindparam, case, func, or_, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from portfolio.kpi_status_sql import SEVERITY, severity_sql, status_sql
from portfolio.kpis import HOURS_PER_MONTH, MONEY_PER_MONTH
from portfolio.lifecycle import ACTIVE
from portfolio.models import (
    GateDecision,
    Kpi,
    KpiKind,
    Lesson,
    LessonOutcome,
    Measurement,
    Person,
    PilotCharter,
    Stage,
    StageChange,
    UseCase,
    UTCDateTime,
)
from portfolio.sql_functions import binary_order, days_between, utc_day

VALUE_UNITS = (MONEY_PER_MONTH, HOURS_PER_MONTH)


@dataclass(frozen=True)
class Scope:
    """Which use cases a query covers: the overview's filters (empty = all)."""

    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()

    def where(self, query: Any) -> Any:
        for column, values in (
            (UseCase.sector, self.sectors),
            (UseCase.team, self.teams),
            (UseCase.ai_act_tier, self.tiers),
        ):
            if values:
                query = query.where(col(column).in_(values))
        return query


# Plain rows through the session's connection: these selects name columns, never entities, so the ORM's
# row loading (half the cost of reading ten thousand rows) has nothing to add.
def _rows(session: Session, query: Any) -> Sequence[Row[Any]]:
    return session.connection().execute(query).all()


def _scalars(session: Session, query: Any) -> list[Any]:
    return list(session.connection().execute(query).scalars().all())


def _one(session: Session, query: Any) -> Any:
    return session.connection().execute(query).scalar_one()


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


def count_all(session: Session) -> int:
    return _one(session, select(func.count()).select_from(UseCase))


def counts_by_stage(session: Session, scope: Scope) -> dict[str, int]:
    query = scope.where(select(UseCase.stage, func.count()).group_by(UseCase.stage))
    return {stage: n for stage, n in _rows(session, query)}


def counts_by_stage_as_of(session: Session, scope: Scope, before: datetime) -> dict[str, int]:
    """How many use cases were in each stage just before `before`, from the stage history."""
    then = _stage_at(before)
    query = scope.where(
        select(then.c.stage, func.count())
        .join(UseCase, UseCase.id == then.c.use_case_id)
        .group_by(then.c.stage)
    )
    return {stage: n for stage, n in _rows(session, query)}


def counts_for_balance(session: Session, scope: Scope) -> list[tuple[str, str, str | None, str, int]]:
    """(sector, team, tier, stage, count): few rows, rolled up per dimension by the caller."""
    query = scope.where(
        select(UseCase.sector, UseCase.team, UseCase.ai_act_tier, UseCase.stage, func.count()).group_by(
            UseCase.sector, UseCase.team, UseCase.ai_act_tier, UseCase.stage
        )
    )
    return [tuple(row) for row in _rows(session, query)]


def unclassified_keys(session: Session, scope: Scope) -> list[tuple[str, str]]:
    """(key, stage) of the use cases without an EU AI Act tier yet."""
    query = scope.where(select(UseCase.key, UseCase.stage).where(col(UseCase.ai_act_tier).is_(None)))
    return [tuple(row) for row in _rows(session, query)]


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
    return [tuple(row) for row in _rows(session, query)]


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
    return {stage: (float(days), int(stays)) for stage, days, stays in _rows(session, query)}


@dataclass(frozen=True)
class PilotRow:
    key: str
    title: str
    owner: str | None
    team: str
    entered: datetime
    decision_on: date | None
    extensions: int
    paused: bool


def pilots_needing_decision(session: Session, scope: Scope, today: date, limit_days: int) -> list[PilotRow]:
    """Pilots past their decision date or longer in pilot than the limit."""
    from portfolio.quarters import start_of_day

    owner = aliased(Person)
    over_limit_before = start_of_day(date.fromordinal(today.toordinal() - limit_days))
    query = scope.where(
        select(
            UseCase.key,
            UseCase.title,
            owner.name,
            UseCase.team,
            UseCase.stage_entered_at,
            PilotCharter.decision_on,
            PilotCharter.extensions,
            PilotCharter.paused,
        )
        .outerjoin(owner, owner.id == UseCase.owner_id)
        .join(PilotCharter, PilotCharter.use_case_id == UseCase.id, isouter=True)
        .where(
            UseCase.stage == Stage.pilot,
            or_(PilotCharter.decision_on < today, UseCase.stage_entered_at < over_limit_before),
        )
    )
    return [
        PilotRow(key, title, name, team, entered, decision_on, extensions or 0, bool(paused))
        for key, title, name, team, entered, decision_on, extensions, paused in _rows(session, query)
    ]


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
    return [tuple(row) for row in _rows(session, query)]


def pilots_overdue_at(session: Session, scope: Scope, before: datetime, due_before: date) -> list[str]:
    """Keys of use cases in pilot just before `before` whose decision date was before `due_before`."""
    then = _stage_at(before)
    query = scope.where(
        select(UseCase.key)
        .join(then, then.c.use_case_id == UseCase.id)
        .join(PilotCharter, PilotCharter.use_case_id == UseCase.id)
        .where(then.c.stage == Stage.pilot, PilotCharter.decision_on < due_before)
    )
    return _scalars(session, query)


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
    return _scalars(session, query)


@dataclass(frozen=True)
class KpiAlertRow:
    key: str
    title: str
    stage: str
    name: str
    status: str
    unit: str
    latest_value: float | None
    latest_on: date | None
    target: float | None


def worst_kpi_status(
    session: Session, scope: Scope, stages: Sequence[str], today: date
) -> list[tuple[str, str, str]]:
    """(key, stage, worst status) of each use case in `stages` with at least one KPI: statuses computed and
    ranked in the database from the kept latest values (never the measurement history)."""
    worst = func.min(severity_sql(status_sql(today)))
    query = scope.where(
        select(UseCase.key, UseCase.stage, worst)
        .join(UseCase, UseCase.id == Kpi.use_case_id)
        .where(col(UseCase.stage).in_(stages), col(Kpi.retired_on).is_(None))
        .group_by(UseCase.key, UseCase.stage)
    )
    return [(key, stage, SEVERITY[rank].value) for key, stage, rank in _rows(session, query)]


def kpi_alerts(
    session: Session, scope: Scope, stages: Sequence[str], statuses: Sequence[str], today: date, limit: int
) -> tuple[int, list[KpiAlertRow]]:
    """How many KPIs of use cases in `stages` have one of `statuses`, and the first `limit` of them: worst
    status first, then by use case key and KPI name."""
    status = status_sql(today)
    alerting = scope.where(
        select(Kpi.id, status.label("status"))
        .join(UseCase, UseCase.id == Kpi.use_case_id)
        .where(col(UseCase.stage).in_(stages), col(Kpi.retired_on).is_(None))
    ).subquery()
    chosen = col(alerting.c.status).in_(list(statuses))
    query = (
        select(
            # The count of every alerting KPI rides along with the first rows: one pass over the statuses.
            func.count().over().label("total"),
            UseCase.key,
            UseCase.title,
            UseCase.stage,
            Kpi.name,
            alerting.c.status,
            Kpi.unit,
            Kpi.latest_value,
            Kpi.latest_on,
            Kpi.target,
        )
        .join(Kpi, Kpi.id == alerting.c.id)
        .join(UseCase, UseCase.id == Kpi.use_case_id)
        .where(chosen)
        .order_by(severity_sql(alerting.c.status), binary_order(UseCase.key), binary_order(Kpi.name), Kpi.id)
        .limit(limit)
    )
    rows = _rows(session, query)
    if rows:
        return rows[0].total, [KpiAlertRow(*row[1:]) for row in rows]
    if limit:
        return 0, []
    return _one(session, select(func.count()).select_from(alerting).where(chosen)), []  # asked for the count


def keys_with_kpi_status(
    session: Session, scope: Scope, kinds: Sequence[str], status: str, today: date
) -> list[str]:
    """Keys of active customer-facing use cases with a KPI of one of `kinds` whose status is `status`."""
    query = scope.where(
        select(UseCase.key)
        .join(Kpi, Kpi.use_case_id == UseCase.id)
        .where(
            UseCase.customer_facing,
            col(UseCase.stage).in_(ACTIVE),
            col(Kpi.kind).in_(list(kinds)),
            col(Kpi.retired_on).is_(None),
            status_sql(today) == status,
        )
        .distinct()
    )
    return sorted(_scalars(session, query))


def customer_facing_active(session: Session, scope: Scope) -> list[tuple[str, bool, bool, bool]]:
    """(key, disclosure in place, path to a person, has a trust KPI) per active customer-facing use case."""
    has_trust_kpi = (
        select(Kpi.id)
        .where(Kpi.use_case_id == UseCase.id, Kpi.kind == KpiKind.trust, col(Kpi.retired_on).is_(None))
        .exists()
    )
    query = scope.where(
        select(UseCase.key, UseCase.ai_disclosure, UseCase.human_path, has_trust_kpi)
        .where(UseCase.customer_facing, col(UseCase.stage).in_(ACTIVE))
        .order_by(UseCase.key)
    )
    return [(key, bool(d), bool(h), bool(t)) for key, d, h, t in _rows(session, query)]


def value_now(
    session: Session, scope: Scope
) -> list[tuple[str, float | None, float | None, str | None, float | None]]:
    """(key, running cost per month, one-off cost, value unit, latest value) per active use case; a use case
    with several value KPIs has several rows, one without any has one row with unit None."""
    query = scope.where(
        select(UseCase.key, UseCase.running_cost_per_month, UseCase.one_off_cost, Kpi.unit, Kpi.latest_value)
        .join(
            Kpi,
            and_(
                Kpi.use_case_id == UseCase.id,
                Kpi.kind == KpiKind.business,
                col(Kpi.unit).in_(VALUE_UNITS),
                col(Kpi.retired_on).is_(None),
            ),
            isouter=True,
        )
        .where(col(UseCase.stage).in_(ACTIVE))
    )
    return [tuple(row) for row in _rows(session, query)]


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
        for key, running, one_off, unit, value in _rows(session, query)
    ]


def scored_active(
    session: Session, scope: Scope, limit: int
) -> tuple[int, list[tuple[str, str, str, float, float]]]:
    """How many active use cases are scored, and (key, title, stage, impact, risk) of the `limit` with the
    highest priority (impact − 0.5 × risk), so a chart stays small however large the portfolio."""
    scored = and_(col(UseCase.impact_score).is_not(None), col(UseCase.stage).in_(ACTIVE))
    total = _one(session, scope.where(select(func.count()).select_from(UseCase).where(scored)))
    query = scope.where(
        select(UseCase.key, UseCase.title, UseCase.stage, UseCase.impact_score, UseCase.risk_score)
        .where(scored)
        .order_by((UseCase.impact_score - 0.5 * UseCase.risk_score).desc(), UseCase.key)
        .limit(limit)
    )
    return total, [tuple(row) for row in _rows(session, query)]


def top_of_backlog(session: Session, scope: Scope, limit: int) -> list[tuple[str, str, str, float, float]]:
    """(key, title, stage, impact, risk) of the scored use cases not yet in a pilot, highest priority first
    (priority = impact − 0.5 × risk, as portfolio.scoring.priority; ties: higher impact, then key)."""
    priority = UseCase.impact_score - 0.5 * UseCase.risk_score
    query = scope.where(
        select(UseCase.key, UseCase.title, UseCase.stage, UseCase.impact_score, UseCase.risk_score)
        .where(
            col(UseCase.impact_score).is_not(None),
            col(UseCase.stage).in_([Stage.proposed, Stage.assessed]),
        )
        .order_by(priority.desc(), col(UseCase.impact_score).desc(), UseCase.key)
        .limit(limit)
    )
    return [tuple(row) for row in _rows(session, query)]


def governance_candidates(
    session: Session, scope: Scope
) -> list[tuple[str, str, str, str | None, bool, int, str]]:
    """(key, title, stage, tier, owner active, reviewers, owner name) of active use cases that may have a
    governance gap: high-risk or prohibited, no owner or one no longer active, or a single reviewer. Owner
    active and name are None when no owner is named."""
    owner = aliased(Person)
    query = scope.where(
        select(
            UseCase.key,
            UseCase.title,
            UseCase.stage,
            UseCase.ai_act_tier,
            owner.is_active,
            UseCase.reviewer_count,
            owner.name,
        )
        .outerjoin(owner, owner.id == UseCase.owner_id)
        .where(
            col(UseCase.stage).in_(ACTIVE),
            or_(
                col(UseCase.ai_act_tier).in_(["high", "prohibited"]),
                col(UseCase.owner_id).is_(None),  # imported without an accountable person
                ~col(owner.is_active),
                UseCase.reviewer_count == 1,
            ),
        )
        .order_by(UseCase.key)
    )
    return [tuple(row) for row in _rows(session, query)]


def pilot_gate_checklists(session: Session, keys: Sequence[str]) -> dict[str, list[list[dict[str, Any]]]]:
    """The checklists recorded with go decisions at any gate, per use case key (for the DPIA check)."""
    if not keys:
        return {}
    rows = _rows(
        session,
        select(UseCase.key, GateDecision.checklist)
        .join(UseCase, UseCase.id == GateDecision.use_case_id)
        .where(col(UseCase.key).in_(list(keys)), GateDecision.outcome == "go"),
    )
    found: dict[str, list[list[dict[str, Any]]]] = {}
    for key, items in rows:
        found.setdefault(key, []).append(items or [])
    return found


def recent_lessons(
    session: Session, scope: Scope, since: datetime, limit: int
) -> list[tuple[str, str, str, str, str, str, datetime]]:
    """(key, use case title, lesson title, outcome, category, what we would do differently, recorded) of the
    lessons recorded since `since`: failures first, then partial, then successes; newest first within each."""
    rank = case(
        (Lesson.outcome == LessonOutcome.failure, 0), (Lesson.outcome == LessonOutcome.partial, 1), else_=2
    )
    query = scope.where(
        select(
            UseCase.key,
            UseCase.title,
            Lesson.title,
            Lesson.outcome,
            Lesson.category,
            Lesson.do_differently,
            Lesson.created_at,
        )
        .join(UseCase, UseCase.id == Lesson.use_case_id)
        .where(Lesson.created_at >= since)
        .order_by(rank, col(Lesson.created_at).desc(), Lesson.id)
        .limit(limit)
    )
    return [tuple(row) for row in _rows(session, query)]
