"""The SQL behind the overview: one query per panel, filtered and aggregated in the database, never one per
use case. Each returns plain tuples; `portfolio.views.overview` turns them into what the page shows."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, and_, bindparam, case, func, or_
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


def _latest_stage_before(before: datetime) -> Any:
    """Each use case's last stage change before `before` (rank 1): its stage at that moment."""
    return (
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
        .where(StageChange.changed_at < before)
        .subquery()
    )


def count_all(session: Session) -> int:
    return session.exec(select(func.count()).select_from(UseCase)).one()


def counts_by_stage(session: Session, scope: Scope) -> dict[str, int]:
    query = scope.where(select(UseCase.stage, func.count()).group_by(UseCase.stage))
    return {stage: n for stage, n in session.exec(query).all()}


def counts_by_stage_as_of(session: Session, scope: Scope, before: datetime) -> dict[str, int]:
    """How many use cases were in each stage just before `before`, from the stage history."""
    ranked = _latest_stage_before(before)
    query = scope.where(
        select(ranked.c.to_stage, func.count())
        .join(UseCase, UseCase.id == ranked.c.use_case_id)
        .where(ranked.c.rank == 1)
        .group_by(ranked.c.to_stage)
    )
    return {stage: n for stage, n in session.exec(query).all()}


def counts_for_balance(session: Session, scope: Scope) -> list[tuple[str, str, str | None, str, int]]:
    """(sector, team, tier, stage, count): few rows, rolled up per dimension by the caller."""
    query = scope.where(
        select(UseCase.sector, UseCase.team, UseCase.ai_act_tier, UseCase.stage, func.count()).group_by(
            UseCase.sector, UseCase.team, UseCase.ai_act_tier, UseCase.stage
        )
    )
    return [tuple(row) for row in session.exec(query).all()]


def unclassified_keys(session: Session, scope: Scope) -> list[tuple[str, str]]:
    """(key, stage) of the use cases without an EU AI Act tier yet."""
    query = scope.where(select(UseCase.key, UseCase.stage).where(col(UseCase.ai_act_tier).is_(None)))
    return [tuple(row) for row in session.exec(query).all()]


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
    return [tuple(row) for row in session.exec(query).all()]


def stay_days_since(
    session: Session, scope: Scope, since: datetime, today: date, stages: Sequence[str]
) -> list[tuple[str, int]]:
    """(stage, days) of every stay in one of `stages` that is current or ended after `since`: whole UTC days
    from entering to leaving, or to `today` for a stay not over. Counted in the database, so only two small
    values per stay travel."""
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
    query = scope.where(
        select(stays.c.stage, days_between(until, utc_day(stays.c.entered)))
        .join(UseCase, UseCase.id == stays.c.use_case_id)
        .where(
            or_(stays.c.left_at.is_(None), stays.c.left_at >= since),
            col(stays.c.stage).in_(list(stages)),
        )
    )
    return [(stage, round(days)) for stage, days in session.exec(query).all()]


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
        for key, title, name, team, entered, decision_on, extensions, paused in session.exec(query).all()
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
    return [tuple(row) for row in session.exec(query).all()]


def pilots_overdue_at(session: Session, scope: Scope, before: datetime, due_before: date) -> list[str]:
    """Keys of use cases in pilot just before `before` whose decision date was before `due_before`."""
    ranked = _latest_stage_before(before)
    query = scope.where(
        select(UseCase.key)
        .join(ranked, ranked.c.use_case_id == UseCase.id)
        .join(PilotCharter, PilotCharter.use_case_id == UseCase.id)
        .where(ranked.c.rank == 1, ranked.c.to_stage == Stage.pilot, PilotCharter.decision_on < due_before)
    )
    return list(session.exec(query).all())


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
    return list(session.exec(query).all())


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
    return [(key, stage, SEVERITY[rank].value) for key, stage, rank in session.exec(query).all()]


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
    total = session.exec(select(func.count()).select_from(alerting).where(chosen)).one()
    query = (
        select(
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
    return total, [KpiAlertRow(*row) for row in session.exec(query).all()]


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
    return sorted(session.exec(query).all())


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
    return [(key, bool(d), bool(h), bool(t)) for key, d, h, t in session.exec(query).all()]


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
    return [tuple(row) for row in session.exec(query).all()]


def value_as_of(
    session: Session, scope: Scope, before: datetime, day: date
) -> list[tuple[str, float | None, float | None, str | None, float | None]]:
    """As `value_now`, for the use cases active just before `before`, with each value KPI's latest
    measurement on or before `day`. Reads the measurements of value KPIs only."""
    stage_then = _latest_stage_before(before)
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
        .where(stage_then.c.rank == 1, col(stage_then.c.to_stage).in_(ACTIVE))
    )
    return [
        (key, running, one_off, unit if value is not None else None, value)
        for key, running, one_off, unit, value in session.exec(query).all()
    ]


def scored_active(
    session: Session, scope: Scope, limit: int
) -> tuple[int, list[tuple[str, str, str, float, float]]]:
    """How many active use cases are scored, and (key, title, stage, impact, risk) of the `limit` with the
    highest priority (impact − 0.5 × risk), so a chart stays small however large the portfolio."""
    scored = and_(col(UseCase.impact_score).is_not(None), col(UseCase.stage).in_(ACTIVE))
    total = session.exec(scope.where(select(func.count()).select_from(UseCase).where(scored))).one()
    query = scope.where(
        select(UseCase.key, UseCase.title, UseCase.stage, UseCase.impact_score, UseCase.risk_score)
        .where(scored)
        .order_by((UseCase.impact_score - 0.5 * UseCase.risk_score).desc(), UseCase.key)
        .limit(limit)
    )
    return total, [tuple(row) for row in session.exec(query).all()]


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
    return [tuple(row) for row in session.exec(query).all()]


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
    return [tuple(row) for row in session.exec(query).all()]


def pilot_gate_checklists(session: Session, keys: Sequence[str]) -> dict[str, list[list[dict[str, Any]]]]:
    """The checklists recorded with go decisions at any gate, per use case key (for the DPIA check)."""
    if not keys:
        return {}
    rows = session.exec(
        select(UseCase.key, GateDecision.checklist)
        .join(UseCase, UseCase.id == GateDecision.use_case_id)
        .where(col(UseCase.key).in_(list(keys)), GateDecision.outcome == "go")
    ).all()
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
    return [tuple(row) for row in session.exec(query).all()]
