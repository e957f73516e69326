"""The scoring model (versioned) and reviewers' assessments of use cases."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from portfolio import scoring
from portfolio.errors import Conflict, InvalidInput, RuleViolation
from portfolio.models import (
    Assessment,
    AssessmentScore,
    Criterion,
    Dimension,
    Role,
    ScoringModel,
    UseCase,
)
from portfolio.models.columns import utc_now
from portfolio.models.tables import LONG
from portfolio.services.audit import SYSTEM, Actor, record_event
from portfolio.services.people import require_role
from portfolio.services.use_cases import get_use_case
from portfolio.validation import text_problem


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


def _check_scores(model: ActiveModel, scores: dict[str, Any], comments: dict[str, str]) -> dict[str, int]:
    problems: dict[str, str] = {}
    clean: dict[str, int] = {}
    for spec in model.criteria:
        value = scores.get(spec.key)
        if value is None:
            problems[spec.key] = f"{spec.name}: give a score from 1 to 5."
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
            problems[spec.key] = f"{spec.name}: the score must be a whole number from 1 to 5 (got {value!r})."
            continue
        if not scoring.MIN_SCORE <= value <= scoring.MAX_SCORE:
            problems[spec.key] = f"{spec.name}: the score must be from 1 to 5 (got {value})."
            continue
        comment = (comments.get(spec.key) or "").strip()
        if value in (scoring.MIN_SCORE, scoring.MAX_SCORE) and not comment:
            problems[spec.key] = (
                f"{spec.name}: explain a score of {int(value)} in a comment (extreme scores need one)."
            )
            continue
        if len(comment) > LONG or (comment and text_problem(comment)):
            problems[spec.key] = f"{spec.name}: the comment is too long or has broken characters."
            continue
        clean[spec.key] = int(value)
    unknown = set(scores) - {c.key for c in model.criteria}
    for key in sorted(unknown):
        problems[key] = f"{key} is not a criterion of scoring model version {model.version_number}."
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
    if len(comment) > LONG or text_problem(comment):
        raise InvalidInput({"comment": "The overall comment is too long or has broken characters."})
    impact = scoring.composite(clean, model.criteria, Dimension.impact)
    risk = scoring.composite(clean, model.criteria, Dimension.risk)
    assessment = Assessment(
        use_case_id=use_case.id,
        reviewer_id=actor.id,
        scoring_model_id=model.id,
        impact_score=impact,
        risk_score=risk,
        comment=comment.strip(),
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
