"""Reads of the public incident library: search, and incidents like a proposal."""

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, col, func, select

from portfolio import frames
from portfolio.models import Incident
from portfolio.search import INCIDENTS, matches, search_terms
from portfolio.services.incidents import incident_link

COLUMNS = [
    "id",
    "occurred_on",
    "title",
    "description",
    "deployers",
    "developers",
    "harmed_parties",
    "risk_domain",
    "risk_subdomain",
    "link",
]
SIMILAR_TERMS = 16  # the first words of a proposal (title first) used to find similar text; more dilutes


@dataclass(frozen=True)
class IncidentResults:
    rows: pd.DataFrame
    total: int  # incidents in the library
    words: list[str]  # the words searched for; empty when the query held none


def _frame(rows: list) -> pd.DataFrame:
    return frames.frame(
        [
            {
                "id": r.id,
                "occurred_on": r.occurred_on,
                "title": r.title,
                "description": r.description,
                "deployers": r.deployers,
                "developers": r.developers,
                "harmed_parties": r.harmed_parties,
                "risk_domain": r.risk_domain or None,
                "risk_subdomain": r.risk_subdomain or None,
                "link": incident_link(r.id),
            }
            for r in rows
        ],
        COLUMNS,
    )


def _columns() -> tuple:
    return (
        Incident.id,
        Incident.occurred_on,
        Incident.title,
        Incident.description,
        Incident.deployers,
        Incident.developers,
        Incident.harmed_parties,
        Incident.risk_domain,
        Incident.risk_subdomain,
    )


def search_incidents(session: Session, query: str = "", *, limit: int = 50) -> IncidentResults:
    """Incidents holding every word of `query`, best match first; without words, the most recent."""
    total = session.exec(select(func.count()).select_from(Incident)).one()
    words = search_terms(query)
    statement = select(*_columns())
    if words:
        found = matches(INCIDENTS, session.get_bind().dialect.name, words)
        statement = statement.join(found, found.c.id == Incident.id).order_by(
            found.c.relevance.desc(), col(Incident.occurred_on).desc()
        )
    else:
        statement = statement.order_by(col(Incident.occurred_on).desc().nulls_last(), col(Incident.id).desc())
    return IncidentResults(_frame(session.exec(statement.limit(limit)).all()), total, words)


def similar_incidents(session: Session, title: str, problem: str = "", *, limit: int = 5) -> pd.DataFrame:
    """Public incidents that share the most telling words with a use case's title and problem, ranked by
    the database's full-text relevance (title words count more)."""
    words = search_terms(f"{title} {problem}", limit=SIMILAR_TERMS, similar=True)
    if not words:
        return _frame([])
    found = matches(INCIDENTS, session.get_bind().dialect.name, words, any_term=True)
    statement = (
        select(*_columns())
        .join(found, found.c.id == Incident.id)
        .order_by(found.c.relevance.desc(), col(Incident.id).desc())
        .limit(limit)
    )
    return _frame(session.exec(statement).all())
