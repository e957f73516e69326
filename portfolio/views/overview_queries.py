"""The SQL behind the overview: one query per panel, filtered and aggregated in the database, never one per
use case. Each returns plain tuples; `portfolio.views.overview` turns them into what the page shows. The
queries that read the stage and measurement history are in `portfolio.views.overview_history`."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, case, func, or_
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
    Person,
    PilotCharter,
    Stage,
    UseCase,
)
from portfolio.services.assessments.matrix import waiting_for_a_pilot
from portfolio.sql_functions import binary_order, evenly_sampled

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
def rows(session: Session, query: Any) -> Sequence[Row[Any]]:
    return session.connection().execute(query).all()


def scalars(session: Session, query: Any) -> list[Any]:
    return list(session.connection().execute(query).scalars().all())


def one(session: Session, query: Any) -> Any:
    return session.connection().execute(query).scalar_one()


def count_all(session: Session) -> int:
    return one(session, select(func.count()).select_from(UseCase))


def counts_by_stage(session: Session, scope: Scope) -> dict[str, int]:
    query = scope.where(select(UseCase.stage, func.count()).group_by(UseCase.stage))
    return {stage: n for stage, n in rows(session, query)}


def counts_for_balance(session: Session, scope: Scope) -> list[tuple[str, str, str | None, str, int]]:
    """(sector, team, tier, stage, count): few rows, rolled up per dimension by the caller."""
    query = scope.where(
        select(UseCase.sector, UseCase.team, UseCase.ai_act_tier, UseCase.stage, func.count()).group_by(
            UseCase.sector, UseCase.team, UseCase.ai_act_tier, UseCase.stage
        )
    )
    return [tuple(row) for row in rows(session, query)]


def unclassified_keys(session: Session, scope: Scope) -> list[tuple[str, str]]:
    """(key, stage) of the use cases without an EU AI Act tier yet."""
    query = scope.where(select(UseCase.key, UseCase.stage).where(col(UseCase.ai_act_tier).is_(None)))
    return [tuple(row) for row in rows(session, query)]


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
        for key, title, name, team, entered, decision_on, extensions, paused in rows(session, query)
    ]


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
    return [(key, stage, SEVERITY[rank].value) for key, stage, rank in rows(session, query)]


def kpi_alerts(
    session: Session, scope: Scope, stages: Sequence[str], statuses: Sequence[str], today: date, limit: int
) -> tuple[int, list[KpiAlertRow]]:
    """How many KPIs of use cases in `stages` have one of `statuses`, and the first `limit` (at least one) of
    them: worst status first, then by use case key and KPI name."""
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
    found = rows(session, query)
    return (found[0].total if found else 0), [KpiAlertRow(*row[1:]) for row in found]


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
    return sorted(scalars(session, query))


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
    return [(key, bool(d), bool(h), bool(t)) for key, d, h, t in rows(session, query)]


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
    return [tuple(row) for row in rows(session, query)]


def scored_active(
    session: Session, scope: Scope, limit: int
) -> tuple[int, list[tuple[str, str, str, float, float]]]:
    """How many active use cases are scored, and (key, title, stage, impact, risk) of all of them, or of an even
    sample of about `limit` (every n-th), so a chart stays small however large the portfolio and keeps its
    shape."""
    scored = and_(col(UseCase.impact_score).is_not(None), col(UseCase.stage).in_(ACTIVE))
    total = one(session, scope.where(select(func.count()).select_from(UseCase).where(scored)))
    query = scope.where(
        select(UseCase.key, UseCase.title, UseCase.stage, UseCase.impact_score, UseCase.risk_score)
        .where(scored, evenly_sampled(col(UseCase.id), total, limit))
        .order_by(col(UseCase.id))
        .limit(limit)
    )
    return total, [tuple(row) for row in rows(session, query)]


def top_of_backlog(session: Session, scope: Scope, limit: int) -> list[tuple[str, str, str, float, float]]:
    """(key, title, stage, impact, risk) of the scored use cases waiting for a pilot (never a prohibited
    practice), highest priority first
    (priority = impact − 0.5 × risk, as portfolio.scoring.priority; ties: higher impact, then key)."""
    priority = UseCase.impact_score - 0.5 * UseCase.risk_score
    query = scope.where(
        select(UseCase.key, UseCase.title, UseCase.stage, UseCase.impact_score, UseCase.risk_score)
        .where(col(UseCase.impact_score).is_not(None), waiting_for_a_pilot())
        .order_by(priority.desc(), col(UseCase.impact_score).desc(), UseCase.key)
        .limit(limit)
    )
    return [tuple(row) for row in rows(session, query)]


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
    return [tuple(row) for row in rows(session, query)]


def pilot_gate_checklists(session: Session, keys: Sequence[str]) -> dict[str, list[list[dict[str, Any]]]]:
    """The checklists recorded with go decisions at any gate, per use case key (for the DPIA check)."""
    if not keys:
        return {}
    recorded = rows(
        session,
        select(UseCase.key, GateDecision.checklist)
        .join(UseCase, UseCase.id == GateDecision.use_case_id)
        .where(col(UseCase.key).in_(list(keys)), GateDecision.outcome == "go"),
    )
    found: dict[str, list[list[dict[str, Any]]]] = {}
    for key, items in recorded:
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
    return [tuple(row) for row in rows(session, query)]
