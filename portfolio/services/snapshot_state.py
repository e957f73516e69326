"""The portfolio as it stands now, or as it stood at the end of a past day, read for a snapshot.

Now: the kept columns (stage, scores, each KPI's latest value), as every page reads them.
As of a past day: rebuilt from the history: the stage moves, each reviewer's assessments and the measurements
recorded by then. Facts that keep no history (owner, costs, disclosure, KPI targets) are taken as they are now."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from portfolio import scoring
from portfolio.models import (
    Assessment,
    Kpi,
    Measurement,
    Person,
    PilotCharter,
    PilotDecision,
    PilotReview,
    StageChange,
    UseCase,
)


@dataclass(frozen=True)
class CaseState:
    id: int
    key: str
    title: str
    stage: str
    stage_entered_at: datetime
    owner: str
    team: str
    sector: str
    ai_act_tier: str | None
    customer_facing: bool
    decisions_about_people: bool
    ai_disclosure: bool
    human_path: bool
    impact: float | None
    risk: float | None
    spread: float | None
    reviewers: int
    one_off_cost: float | None
    running_cost_per_month: float | None
    decision_on: date | None  # the pilot's decision date, when it has a charter
    extensions: int
    paused: bool


@dataclass(frozen=True)
class KpiState:
    use_case_id: int
    name: str
    kind: str
    unit: str
    direction: str
    baseline: float | None
    baseline_on: date | None
    target: float | None
    target_on: date | None
    latest_value: float | None
    latest_on: date | None


@dataclass(frozen=True)
class PortfolioState:
    as_of: date
    cases: list[CaseState]
    kpis: list[KpiState]


def end_of(day: date) -> datetime:
    """The first instant after `day` (UTC): everything recorded before it happened by the end of that day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def _cases_now(session: Session) -> list[CaseState]:
    # Plain columns, not ORM objects: ten thousand entities (with every long text) cost far more than the query.
    owner = aliased(Person)
    rows = session.exec(
        select(
            UseCase.id,
            UseCase.key,
            UseCase.title,
            UseCase.stage,
            UseCase.stage_entered_at,
            owner.name,
            UseCase.team,
            UseCase.sector,
            UseCase.ai_act_tier,
            UseCase.customer_facing,
            UseCase.decisions_about_people,
            UseCase.ai_disclosure,
            UseCase.human_path,
            UseCase.impact_score,
            UseCase.risk_score,
            UseCase.score_spread,
            UseCase.reviewer_count,
            UseCase.one_off_cost,
            UseCase.running_cost_per_month,
            PilotCharter.id,
            PilotCharter.decision_on,
            PilotCharter.extensions,
            PilotCharter.paused,
        )
        .join(owner, owner.id == UseCase.owner_id)
        .join(PilotCharter, PilotCharter.use_case_id == UseCase.id, isouter=True)
        .order_by(UseCase.key)
    ).all()
    return [
        CaseState(
            *row[:19],
            decision_on=decision_on if charter_id is not None else None,
            extensions=extensions if charter_id is not None else 0,
            paused=bool(charter_id is not None and paused),
        )
        for *row, charter_id, decision_on, extensions, paused in rows
    ]


def _kpis(session: Session, case_ids: list[int], *, created_before: datetime | None = None) -> list[Kpi]:
    """The KPIs active now, or (with `created_before`) those that were active then."""
    query = select(Kpi).where(col(Kpi.use_case_id).in_(case_ids))
    if created_before is None:
        query = query.where(col(Kpi.retired_on).is_(None))
    else:
        # The demo and imports date KPIs by their baseline; a KPI created later for an earlier baseline counts.
        query = query.where(or_(Kpi.created_at < created_before, Kpi.baseline_on < created_before.date()))
        # A KPI retired since still counted then.
        query = query.where(or_(col(Kpi.retired_on).is_(None), Kpi.retired_on >= created_before.date()))
    return list(session.exec(query.order_by(Kpi.use_case_id, Kpi.id)).all())


def _kpi_state(kpi: Kpi, latest_value: float | None, latest_on: date | None) -> KpiState:
    return KpiState(
        use_case_id=kpi.use_case_id,
        name=kpi.name,
        kind=kpi.kind,
        unit=kpi.unit,
        direction=kpi.direction,
        baseline=kpi.baseline,
        baseline_on=kpi.baseline_on,
        target=kpi.target,
        target_on=kpi.target_on,
        latest_value=latest_value,
        latest_on=latest_on,
    )


def _kpis_now(session: Session) -> list[KpiState]:
    """The KPIs active now of the use cases `_cases_now` reads (those with an owner), by use case and KPI:
    plain columns and a join, not entities and a list of ten thousand ids."""
    owner = aliased(Person)
    rows = session.exec(
        select(
            Kpi.use_case_id,
            Kpi.name,
            Kpi.kind,
            Kpi.unit,
            Kpi.direction,
            Kpi.baseline,
            Kpi.baseline_on,
            Kpi.target,
            Kpi.target_on,
            Kpi.latest_value,
            Kpi.latest_on,
        )
        .join(UseCase, UseCase.id == Kpi.use_case_id)
        .join(owner, owner.id == UseCase.owner_id)
        .where(col(Kpi.retired_on).is_(None))
        .order_by(Kpi.use_case_id, Kpi.id)
    ).all()
    return [KpiState(*row) for row in rows]


def current_state(session: Session, today: date) -> PortfolioState:
    return PortfolioState(as_of=today, cases=_cases_now(session), kpis=_kpis_now(session))


def _charter_as_of(case: CaseState, reviews: list[PilotReview], day: date) -> tuple[date | None, int, bool]:
    """(decision date, extensions, paused) of a pilot on `day`. Reviews replace the decision date; before the
    first later review the date kept today is too late, and was at the latest that review's day (pilots are
    extended at or after their decision date)."""
    if case.decision_on is None:
        return None, 0, False
    changing = [r for r in reviews if r.decision in (PilotDecision.iterate, PilotDecision.pause)]
    done = [r for r in changing if r.decided_on <= day]
    later = [r for r in changing if r.decided_on > day]
    extensions = sum(1 for r in done if r.decision == PilotDecision.iterate)
    paused = bool(done) and done[-1].decision == PilotDecision.pause
    if done and done[-1].new_decision_on is not None:
        return done[-1].new_decision_on, extensions, paused
    if later:
        return min(case.decision_on, later[0].decided_on), extensions, paused
    return case.decision_on, extensions, paused


def state_as_of(session: Session, day: date) -> PortfolioState:
    """The portfolio as it stood at the end of `day`, from the history."""
    cutoff = end_of(day)
    now_cases = {c.id: c for c in _cases_now(session)}

    last_move: dict[int, StageChange] = {}
    for move in session.exec(
        select(StageChange)
        .where(StageChange.changed_at < cutoff)
        .order_by(StageChange.changed_at, StageChange.id)
    ).all():
        last_move[move.use_case_id] = move

    latest_by_reviewer: dict[tuple[int, int], tuple[float, float]] = {}
    for assessment in session.exec(
        select(Assessment)
        .where(Assessment.assessed_at < cutoff)
        .order_by(Assessment.assessed_at, Assessment.id)
    ).all():
        latest_by_reviewer[(assessment.use_case_id, assessment.reviewer_id)] = (
            assessment.impact_score,
            assessment.risk_score,
        )
    scores: dict[int, list[tuple[float, float]]] = {}
    for (use_case_id, _reviewer), pair in latest_by_reviewer.items():
        scores.setdefault(use_case_id, []).append(pair)

    reviews: dict[int, list[PilotReview]] = {}
    for review in session.exec(select(PilotReview).order_by(PilotReview.decided_on, PilotReview.id)).all():
        reviews.setdefault(review.use_case_id, []).append(review)

    cases = []
    for use_case_id, move in last_move.items():
        if use_case_id not in now_cases:
            continue
        case = now_cases[use_case_id]
        agreed = scoring.consensus(scores.get(use_case_id, []))
        decision_on, extensions, paused = _charter_as_of(case, reviews.get(use_case_id, []), day)
        cases.append(
            replace(
                case,
                stage=move.to_stage,
                stage_entered_at=move.changed_at,
                impact=agreed.impact if agreed else None,
                risk=agreed.risk if agreed else None,
                spread=agreed.spread if agreed else None,
                reviewers=agreed.reviewers if agreed else 0,
                decision_on=decision_on,
                extensions=extensions,
                paused=paused,
            )
        )
    cases.sort(key=lambda c: c.key)

    kpis = _kpis(session, [c.id for c in cases], created_before=cutoff)
    latest_day = (
        select(Measurement.kpi_id, func.max(Measurement.measured_on).label("latest_on"))
        .where(col(Measurement.kpi_id).in_([k.id for k in kpis]), Measurement.measured_on <= day)
        .group_by(Measurement.kpi_id)
        .subquery()
    )
    latest = {
        kpi_id: (value, measured_on)
        for kpi_id, value, measured_on in session.exec(
            select(Measurement.kpi_id, Measurement.value, Measurement.measured_on).join(
                latest_day,
                and_(
                    Measurement.kpi_id == latest_day.c.kpi_id,
                    Measurement.measured_on == latest_day.c.latest_on,
                ),
            )
        ).all()
    }
    return PortfolioState(
        as_of=day,
        cases=cases,
        kpis=[_kpi_state(k, *latest.get(k.id, (None, None))) for k in kpis],
    )
