"""Reads of the lessons library: search with filters (failures first), counts over time, the choices the
filters offer, and the lessons relevant to a proposal or a use case at a gate."""

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import ColumnElement, Select, bindparam, case, extract, literal, or_, text
from sqlmodel import Session, col, func, select

from portfolio import frames
from portfolio.models import Lesson, LessonCategory, LessonOutcome, Person, UseCase
from portfolio.search import LESSONS, matches, search_terms
from portfolio.views.incidents import SIMILAR_TERMS, similar_incidents

MAX_SHOWN = 200
OUTCOME_ORDER = case(
    {LessonOutcome.failure.value: 0, LessonOutcome.partial.value: 1},
    value=Lesson.outcome,
    else_=2,
)


@dataclass(frozen=True)
class LessonFilter:
    query: str = ""
    outcomes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    use_cases: tuple[str, ...] = ()  # keys


@dataclass(frozen=True)
class LessonLibrary:
    rows: pd.DataFrame  # one lesson per row, failures first, best match first within an outcome
    total: int  # lessons matching (more than shown when over MAX_SHOWN)
    words: list[str]  # the words searched for; empty when the query held none


LESSON_COLUMNS = [
    "id",
    "version",
    "key",
    "use_case_title",
    "sector",
    "team",
    "ai_kind",
    "title",
    "tried",
    "happened",
    "root_cause",
    "do_differently",
    "outcome",
    "category",
    "stage",
    "tags",
    "author",
    "recorded_at",
]


def _has_tag(dialect: str, tags: tuple[str, ...]) -> ColumnElement[bool]:
    if dialect == "sqlite":
        return text(
            "EXISTS (SELECT 1 FROM json_each(lesson.tags) WHERE json_each.value IN :wanted_tags)"
        ).bindparams(bindparam("wanted_tags", list(tags), expanding=True))
    return text("jsonb_exists_any(lesson.tags, :wanted_tags)").bindparams(wanted_tags=list(tags))


def _filtered(session: Session, filters: LessonFilter, columns: tuple) -> tuple[Select, list[str], object]:
    """The lessons matching `filters`, joined to their use case, with the search match when words were given."""
    dialect = session.get_bind().dialect.name
    words = search_terms(filters.query)
    statement = select(*columns).join(UseCase, col(UseCase.id) == Lesson.use_case_id)
    found = None
    if words:
        found = matches(LESSONS, dialect, words)
        statement = statement.join(found, found.c.id == Lesson.id)
    for column, chosen in (
        (Lesson.outcome, filters.outcomes),
        (Lesson.category, filters.categories),
        (UseCase.sector, filters.sectors),
        (UseCase.team, filters.teams),
        (Lesson.stage, filters.stages),
        (UseCase.key, filters.use_cases),
    ):
        if chosen:
            statement = statement.where(col(column).in_(chosen))
    if filters.tags:
        statement = statement.where(_has_tag(dialect, filters.tags))
    return statement, words, found


def lesson_library(session: Session, filters: LessonFilter = LessonFilter()) -> LessonLibrary:
    """Lessons matching the search words (all of them, any order) and the filters: failures first, then
    partial successes, then successes; within each, the best match (or the newest) first."""
    columns = (
        Lesson,
        UseCase.key,
        UseCase.title.label("use_case_title"),
        UseCase.sector,
        UseCase.team,
        UseCase.ai_kind,
        Person.name.label("author"),
    )
    statement, words, found = _filtered(session, filters, columns)
    statement = statement.outerjoin(Person, col(Person.id) == Lesson.author_id)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    order = [OUTCOME_ORDER]
    if found is not None:
        order.append(found.c.relevance.desc())
    statement = statement.order_by(*order, col(Lesson.created_at).desc(), col(Lesson.id).desc())
    rows = [
        {
            "id": lesson.id,
            "version": lesson.version,
            "key": key,
            "use_case_title": use_case_title,
            "sector": sector,
            "team": team,
            "ai_kind": ai_kind,
            "title": lesson.title,
            "tried": lesson.tried,
            "happened": lesson.happened,
            "root_cause": lesson.root_cause,
            "do_differently": lesson.do_differently,
            "outcome": lesson.outcome,
            "category": lesson.category,
            "stage": lesson.stage,
            "tags": list(lesson.tags or []),
            "author": author,
            "recorded_at": lesson.created_at,
        }
        for lesson, key, use_case_title, sector, team, ai_kind, author in session.exec(
            statement.limit(MAX_SHOWN)
        ).all()
    ]
    frame = frames.frame(rows, LESSON_COLUMNS)
    return LessonLibrary(frame, total, words)


def lesson_counts(session: Session, filters: LessonFilter = LessonFilter()) -> pd.DataFrame:
    """Lessons per quarter recorded, category and outcome (labels included), for the trend chart."""
    year = extract("year", Lesson.created_at).label("year")
    month = extract("month", Lesson.created_at).label("month")
    statement, _words, _found = _filtered(
        session, filters, (year, month, Lesson.category, Lesson.outcome, func.count().label("lessons"))
    )
    rows = session.exec(statement.group_by(year, month, Lesson.category, Lesson.outcome)).all()
    columns = ["quarter", "category", "category_label", "outcome", "outcome_label", "lessons"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows, columns=["year", "month", "category", "outcome", "lessons"])
    # Months roll up to quarters here: a handful of rows, and quarter arithmetic differs between databases.
    frame["quarter"] = [
        f"{int(y)}-Q{(int(m) - 1) // 3 + 1}" for y, m in zip(frame.year, frame.month, strict=True)
    ]
    frame = frame.groupby(["quarter", "category", "outcome"], as_index=False)["lessons"].sum()
    frame["category_label"] = [LessonCategory(c).label for c in frame["category"]]
    frame["outcome_label"] = [LessonOutcome(o).label for o in frame["outcome"]]
    frame["lessons"] = frame["lessons"].astype(int)
    return frame[columns].sort_values(["quarter", "category", "outcome"], ignore_index=True)


def failure_causes(counts: pd.DataFrame) -> tuple[str, int, int] | None:
    """The category most failures fall in: (its label, its failures, all failures), or None without any."""
    failures = counts[counts["outcome"] == LessonOutcome.failure.value]
    if failures.empty:
        return None
    by_category = failures.groupby("category_label")["lessons"].sum().sort_values(ascending=False)
    return str(by_category.index[0]), int(by_category.iloc[0]), int(failures["lessons"].sum())


def lesson_choices(session: Session) -> dict[str, list[str]]:
    """What the filters offer: the sectors, teams and tags lessons have."""
    sectors = session.exec(
        select(UseCase.sector).join(Lesson, col(Lesson.use_case_id) == UseCase.id).distinct()
    ).all()
    teams = session.exec(
        select(UseCase.team).join(Lesson, col(Lesson.use_case_id) == UseCase.id).distinct()
    ).all()
    tags = {tag for row in session.exec(select(Lesson.tags)).all() for tag in (row or [])}
    return {"sectors": sorted(sectors), "teams": sorted(teams), "tags": sorted(tags)}


SIMILAR_COLUMNS = [
    "id",
    "key",
    "use_case_title",
    "title",
    "outcome",
    "category",
    "happened",
    "do_differently",
    "same_sector",
    "same_kind",
]


def similar_lessons(
    session: Session,
    title: str,
    problem: str = "",
    *,
    sector: str | None = None,
    ai_kind: str | None = None,
    exclude_key: str | None = None,
    limit: int = 5,
) -> pd.DataFrame:
    """Lessons whose text shares telling words with a use case's title and problem, those of use cases in
    the same sector or with the same kind of AI first, then by the database's full-text relevance."""
    words = search_terms(f"{title} {problem}", limit=SIMILAR_TERMS, similar=True)
    if not words:
        return pd.DataFrame(columns=SIMILAR_COLUMNS)
    found = matches(LESSONS, session.get_bind().dialect.name, words, any_term=True)
    same_sector = (UseCase.sector == sector) if sector else literal(False)
    same_kind = (UseCase.ai_kind == ai_kind) if ai_kind else literal(False)
    alike = case((or_(same_sector, same_kind), 0), else_=1)
    statement = (
        select(
            Lesson.id,
            UseCase.key,
            UseCase.title.label("use_case_title"),
            Lesson.title,
            Lesson.outcome,
            Lesson.category,
            Lesson.happened,
            Lesson.do_differently,
            same_sector.label("same_sector"),
            same_kind.label("same_kind"),
        )
        .join(UseCase, col(UseCase.id) == Lesson.use_case_id)
        .join(found, found.c.id == Lesson.id)
        .order_by(alike, found.c.relevance.desc(), col(Lesson.id).desc())
        .limit(limit)
    )
    if exclude_key:
        statement = statement.where(UseCase.key != exclude_key)
    frame = frames.frame(session.exec(statement).all(), SIMILAR_COLUMNS)
    for flag in ("same_sector", "same_kind"):
        frame[flag] = frame[flag].map(bool)
    return frame


@dataclass(frozen=True)
class RelevantLessons:
    own: pd.DataFrame  # the use case's own lessons
    similar: pd.DataFrame  # lessons of other, similar use cases
    incidents: pd.DataFrame  # similar public incidents


def relevant_to_use_case(session: Session, key: str, *, limit: int = 5) -> RelevantLessons:
    """What an approver should have read before deciding on `key`: its own lessons, those of similar use
    cases, and similar public incidents."""
    use_case = session.exec(select(UseCase).where(UseCase.key == key)).first()
    if use_case is None:
        empty = pd.DataFrame(columns=SIMILAR_COLUMNS)
        return RelevantLessons(empty, empty, similar_incidents(session, ""))
    own = lesson_library(session, LessonFilter(use_cases=(key,))).rows
    similar = similar_lessons(
        session,
        use_case.title,
        use_case.problem,
        sector=use_case.sector,
        ai_kind=use_case.ai_kind,
        exclude_key=key,
        limit=limit,
    )
    return RelevantLessons(
        own, similar, similar_incidents(session, use_case.title, use_case.problem, limit=limit)
    )


def similar_to_proposal(
    session: Session, title: str, problem: str = "", sector: str | None = None, ai_kind: str | None = None
) -> RelevantLessons:
    """What someone proposing an idea should read first: lessons of similar use cases, similar incidents."""
    return RelevantLessons(
        pd.DataFrame(columns=LESSON_COLUMNS),
        similar_lessons(session, title, problem, sector=sector, ai_kind=ai_kind),
        similar_incidents(session, title, problem),
    )
