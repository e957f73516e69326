"""A reviewer's assessment of a use case: scores for every criterion of the active model, checked all at once,
and the use case's kept consensus of its reviewers' latest assessments."""

import math
from datetime import datetime
from typing import Any

from pydantic import Field
from sqlmodel import Session, col, func, select

from portfolio import scoring
from portfolio.errors import Conflict, InvalidInput
from portfolio.models import Assessment, AssessmentScore, Dimension, Role, UseCase
from portfolio.models.columns import utc_now
from portfolio.models.tables import LONG
from portfolio.services.assessments.scoring_model import ActiveModel, active_model
from portfolio.services.audit import Actor, record_event
from portfolio.services.people import require_role
from portfolio.services.use_cases import get_use_case
from portfolio.validation import Input, shown, text_problem, validate


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
