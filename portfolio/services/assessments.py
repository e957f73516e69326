"""The scoring model (versioned) and reviewers' assessments of use cases."""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from pydantic import Field
from sqlmodel import Session, col, func, select

from portfolio import frames, scoring
from portfolio.errors import Conflict, InvalidInput, RuleViolation
from portfolio.models import (
    Assessment,
    AssessmentScore,
    Criterion,
    Dimension,
    Person,
    Role,
    ScoringModel,
    Stage,
    UseCase,
)
from portfolio.models.columns import utc_now
from portfolio.models.tables import LONG
from portfolio.services.audit import SYSTEM, Actor, record_event
from portfolio.services.people import require_role
from portfolio.services.use_cases import get_use_case, quadrant_thresholds
from portfolio.validation import Input, Percent, shown, text_problem, validate


@dataclass(frozen=True)
class ActiveModel:
    id: int
    version_number: int
    name: str
    impact_threshold: float
    risk_threshold: float
    criteria: tuple[scoring.CriterionSpec, ...]
    criterion_ids: dict[str, int]


def ensure_default_scoring_model(session: Session) -> None:
    """Create version 1 of the scoring model, with the default criteria, if there is none."""
    if session.exec(select(ScoringModel.id)).first() is not None:
        return
    model = ScoringModel(
        version_number=1,
        name="Default impact and risk model",
        is_active=True,
        note="The defaults this tool ships with.",
    )
    session.add(model)
    session.flush()
    for position, spec in enumerate(scoring.DEFAULT_CRITERIA):
        session.add(
            Criterion(
                scoring_model_id=model.id,
                key=spec.key,
                name=spec.name,
                dimension=spec.dimension,
                description=spec.description,
                anchor_low=spec.anchor_low,
                anchor_high=spec.anchor_high,
                weight=spec.weight,
                position=position,
            )
        )
    record_event(
        session,
        SYSTEM,
        "scoring_model.created",
        "scoring_model",
        model.version_number,
        after={"name": model.name, "criteria": [c.key for c in scoring.DEFAULT_CRITERIA]},
    )


def active_model(session: Session) -> ActiveModel:
    model = session.exec(select(ScoringModel).where(ScoringModel.is_active)).first()
    if model is None:
        raise RuleViolation("No scoring model is active. An administrator must activate one before scoring.")
    criteria = session.exec(
        select(Criterion).where(Criterion.scoring_model_id == model.id).order_by(Criterion.position)
    ).all()
    return ActiveModel(
        id=model.id,
        version_number=model.version_number,
        name=model.name,
        impact_threshold=model.impact_threshold,
        risk_threshold=model.risk_threshold,
        criteria=tuple(
            scoring.CriterionSpec(
                c.key, c.name, Dimension(c.dimension), c.weight, c.anchor_low, c.anchor_high, c.description
            )
            for c in criteria
        ),
        criterion_ids={c.key: c.id for c in criteria},
    )


class OverallComment(Input):
    comment: str = Field(default="", title="Overall comment", max_length=LONG)


def _check_scores(model: ActiveModel, scores: dict[str, Any], comments: dict[str, str]) -> dict[str, int]:
    if not isinstance(scores, dict):
        raise InvalidInput({"scores": "Give a score from 1 to 5 for each criterion."})
    if not isinstance(comments, dict):
        raise InvalidInput({"comments": "Give the comments by criterion."})
    problems: dict[str, str] = {}
    clean: dict[str, int] = {}
    for spec in model.criteria:
        value = scores.get(spec.key)
        if value is None:
            problems[spec.key] = f"{spec.name}: give a score from 1 to 5."
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or int(value) != value
        ):
            problems[spec.key] = (
                f"{spec.name}: the score must be a whole number from 1 to 5 (got {shown(value)})."
            )
            continue
        if not scoring.MIN_SCORE <= value <= scoring.MAX_SCORE:
            problems[spec.key] = f"{spec.name}: the score must be from 1 to 5 (got {value})."
            continue
        comment = comments.get(spec.key) or ""
        if not isinstance(comment, str):
            problems[spec.key] = f"{spec.name}: the comment must be text (got {shown(comment)})."
            continue
        comment = comment.strip()
        if value in (scoring.MIN_SCORE, scoring.MAX_SCORE) and not comment:
            problems[spec.key] = (
                f"{spec.name}: explain a score of {int(value)} in a comment (extreme scores need one)."
            )
            continue
        if len(comment) > LONG:
            problems[spec.key] = f"{spec.name}: the comment is too long: keep it to {LONG:,} characters."
            continue
        if problem := text_problem(comment):
            problems[spec.key] = f"{spec.name}: the comment {problem}."
            continue
        clean[spec.key] = int(value)
    unknown = set(scores) - {c.key for c in model.criteria}
    for key in sorted(unknown, key=str):
        problems[str(key)] = (
            f"{shown(key)} is not a criterion of scoring model version {model.version_number}."
        )
    if problems:
        raise InvalidInput(problems)
    return clean


def refresh_consensus(session: Session, use_case: UseCase) -> scoring.Consensus | None:
    """Recompute the use case's kept mean scores from each reviewer's latest assessment."""
    latest_ids = (
        select(func.max(Assessment.id))
        .where(Assessment.use_case_id == use_case.id)
        .group_by(Assessment.reviewer_id)
    )
    latest = session.exec(
        select(Assessment.impact_score, Assessment.risk_score).where(col(Assessment.id).in_(latest_ids))
    ).all()
    result = scoring.consensus([(i, r) for i, r in latest])
    use_case.impact_score = result.impact if result else None
    use_case.risk_score = result.risk if result else None
    use_case.score_spread = result.spread if result else None
    use_case.reviewer_count = result.reviewers if result else 0
    session.add(use_case)
    return result


def record_assessment(
    session: Session,
    actor: Actor,
    key: str,
    scores: dict[str, Any],
    *,
    comments: dict[str, str] | None = None,
    comment: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Assessment:
    """One reviewer's scores for every criterion of the active model. A rescore adds a new assessment."""
    require_role(session, actor, Role.reviewer, "score use cases")
    use_case = get_use_case(session, key)
    if expected_version is not None and use_case.version != expected_version:
        raise Conflict(
            f"{use_case.key} changed while you were scoring (perhaps another score was saved). "
            "Reload it and check before saving again."
        )
    model = active_model(session)
    comments = comments or {}
    clean = _check_scores(model, scores, comments)
    comment = validate(OverallComment, {"comment": comment}).comment
    impact = scoring.composite(clean, model.criteria, Dimension.impact)
    risk = scoring.composite(clean, model.criteria, Dimension.risk)
    assessment = Assessment(
        use_case_id=use_case.id,
        reviewer_id=actor.id,
        scoring_model_id=model.id,
        impact_score=impact,
        risk_score=risk,
        comment=comment,
        assessed_at=at or utc_now(),
    )
    session.add(assessment)
    session.flush()
    for criterion_key, value in clean.items():
        session.add(
            AssessmentScore(
                assessment_id=assessment.id,
                criterion_id=model.criterion_ids[criterion_key],
                score=value,
                comment=(comments.get(criterion_key) or "").strip(),
            )
        )
    refresh_consensus(session, use_case)
    session.flush()
    record_event(
        session,
        actor,
        "assessment.recorded",
        "use_case",
        use_case.key,
        after={"scores": clean, "impact": impact, "risk": risk, "model_version": model.version_number},
    )
    return assessment


# --- the scoring model, configured by an administrator ------------------------------------------------------


class CriterionInput(Input):
    key: str = Field(title="Key", min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(title="Criterion", min_length=1, max_length=200)
    dimension: Dimension = Field(title="Dimension")
    description: str = Field(default="", title="Description", max_length=LONG)
    anchor_low: str = Field(title="What a 1 means", min_length=1, max_length=LONG)
    anchor_high: str = Field(title="What a 5 means", min_length=1, max_length=LONG)
    weight: Percent = Field(title="Weight", gt=0)


class ScoringModelInput(Input):
    name: str = Field(title="Model name", min_length=1, max_length=200)
    note: str = Field(default="", title="What changed", max_length=LONG)
    impact_threshold: Percent = Field(default=50.0, title="Impact threshold")
    risk_threshold: Percent = Field(default=50.0, title="Risk threshold")


MIN_CRITERIA_PER_DIMENSION = 2
MAX_WEIGHT_SHARE = 0.6  # no single criterion may decide more than this share of its dimension


def check_criteria(rows: list[dict[str, Any]]) -> list[CriterionInput]:
    """Validate a model's criteria, reporting every bad row; weights are relative within a dimension."""
    problems: dict[str, str] = {}
    criteria: list[CriterionInput] = []
    for number, row in enumerate(rows, start=1):
        try:
            criteria.append(validate(CriterionInput, row))
        except InvalidInput as error:
            problems[f"criterion {number}"] = f"Criterion {number}: " + " ".join(error.problems.values())
    if problems:
        raise InvalidInput(problems)
    keys = [c.key for c in criteria]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems[key] = f"The key {key} is used twice; every criterion needs its own key."
    for dimension in Dimension:
        chosen = [c for c in criteria if c.dimension == dimension]
        if len(chosen) < MIN_CRITERIA_PER_DIMENSION:
            problems[dimension] = (
                f"Give {dimension.label.lower()} at least {MIN_CRITERIA_PER_DIMENSION} criteria."
            )
            continue
        total = sum(c.weight for c in chosen)
        for c in chosen:
            if c.weight / total > MAX_WEIGHT_SHARE:
                problems[c.key] = (
                    f"{c.name} carries {c.weight / total:.0%} of the {dimension.label.lower()} weight; keep every "
                    f"criterion under {MAX_WEIGHT_SHARE:.0%} so that one score cannot decide alone."
                )
    if problems:
        raise InvalidInput(problems)
    return criteria


def create_model_version(
    session: Session, actor: Actor, *, criteria: list[dict[str, Any]], **fields: Any
) -> ScoringModel:
    """A new active version of the scoring model. Earlier scores keep the version they were made under."""
    require_role(session, actor, Role.administrator, "change the scoring model")
    data = validate(ScoringModelInput, fields)
    if not isinstance(criteria, list | tuple):
        raise InvalidInput({"criteria": "Give the criteria as a list."})
    checked = check_criteria(list(criteria))
    latest = session.exec(select(func.max(ScoringModel.version_number))).one() or 0
    previous = session.exec(select(ScoringModel).where(ScoringModel.is_active)).all()
    for model in previous:
        model.is_active = False
        session.add(model)
    session.flush()
    model = ScoringModel(
        version_number=latest + 1, is_active=True, created_by_id=actor.id, **data.model_dump()
    )
    session.add(model)
    session.flush()
    for position, criterion in enumerate(checked):
        session.add(Criterion(scoring_model_id=model.id, position=position, **criterion.model_dump()))
    record_event(
        session,
        actor,
        "scoring_model.created",
        "scoring_model",
        model.version_number,
        after=data.model_dump() | {"criteria": [c.model_dump() for c in checked]},
    )
    return model


def model_versions(session: Session) -> pd.DataFrame:
    names = dict(session.exec(select(Person.id, Person.name)).all())
    used = dict(
        session.exec(
            select(Assessment.scoring_model_id, func.count()).group_by(Assessment.scoring_model_id)
        ).all()
    )
    rows = session.exec(select(ScoringModel).order_by(ScoringModel.version_number.desc())).all()
    return frames.frame(
        [
            {
                "version": m.version_number,
                "name": m.name,
                "active": m.is_active,
                "created_at": m.created_at,
                "created_by": names.get(m.created_by_id, "System"),
                "note": m.note,
                "impact_threshold": m.impact_threshold,
                "risk_threshold": m.risk_threshold,
                "assessments": used.get(m.id, 0),
            }
            for m in rows
        ],
        [
            "version",
            "name",
            "active",
            "created_at",
            "created_by",
            "note",
            "impact_threshold",
            "risk_threshold",
            "assessments",
        ],
    )


# --- reads for the scoring pages ----------------------------------------------------------------------------


def reviewer_scores(session: Session, key: str) -> pd.DataFrame:
    """Each reviewer's latest score per criterion for one use case: one row per criterion, one column each."""
    use_case = get_use_case(session, key)
    latest_ids = (
        select(func.max(Assessment.id))
        .where(Assessment.use_case_id == use_case.id)
        .group_by(Assessment.reviewer_id)
    )
    rows = session.exec(
        select(
            Person.name,
            Criterion.name,
            Criterion.dimension,
            Criterion.position,
            AssessmentScore.score,
            AssessmentScore.comment,
        )
        .join(Assessment, Assessment.id == AssessmentScore.assessment_id)
        .join(Person, Person.id == Assessment.reviewer_id)
        .join(Criterion, Criterion.id == AssessmentScore.criterion_id)
        .where(col(Assessment.id).in_(latest_ids))
    ).all()
    frame = pd.DataFrame(rows, columns=["reviewer", "criterion", "dimension", "position", "score", "comment"])
    if frame.empty:
        return frame
    table = frame.pivot_table(
        index=["dimension", "position", "criterion"], columns="reviewer", values="score"
    )
    return frames.with_none(
        table.reset_index().sort_values(["dimension", "position"]).drop(columns="position")
    )


@dataclass(frozen=True)
class MatrixFilter:
    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()


MATRIX_COLUMNS = [
    "key",
    "title",
    "stage",
    "sector",
    "team",
    "ai_act_tier",
    "impact",
    "risk",
    "spread",
    "reviewers",
    "reach",
    "quadrant",
    "priority",
]


def matrix_points(session: Session, filters: MatrixFilter = MatrixFilter()) -> pd.DataFrame:
    """Every scored use case with its mean impact, risk, reach (mean of reviewers' latest reach scores),
    quadrant and priority: one query for the points, one for reach."""
    impact_threshold, risk_threshold = quadrant_thresholds(session)
    query = select(
        UseCase.id,
        UseCase.key,
        UseCase.title,
        UseCase.stage,
        UseCase.sector,
        UseCase.team,
        UseCase.ai_act_tier,
        UseCase.impact_score,
        UseCase.risk_score,
        UseCase.score_spread,
        UseCase.reviewer_count,
    ).where(col(UseCase.impact_score).is_not(None))
    for column, values in (
        (UseCase.sector, filters.sectors),
        (UseCase.team, filters.teams),
        (UseCase.stage, filters.stages),
        (UseCase.ai_act_tier, filters.tiers),
    ):
        if values:
            query = query.where(col(column).in_(values))
    rows = session.exec(query).all()
    latest_ids = select(func.max(Assessment.id)).group_by(Assessment.use_case_id, Assessment.reviewer_id)
    reach = dict(
        session.exec(
            select(Assessment.use_case_id, func.avg(AssessmentScore.score))
            .join(AssessmentScore, AssessmentScore.assessment_id == Assessment.id)
            .join(Criterion, Criterion.id == AssessmentScore.criterion_id)
            .where(col(Assessment.id).in_(latest_ids), Criterion.key == "reach")
            .group_by(Assessment.use_case_id)
        ).all()
    )
    return frames.frame(
        [
            {
                "key": r.key,
                "title": r.title,
                "stage": r.stage,
                "sector": r.sector,
                "team": r.team,
                "ai_act_tier": r.ai_act_tier,
                "impact": r.impact_score,
                "risk": r.risk_score,
                "spread": r.score_spread,
                "reviewers": r.reviewer_count,
                "reach": round(float(reach.get(r.id, 3)), 1),
                "quadrant": scoring.quadrant(
                    r.impact_score, r.risk_score, impact_threshold, risk_threshold
                ).value,
                "priority": scoring.priority(r.impact_score, r.risk_score),
            }
            for r in rows
        ],
        MATRIX_COLUMNS,
    )


BACKLOG_STAGES = (Stage.proposed, Stage.assessed)


def backlog(points: pd.DataFrame) -> pd.DataFrame:
    """Scored use cases not yet in a pilot, highest priority first (ties: higher impact first)."""
    waiting = points[points["stage"].isin(BACKLOG_STAGES)]
    return waiting.sort_values(["priority", "impact"], ascending=False).reset_index(drop=True)


def my_latest_scores(session: Session, key: str, reviewer_id: int | None) -> dict[str, tuple[int, str]]:
    """The reviewer's latest score and comment per criterion key for this use case, to start a rescore from."""
    use_case = get_use_case(session, key)
    latest = session.exec(
        select(func.max(Assessment.id)).where(
            Assessment.use_case_id == use_case.id, Assessment.reviewer_id == reviewer_id
        )
    ).one()
    if latest is None:
        return {}
    rows = session.exec(
        select(Criterion.key, AssessmentScore.score, AssessmentScore.comment)
        .join(Criterion, Criterion.id == AssessmentScore.criterion_id)
        .where(AssessmentScore.assessment_id == latest)
    ).all()
    return {k: (score, comment) for k, score, comment in rows}


def scoring_queue(session: Session) -> list[tuple[str, str, int]]:
    """(key, title, version) of every open use case a reviewer can score, newest proposals first."""
    return list(
        session.exec(
            select(UseCase.key, UseCase.title, UseCase.version)
            .where(
                col(UseCase.stage).in_(
                    [Stage.proposed, Stage.assessed, Stage.pilot, Stage.scale_up, Stage.production]
                )
            )
            .order_by(UseCase.reviewer_count, UseCase.key.desc())
        ).all()
    )
