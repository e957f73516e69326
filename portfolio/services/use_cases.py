"""Use cases: propose, edit, move between stages; and the reads the portfolio pages show."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from pydantic import Field
from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from portfolio import completeness, frames, lifecycle
from portfolio.errors import Conflict, InvalidInput, NotFound, RuleViolation
from portfolio.kpis import status_of
from portfolio.models import (
    AiActTier,
    AiKind,
    Assessment,
    Audience,
    GateDecision,
    Kpi,
    Lesson,
    Person,
    Role,
    ScoringModel,
    Sector,
    Stage,
    StageChange,
    UseCase,
    utc_now,
)
from portfolio.models.tables import LONG, SHORT
from portfolio.scoring import quadrant
from portfolio.services.audit import Actor, as_record, record_event, refuse_stale_edit
from portfolio.services.people import get_person, require_role
from portfolio.validation import (
    ExtraAttributes,
    Id,
    Input,
    Money,
    Rating,
    check_key,
    check_moment,
    reason_text,
    shown,
    validate,
)

KEY_PREFIX = "UC-"


class UseCaseInput(Input):
    title: str = Field(title="Title", min_length=1, max_length=SHORT)
    problem: str = Field(title="Problem and who it serves", min_length=1, max_length=LONG)
    audience: Audience = Field(default=Audience.customers, title="Serves")
    team: str = Field(title="Team", min_length=1, max_length=SHORT)
    business_unit: str = Field(default="", title="Business unit", max_length=SHORT)
    sector: Sector = Field(title="Sector")
    owner_id: Id = Field(title="Accountable owner")
    sponsor_id: Id | None = Field(default=None, title="Sponsor")
    ai_kind: AiKind = Field(title="Kind of AI")
    customer_facing: bool = Field(default=False, title="Customer-facing")
    decisions_about_people: bool = Field(default=False, title="Makes or informs decisions about people")
    personal_data: str = Field(default="", title="Personal or sensitive data used", max_length=LONG)
    sensitive_data: bool = Field(default=False, title="Uses special-category data")
    data_completeness: Rating = Field(default=3, title="Data completeness")
    data_accuracy: Rating = Field(default=3, title="Data accuracy")
    data_currency: Rating = Field(default=3, title="Data currency")
    measurable_goal: str = Field(default="", title="Measurable goal", max_length=LONG)
    ai_act_tier: AiActTier | None = Field(default=None, title="EU AI Act tier")
    ai_act_reason: str = Field(default="", title="Reason for the tier", max_length=LONG)
    monitoring_owner_id: Id | None = Field(default=None, title="Monitoring owner")
    ai_disclosure: bool = Field(default=False, title="AI disclosure to customers in place")
    human_path: bool = Field(default=False, title="Path to a human in place")
    source: str = Field(default="manual", title="Source", max_length=SHORT)
    source_file: str | None = Field(default=None, title="Source file", max_length=500)
    source_row: Id | None = Field(default=None, title="Source row")
    extra: ExtraAttributes = Field(default_factory=dict, title="Extra attributes")
    one_off_cost: Money | None = Field(default=None, title="One-off cost (EUR)")
    running_cost_per_month: Money | None = Field(default=None, title="Running cost per month (EUR)")


EDITABLE = set(UseCaseInput.model_fields) - {"source", "source_file", "source_row"}


def _check_people(session: Session, data: UseCaseInput) -> None:
    get_person(session, data.owner_id, "owner_id")
    for name in ("sponsor_id", "monitoring_owner_id"):
        if getattr(data, name) is not None:
            get_person(session, getattr(data, name), name)
    if data.ai_act_tier is not None and not data.ai_act_reason:
        raise InvalidInput({"ai_act_reason": "Reason for the tier is required when a tier is recorded."})


def next_key(session: Session) -> str:
    keys = session.exec(select(UseCase.key).where(col(UseCase.key).startswith(KEY_PREFIX))).all()
    numbers = [int(k[len(KEY_PREFIX) :]) for k in keys if k[len(KEY_PREFIX) :].isdigit()]
    return f"{KEY_PREFIX}{max(numbers, default=0) + 1:04d}"


def get_use_case(session: Session, key: str) -> UseCase:
    use_case = session.exec(select(UseCase).where(UseCase.key == key)).first() if check_key(key) else None
    if use_case is None:
        raise NotFound(f"There is no use case {key if check_key(key) else shown(key)}.")
    return use_case


def propose_use_case(
    session: Session, actor: Actor, *, key: str | None = None, at: datetime | None = None, **fields: Any
) -> UseCase:
    """Register a new use case in Proposed. `key` is assigned when not given; `at` dates a proposal made
    earlier (imports, the demo)."""
    require_role(session, actor, Role.contributor, "propose use cases")
    data = validate(UseCaseInput, fields)
    _check_people(session, data)
    at = check_moment(at, "at", "The date of the proposal")
    if key is not None:
        key = key.strip().upper() if isinstance(key, str) else ""
        if not check_key(key):
            raise InvalidInput({"key": "Key must be 1 to 20 characters, such as UC-0042."})
        if session.exec(select(UseCase.id).where(UseCase.key == key)).first() is not None:
            raise Conflict(
                f"The key {key} is already used by another use case; choose another or leave it empty."
            )
    at = at or utc_now()
    use_case = UseCase(
        key=key or next_key(session), stage=Stage.proposed, stage_entered_at=at, **data.model_dump()
    )
    session.add(use_case)
    session.flush()
    session.add(
        StageChange(
            use_case_id=use_case.id,
            to_stage=Stage.proposed,
            changed_at=at,
            changed_by_id=actor.id,
            reason="Proposed",
        )
    )
    record_event(session, actor, "use_case.proposed", "use_case", use_case.key, after=as_record(use_case))
    return use_case


# What changes a use case's row (and so its version), for saying what changed under an out-of-date edit.
ROW_CHANGES = ("use_case.updated", "use_case.stage_changed", "assessment.recorded")
FIELD_LABELS = {name: info.title or name for name, info in UseCaseInput.model_fields.items()}


def update_use_case(
    session: Session, actor: Actor, key: str, *, expected_version: int, **changes: Any
) -> UseCase:
    """Change a use case's recorded facts (not its stage). `expected_version` is the version the editor saw:
    required, so an edit made on an out-of-date page is refused with what changed meanwhile."""
    require_role(session, actor, Role.contributor, "edit use cases")
    use_case = get_use_case(session, key)
    refuse_stale_edit(
        session,
        current_version=use_case.version,
        expected_version=expected_version,
        what=use_case.key,
        entity="use_case",
        entity_id=use_case.key,
        actions=ROW_CHANGES,
        labels=FIELD_LABELS,
    )
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput({name: f"{name} cannot be edited here." for name in sorted(unknown)})
    before = as_record(use_case)
    current = {name: getattr(use_case, name) for name in UseCaseInput.model_fields}
    data = validate(UseCaseInput, current | changes)
    _check_people(session, data)
    for name in changes:
        setattr(use_case, name, getattr(data, name))
    session.add(use_case)
    session.flush()
    record_event(
        session, actor, "use_case.updated", "use_case", use_case.key, before=before, after=as_record(use_case)
    )
    return use_case


def change_stage(
    session: Session,
    actor: Actor,
    use_case: UseCase,
    target: Stage,
    *,
    reason: str,
    gate_decision: GateDecision | None = None,
    at: datetime | None = None,
) -> None:
    """Move a use case, recording the change. Callers have checked the move's requirement."""
    before = {"stage": use_case.stage, "stage_entered_at": use_case.stage_entered_at}
    now = at or utc_now()
    if now < use_case.stage_entered_at:
        raise RuleViolation(f"{use_case.key} entered its current stage after that date; check the date.")
    session.add(
        StageChange(
            use_case_id=use_case.id,
            from_stage=use_case.stage,
            to_stage=target,
            changed_at=now,
            changed_by_id=actor.id,
            reason=reason,
            gate_decision_id=gate_decision.id if gate_decision else None,
        )
    )
    use_case.stage = target
    use_case.stage_entered_at = now
    session.add(use_case)
    session.flush()
    record_event(
        session,
        actor,
        "use_case.stage_changed",
        "use_case",
        use_case.key,
        before=before,
        after={"stage": target, "stage_entered_at": now, "reason": reason},
    )


def move_stage(
    session: Session,
    actor: Actor,
    key: str,
    target: Stage | str,
    *,
    reason: str = "",
    at: datetime | None = None,
) -> UseCase:
    """Moves that need no gate decision or lesson: into Assessed, back one stage, Rejected, Retired.
    Gate moves go through `gates.record_gate_decision`, stopping through `lessons.stop_with_lesson`."""
    use_case = get_use_case(session, key)
    move = lifecycle.plan_move(use_case.stage, target)
    reason = reason_text(reason)
    at = check_moment(at, "at", "The date of the move")
    if move.requirement == lifecycle.Requirement.gate_go:
        raise RuleViolation(
            f"Moving into {move.target.label} needs a gate decision: record a go at the {move.gate.label} gate."
        )
    if move.requirement == lifecycle.Requirement.lesson:
        raise RuleViolation(
            "Stopping needs a lesson: write what was tried, what happened and what you would do differently."
        )
    # Decisions (rejecting, retiring, stepping back) belong to approvers; marking as assessed to the team.
    if move.requirement == lifecycle.Requirement.reason or move.target == Stage.retired:
        require_role(session, actor, Role.approver, f"move a use case to {move.target.label}")
        if not reason:
            raise InvalidInput({"reason": f"Write why {use_case.key} goes to {move.target.label}."})
    else:
        require_role(session, actor, Role.contributor, "move use cases")
    if move.requirement == lifecycle.Requirement.scored and use_case.reviewer_count == 0:
        raise RuleViolation(
            f"{use_case.key} has no scores yet: a reviewer must score it before it counts as assessed."
        )
    change_stage(session, actor, use_case, move.target, reason=reason or move.target.label, at=at)
    return use_case


# --- reads -------------------------------------------------------------------------------------------------

PORTFOLIO_COLUMNS = [
    "key",
    "title",
    "stage",
    "sector",
    "team",
    "business_unit",
    "owner",
    "ai_kind",
    "ai_act_tier",
    "customer_facing",
    "impact",
    "risk",
    "quadrant",
    "reviewers",
    "days_in_stage",
    "gaps",
    "updated_at",
]


@dataclass(frozen=True)
class PortfolioFilter:
    search: str = ""
    stages: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    keys: tuple[str, ...] | None = None  # only these use cases (the ones behind an overview figure)


def quadrant_thresholds(session: Session) -> tuple[float, float]:
    """(impact, risk) thresholds of the active scoring model; the defaults when none is active."""
    row = session.exec(
        select(ScoringModel.impact_threshold, ScoringModel.risk_threshold).where(ScoringModel.is_active)
    ).first()
    return (row[0], row[1]) if row else (50.0, 50.0)


def portfolio_table(
    session: Session, filters: PortfolioFilter = PortfolioFilter(), *, now: datetime | None = None
) -> pd.DataFrame:
    """One row per use case, filtered in SQL, with what the portfolio table shows."""
    impact_threshold, risk_threshold = quadrant_thresholds(session)
    owner = aliased(Person)
    kpi_count = (
        select(func.count(Kpi.id))
        .where(Kpi.use_case_id == UseCase.id, col(Kpi.retired_on).is_(None))
        .scalar_subquery()
    )
    query = select(
        UseCase.key,
        UseCase.title,
        UseCase.stage,
        UseCase.sector,
        UseCase.team,
        UseCase.business_unit,
        owner.name.label("owner"),
        UseCase.ai_kind,
        UseCase.ai_act_tier,
        UseCase.customer_facing,
        UseCase.impact_score,
        UseCase.risk_score,
        UseCase.reviewer_count,
        UseCase.stage_entered_at,
        UseCase.updated_at,
        UseCase.problem,
        kpi_count.label("kpi_count"),
    ).outerjoin(owner, owner.id == UseCase.owner_id)
    if filters.search.strip():
        pattern = f"%{filters.search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(UseCase.title).like(pattern),
                func.lower(UseCase.problem).like(pattern),
                func.lower(UseCase.key).like(pattern),
                func.lower(UseCase.team).like(pattern),
                func.lower(owner.name).like(pattern),
            )
        )
    for column, values in (
        (UseCase.stage, filters.stages),
        (UseCase.sector, filters.sectors),
        (UseCase.team, filters.teams),
        (UseCase.ai_act_tier, filters.tiers),
    ):
        if values:
            query = query.where(col(column).in_(values))
    if filters.keys is not None:
        query = query.where(col(UseCase.key).in_(filters.keys))
    rows = session.exec(query.order_by(UseCase.key)).all()
    now = now or utc_now()
    records = [
        {
            "key": r.key,
            "title": r.title,
            "stage": r.stage,
            "sector": r.sector,
            "team": r.team,
            "business_unit": r.business_unit,
            "owner": r.owner,
            "ai_kind": r.ai_kind,
            "ai_act_tier": r.ai_act_tier,
            "customer_facing": r.customer_facing,
            "impact": r.impact_score,
            "risk": r.risk_score,
            "quadrant": quadrant(r.impact_score, r.risk_score, impact_threshold, risk_threshold).value
            if r.impact_score is not None and r.risk_score is not None
            else None,
            "reviewers": r.reviewer_count,
            "days_in_stage": (now - r.stage_entered_at).days,
            "gaps": "; ".join(
                completeness.gaps(
                    owner_named=r.owner is not None,
                    tier=r.ai_act_tier,
                    reviewer_count=r.reviewer_count,
                    kpi_count=r.kpi_count,
                    problem=r.problem,
                    team=r.team,
                )
            )
            or None,
            "updated_at": r.updated_at,
        }
        for r in rows
    ]
    return frames.frame(records, PORTFOLIO_COLUMNS)


@dataclass(frozen=True)
class PortfolioSummary:
    active: int
    in_pilot: int
    scaling_or_live: int
    stuck_pilots: int
    closed: int
    without_owner: int = 0


def summarise(table: pd.DataFrame, pilot_limit_days: int) -> PortfolioSummary:
    """Headline counts for a portfolio table (as filtered); pilots over the limit count as stuck."""
    stage = table["stage"]
    pilots = table[stage == Stage.pilot]
    return PortfolioSummary(
        active=int(stage.isin(lifecycle.ACTIVE).sum()),
        in_pilot=len(pilots),
        scaling_or_live=int(stage.isin([Stage.scale_up, Stage.production]).sum()),
        stuck_pilots=int((pilots["days_in_stage"] > pilot_limit_days).sum()),
        closed=int(stage.isin(lifecycle.TERMINAL).sum()),
        without_owner=int((table["owner"].isna() & stage.isin(lifecycle.ACTIVE)).sum()),
    )


def filter_choices(session: Session) -> dict[str, list[str]]:
    """The values the portfolio's filters offer: those present in the data."""
    return {
        "teams": sorted(session.exec(select(UseCase.team).distinct()).all()),
        "sectors": sorted(session.exec(select(UseCase.sector).distinct()).all()),
    }


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
