"""Is a proposal already in the portfolio? The comparison itself is the pure rule in portfolio.similarity;
this reads the portfolio into its index (one query; a page caches it per portfolio revision)."""

import pandas as pd
from sqlmodel import Session, select

from portfolio import frames, similarity
from portfolio.models import UseCase

SIMILAR_COLUMNS = ["key", "title", "stage", "team", "similarity", "title_similarity", "problem_similarity"]


def similarity_index(session: Session) -> similarity.Index:
    rows = session.exec(
        select(UseCase.key, UseCase.title, UseCase.problem, UseCase.stage, UseCase.team).order_by(UseCase.key)
    ).all()
    return similarity.build_index(tuple(row) for row in rows)


def as_table(matches: list[similarity.Match]) -> pd.DataFrame:
    """Matches with their similarity in whole percent, overall and for the title and the problem."""
    return frames.frame(
        [
            {
                "key": m.key,
                "title": m.title,
                "stage": m.stage,
                "team": m.team,
                "similarity": round(100 * m.score),
                "title_similarity": round(100 * m.title_score),
                "problem_similarity": round(100 * m.problem_score),
            }
            for m in matches
        ],
        SIMILAR_COLUMNS,
    )


def similar_use_cases(session: Session, title: str, problem: str = "", *, limit: int = 5) -> pd.DataFrame:
    """Use cases anywhere in the portfolio that look like the same idea as (title, problem)."""
    return as_table(similarity.similar(similarity_index(session), title, problem, limit=limit))
