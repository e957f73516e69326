"""What a snapshot freezes: per use case, its KPIs with the status computed at that moment, trust gaps, value
and cost; the quarter's decisions, reviews, stage moves and lessons; and the portfolio totals.

Content is plain JSON (ISO dates, enum values, rounded numbers) so that its checksum is reproducible on every
database. Labels for people are added by the exports."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from portfolio import lifecycle
from portfolio.kpis import HOURS_PER_MONTH, MONEY_PER_MONTH, monthly_value, net_value_first_year, status_of
from portfolio.models import (
    GateDecision,
    KpiKind,
    KpiStatus,
    Lesson,
    Person,
    PilotReview,
    Stage,
    StageChange,
    UseCase,
)
from portfolio.scoring import quadrant
from portfolio.services.pipeline import stage_limits
from portfolio.services.results import hourly_rate
from portfolio.services.snapshot_state import PortfolioState, end_of
from portfolio.services.use_cases import quadrant_thresholds

CONTENT_FORMAT = 1
TRUST_KINDS = (KpiKind.trust, KpiKind.fairness)
# Worst first: a use case's KPI health is its weakest KPI.
STATUS_SEVERITY = (
    KpiStatus.off_track,
    KpiStatus.at_risk,
    KpiStatus.no_recent_data,
    KpiStatus.on_track,
    KpiStatus.achieved,
)
GAP_NO_TRUST_KPI = "No trust KPI"
GAP_NOT_TOLD = "Customers not told about the AI"
GAP_NO_PERSON = "No path to a person"
HEALTH_STAGES = (Stage.pilot, Stage.scale_up, Stage.production)


@dataclass(frozen=True)
class Period:
    """The part of a quarter a snapshot covers: from its first day to the day the snapshot stands at."""

    start: date
    end: date  # the quarter's last day
    as_of: date


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def worst(statuses: list[str]) -> str | None:
    return min(statuses, key=lambda s: STATUS_SEVERITY.index(KpiStatus(s))) if statuses else None


def _kpi_rows(state: PortfolioState, keys: dict[int, tuple[str, str]]) -> list[dict[str, Any]]:
    rows = []
    for kpi in state.kpis:
        key, title = keys[kpi.use_case_id]
        status = status_of(kpi, state.as_of)
        rows.append(
            {
                "key": key,
                "use_case": title,
                "kpi": kpi.name,
                "kind": kpi.kind,
                "unit": kpi.unit,
                "direction": kpi.direction,
                "baseline": _round(kpi.baseline, 4),
                "baseline_on": _iso(kpi.baseline_on),
                "latest_value": _round(kpi.latest_value, 4),
                "latest_on": _iso(kpi.latest_on),
                "target": _round(kpi.target, 4),
                "target_on": _iso(kpi.target_on),
                "status": status.value,
            }
        )
    return rows


def _case_rows(
    session: Session, state: PortfolioState, kpi_rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    impact_threshold, risk_threshold = quadrant_thresholds(session)
    limits = stage_limits(session)
    rate = hourly_rate(session)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for row in kpi_rows:
        by_key.setdefault(row["key"], []).append(row)
    rows = []
    for case in state.cases:
        own = by_key.get(case.key, [])
        value = monthly_value(
            [
                (k["unit"], k["latest_value"])
                for k in own
                if k["kind"] == KpiKind.business and k["unit"] in (MONEY_PER_MONTH, HOURS_PER_MONTH)
            ],
            rate,
        )
        days = (state.as_of - case.stage_entered_at.date()).days
        in_pilot = case.stage == Stage.pilot
        flags = lifecycle.stage_flags(
            case.stage,
            days,
            limits,
            decision_on=case.decision_on if in_pilot else None,
            paused=case.paused and in_pilot,
            today=state.as_of,
        )
        active = case.stage in lifecycle.ACTIVE
        gaps = []
        if case.customer_facing and active:
            if not any(k["kind"] == KpiKind.trust for k in own):
                gaps.append(GAP_NO_TRUST_KPI)
            if not case.ai_disclosure:
                gaps.append(GAP_NOT_TOLD)
            if not case.human_path:
                gaps.append(GAP_NO_PERSON)
        scored = case.impact is not None and case.risk is not None
        rows.append(
            {
                "key": case.key,
                "title": case.title,
                "stage": case.stage,
                "stage_entered_on": _iso(case.stage_entered_at.date()),
                "days_in_stage": days,
                "owner": case.owner,
                "team": case.team,
                "sector": case.sector,
                "ai_act_tier": case.ai_act_tier,
                "customer_facing": case.customer_facing,
                "impact": _round(case.impact, 1),
                "risk": _round(case.risk, 1),
                "quadrant": quadrant(case.impact, case.risk, impact_threshold, risk_threshold).value
                if scored
                else None,
                "reviewers": case.reviewers,
                "score_spread": _round(case.spread, 1),
                "kpis": len(own),
                "kpi_health": worst([k["status"] for k in own]),
                "decision_on": _iso(case.decision_on) if in_pilot else None,
                "extensions": case.extensions if in_pilot else 0,
                "decision_overdue": bool(in_pilot and case.decision_on and case.decision_on < state.as_of),
                "over_limit": case.stage in limits and days > limits[Stage(case.stage)],
                "flags": flags,
                "trust_gaps": gaps,
                "value_per_month": _round(value),
                "running_cost_per_month": _round(case.running_cost_per_month),
                "one_off_cost": _round(case.one_off_cost),
                "net_first_year": net_value_first_year(value, case.running_cost_per_month, case.one_off_cost),
                "active": active,
            }
        )
    return rows


def _trust_rows(cases: list[dict[str, Any]], kpi_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    trust_kpis: dict[str, list[dict[str, Any]]] = {}
    for row in kpi_rows:
        if row["kind"] in TRUST_KINDS:
            trust_kpis.setdefault(row["key"], []).append(row)
    rows = []
    for case in cases:
        if not (case["customer_facing"] and case["active"]):
            continue
        own = trust_kpis.get(case["key"], [])
        rows.append(
            {
                "key": case["key"],
                "title": case["title"],
                "stage": case["stage"],
                "team": case["team"],
                "trust_kpis": len(own),
                "worst_status": worst([k["status"] for k in own]),
                "off_track": sum(1 for k in own if k["status"] == KpiStatus.off_track),
                "gaps": case["trust_gaps"],
            }
        )
    rows.sort(key=lambda r: (-len(r["gaps"]), r["key"]))
    return rows


def _events(session: Session, period: Period) -> dict[str, list[dict[str, Any]]]:
    start, cutoff = period.start, end_of(period.as_of)
    began = datetime.combine(start, datetime.min.time(), tzinfo=cutoff.tzinfo)
    decider = aliased(Person)
    gate_rows = session.exec(
        select(GateDecision, UseCase.key, UseCase.title, decider.name)
        .join(UseCase, UseCase.id == GateDecision.use_case_id)
        .join(decider, decider.id == GateDecision.decided_by_id)
        .where(GateDecision.decided_on >= start, GateDecision.decided_on <= period.as_of)
        .order_by(GateDecision.decided_on, GateDecision.id)
    ).all()
    review_rows = session.exec(
        select(PilotReview, UseCase.key, UseCase.title, decider.name)
        .join(UseCase, UseCase.id == PilotReview.use_case_id)
        .join(decider, decider.id == PilotReview.decided_by_id)
        .where(PilotReview.decided_on >= start, PilotReview.decided_on <= period.as_of)
        .order_by(PilotReview.decided_on, PilotReview.id)
    ).all()
    mover = aliased(Person)
    move_rows = session.exec(
        select(StageChange, UseCase.key, UseCase.title, mover.name)
        .join(UseCase, UseCase.id == StageChange.use_case_id)
        .join(mover, mover.id == StageChange.changed_by_id, isouter=True)
        .where(StageChange.changed_at >= began, StageChange.changed_at < cutoff)
        .order_by(StageChange.changed_at, StageChange.id)
    ).all()
    author = aliased(Person)
    lesson_rows = session.exec(
        select(Lesson, UseCase.key, UseCase.title, author.name)
        .join(UseCase, UseCase.id == Lesson.use_case_id)
        .join(author, author.id == Lesson.author_id, isouter=True)
        .where(Lesson.created_at >= began, Lesson.created_at < cutoff)
        .order_by(col(Lesson.created_at), Lesson.id)
    ).all()
    return {
        "gate_decisions": [
            {
                "key": key,
                "use_case": title,
                "gate": d.gate,
                "outcome": d.outcome,
                "decided_on": _iso(d.decided_on),
                "decided_by": name,
                "rationale": d.rationale,
                "overrides": len(d.overrides),
            }
            for d, key, title, name in gate_rows
        ],
        "pilot_reviews": [
            {
                "key": key,
                "use_case": title,
                "decision": r.decision,
                "decided_on": _iso(r.decided_on),
                "decided_by": name,
                "reason": r.reason,
                "new_decision_on": _iso(r.new_decision_on),
            }
            for r, key, title, name in review_rows
        ],
        "stage_moves": [
            {
                "key": key,
                "use_case": title,
                "from_stage": m.from_stage,
                "to_stage": m.to_stage,
                "moved_on": _iso(m.changed_at.date()),
                "moved_by": name,
                "reason": m.reason,
            }
            for m, key, title, name in move_rows
        ],
        "lessons": [
            {
                "key": key,
                "use_case": title,
                "title": lesson.title,
                "outcome": lesson.outcome,
                "category": lesson.category,
                "happened": lesson.happened,
                "do_differently": lesson.do_differently,
                "recorded_on": _iso(lesson.created_at.date()),
                "author": name,
            }
            for lesson, key, title, name in lesson_rows
        ],
    }


def build_content(
    session: Session,
    state: PortfolioState,
    period: Period,
    *,
    quarter: str,
    taken_at: datetime,
    taken_by: str,
) -> dict[str, Any]:
    """The snapshot's content for `state`, standing at `period.as_of`."""
    from portfolio.services.snapshot_totals import headline_figures, portfolio_totals

    keys = {c.id: (c.key, c.title) for c in state.cases}
    kpi_rows = _kpi_rows(state, keys)
    cases = _case_rows(session, state, kpi_rows)
    events = _events(session, period)
    impact_threshold, risk_threshold = quadrant_thresholds(session)
    return {
        "format": CONTENT_FORMAT,
        "quarter": quarter,
        "period_start": _iso(period.start),
        "period_end": _iso(period.end),
        "as_of": _iso(period.as_of),
        "taken_at": _iso(taken_at),
        "taken_by": taken_by,
        "settings": {
            "hourly_rate": hourly_rate(session),
            "impact_threshold": impact_threshold,
            "risk_threshold": risk_threshold,
            "stage_limits": {stage.value: days for stage, days in stage_limits(session).items()},
        },
        "headline": headline_figures(session, as_of=period.as_of, today=taken_at.date()),
        "totals": portfolio_totals(cases, kpi_rows, events),
        "use_cases": cases,
        "kpis": kpi_rows,
        "trust": _trust_rows(cases, kpi_rows),
        **events,
    }
