"""Everything recorded about one use case, as plain values for its page."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from portfolio import completeness, frames
from portfolio.kpis import status_of
from portfolio.models import (
    Assessment,
    GateDecision,
    Kpi,
    Lesson,
    Person,
    ScoringModel,
    StageChange,
    UseCase,
    utc_now,
)
from portfolio.services.audit import as_record
from portfolio.services.use_cases.records import get_use_case


@dataclass
class UseCaseDetail:
    use_case: dict[str, Any]
    people: dict[str, str | None]
    timeline: pd.DataFrame
    gate_decisions: list[dict[str, Any]]
    kpis: pd.DataFrame
    lessons: list[dict[str, Any]]
    assessments: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)


def use_case_detail(session: Session, key: str, *, today: date | None = None) -> UseCaseDetail:
    """Everything recorded about one use case, as plain values; KPI statuses as of `today` (default: now)."""
    use_case = get_use_case(session, key)
    today = today or utc_now().date()
    names = dict(session.exec(select(Person.id, Person.name)).all())
    people = {
        "owner": names.get(use_case.owner_id),
        "sponsor": names.get(use_case.sponsor_id),
        "monitoring_owner": names.get(use_case.monitoring_owner_id),
    }
    changes = session.exec(
        select(StageChange)
        .where(StageChange.use_case_id == use_case.id)
        .order_by(StageChange.changed_at, StageChange.id)
    ).all()
    timeline = frames.frame(
        [
            {
                "when": c.changed_at,
                "from": c.from_stage,
                "to": c.to_stage,
                "by": names.get(c.changed_by_id),
                "reason": c.reason,
                "gate_decision_id": c.gate_decision_id,
            }
            for c in changes
        ],
        ["when", "from", "to", "by", "reason", "gate_decision_id"],
    )
    decisions = [
        as_record(d) | {"decided_by": names.get(d.decided_by_id)}
        for d in session.exec(
            select(GateDecision)
            .where(GateDecision.use_case_id == use_case.id)
            .order_by(GateDecision.decided_on)
        ).all()
    ]
    kpi_records = [
        as_record(k) | {"reporter": names.get(k.reporter_id), "status": status_of(k, today).value}
        for k in session.exec(
            select(Kpi).where(Kpi.use_case_id == use_case.id).order_by(Kpi.kind, Kpi.name)
        ).all()
    ]
    kpis = frames.frame(kpi_records, list(kpi_records[0]) if kpi_records else [])
    lessons = [
        as_record(lesson) | {"author": names.get(lesson.author_id)}
        for lesson in session.exec(
            select(Lesson).where(Lesson.use_case_id == use_case.id).order_by(Lesson.created_at)
        ).all()
    ]
    versions = dict(session.exec(select(ScoringModel.id, ScoringModel.version_number)).all())
    assessments = frames.frame(
        [
            {
                "id": a.id,
                "reviewer": names.get(a.reviewer_id),
                "reviewer_id": a.reviewer_id,
                "assessed_at": a.assessed_at,
                "impact": a.impact_score,
                "risk": a.risk_score,
                "model_version": versions.get(a.scoring_model_id),
                "comment": a.comment,
            }
            for a in session.exec(
                select(Assessment)
                .where(Assessment.use_case_id == use_case.id)
                .order_by(col(Assessment.id).desc())
            ).all()
        ],
        [
            "id",
            "reviewer",
            "reviewer_id",
            "assessed_at",
            "impact",
            "risk",
            "model_version",
            "comment",
        ],
    )
    return UseCaseDetail(
        as_record(use_case) | {"updated_at": use_case.updated_at, "created_at": use_case.created_at},
        people,
        timeline,
        decisions,
        kpis,
        lessons,
        assessments,
        gaps=completeness.gaps(
            owner_named=use_case.owner_id is not None,
            tier=use_case.ai_act_tier,
            reviewer_count=use_case.reviewer_count,
            kpi_count=int(kpis["retired_on"].isna().sum()) if not kpis.empty else 0,
            problem=use_case.problem,
            team=use_case.team,
        ),
    )


def use_case_keys(session: Session) -> list[tuple[str, str]]:
    return list(session.exec(select(UseCase.key, UseCase.title).order_by(UseCase.key)).all())
