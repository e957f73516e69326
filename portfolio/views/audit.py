"""The audit trail as people read it: every recorded change, filtered by person, use case, kind of change and
date range, a page at a time (counted and paged in SQL), with before and after in words; the same rows for
the CSV export; and one use case's whole trail (its KPIs and results included) for its page."""

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, String, and_, case, cast, false, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from portfolio import frames, labels
from portfolio.models import AuditEvent, Kpi, Person, UseCase
from portfolio.reports.spreadsheet import csv_bytes
from portfolio.views import audit_words as words

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
SYSTEM = -1  # the people filter's value for changes the app made itself (no person)
COLUMNS = ["id", "When", "Who", "What", "Kind", "Use case", "Before", "After"]


@dataclass(frozen=True)
class AuditFilter:
    """What the Audit page shows. Empty means everything; dates are whole UTC days, both included."""

    people: tuple[int, ...] = ()  # person ids; SYSTEM for the app itself
    use_case: str | None = None  # a use case key
    kinds: tuple[str, ...] = ()  # keys of audit_words.KINDS
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditPage:
    rows: pd.DataFrame  # COLUMNS, newest first
    total: int  # events matching the filter
    page: int  # 1-based, within 1..pages
    pages: int
    comparisons: dict[int, list[dict[str, str]]] = field(default_factory=dict)  # event id → field by field


def _use_case_events(key: str) -> ColumnElement[bool]:
    """Events about a use case: filed under it, or under one of its KPIs (results logged before they were
    filed under the use case)."""
    its_kpis = (
        select(cast(Kpi.id, String)).join(UseCase, UseCase.id == Kpi.use_case_id).where(UseCase.key == key)
    )
    return or_(
        and_(AuditEvent.entity == "use_case", AuditEvent.entity_id == key),
        and_(AuditEvent.entity == "kpi", col(AuditEvent.entity_id).in_(its_kpis)),
    )


def _conditions(chosen: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if chosen.people:
        ids = [p for p in chosen.people if p != SYSTEM]
        by_person = [col(AuditEvent.actor_id).in_(ids)] if ids else []
        if SYSTEM in chosen.people:
            by_person.append(col(AuditEvent.actor_id).is_(None))
        conditions.append(or_(*by_person))
    if chosen.use_case:
        conditions.append(_use_case_events(chosen.use_case))
    if chosen.kinds:
        prefixes = [p for kind in chosen.kinds for p in words.KINDS.get(kind, ())]
        conditions.append(or_(false(), *(col(AuditEvent.action).startswith(p) for p in prefixes)))
    if chosen.since:
        conditions.append(AuditEvent.at >= datetime.combine(chosen.since, time(), UTC))
    if chosen.until:
        conditions.append(AuditEvent.at < datetime.combine(chosen.until + timedelta(days=1), time(), UTC))
    return conditions


def _events(conditions: list[ColumnElement[bool]]) -> Any:
    """The events with the use case each is about (its key), newest first."""
    kpi = aliased(Kpi)
    kpi_use_case = aliased(UseCase)
    use_case_key = case((AuditEvent.entity == "use_case", AuditEvent.entity_id), else_=kpi_use_case.key)
    return (
        select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.actor_name,
            AuditEvent.action,
            AuditEvent.before,
            AuditEvent.after,
            use_case_key.label("use_case"),
        )
        .outerjoin(kpi, and_(AuditEvent.entity == "kpi", AuditEvent.entity_id == cast(kpi.id, String)))
        .outerjoin(kpi_use_case, kpi_use_case.id == kpi.use_case_id)
        .where(*conditions)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    )


def _people(session: Session) -> dict[int, str]:
    return dict(session.exec(select(Person.id, Person.name)).all())


def _frame(rows: list[Any], people: dict[int, str]) -> pd.DataFrame:
    records = []
    for row in rows:
        fields = words.visible_fields(row.before, row.after)
        records.append(
            {
                "id": row.id,
                "When": row.at,
                "Who": row.actor_name,
                "What": words.action_label(row.action),
                "Kind": words.kind_of(row.action),
                "Use case": row.use_case,
                "Before": words.side_words(row.before, fields, people) if row.before is not None else None,
                "After": words.side_words(row.after, fields, people) if row.after is not None else None,
            }
        )
    return frames.frame(records, COLUMNS)


def audit_page(session: Session, chosen: AuditFilter, page: int = 1, page_size: int = PAGE_SIZE) -> AuditPage:
    """One page of the events matching `chosen`: counted, ordered and paged in the database."""
    conditions = _conditions(chosen)
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, page), pages)
    rows = session.exec(_events(conditions).offset((page - 1) * page_size).limit(page_size)).all()
    people = _people(session)
    comparisons = {row.id: words.comparison(row.before, row.after, people) for row in rows}
    return AuditPage(_frame(rows, people), total, page, pages, comparisons)


def audit_csv(session: Session, chosen: AuditFilter) -> bytes:
    """Every event matching `chosen` (up to EXPORT_LIMIT, newest first) as CSV for a spreadsheet,
    formula-safe, with before and after in words and the moment as people read it (UTC, to the minute)."""
    rows = session.exec(_events(_conditions(chosen)).limit(EXPORT_LIMIT)).all()
    frame = _frame(rows, _people(session))
    frame["When"] = frame["When"].map(labels.moment)  # "7 May 2026, 14:05" (UTC), as on the page
    return csv_bytes(frame, COLUMNS[1:])


def use_case_trail(session: Session, key: str, limit: int = 500) -> pd.DataFrame:
    """Everything recorded about one use case, its KPIs and results included, newest first."""
    rows = session.exec(_events([_use_case_events(key)]).limit(limit)).all()
    return _frame(rows, _people(session))


def audit_choices(session: Session) -> tuple[dict[int, str], list[tuple[str, str]]]:
    """For the filters: every person (id → name) and the app itself (SYSTEM), and every use case (key, title)."""
    people = dict(session.exec(select(Person.id, Person.name).order_by(col(Person.name))).all())
    use_cases = session.exec(select(UseCase.key, UseCase.title).order_by(UseCase.key)).all()
    return people | {SYSTEM: "The app itself"}, [(k, t) for k, t in use_cases]
