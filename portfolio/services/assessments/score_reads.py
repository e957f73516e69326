"""What the score and use case pages read about scores: each reviewer's latest scores for a use case, a
reviewer's own latest to start a rescore from, and the use cases waiting to be scored."""

import pandas as pd
from sqlmodel import Session, col, func, select

from portfolio import frames
from portfolio.models import Assessment, AssessmentScore, Criterion, Person, Stage, UseCase
from portfolio.services.use_cases import get_use_case


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
