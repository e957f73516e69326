"""The Portfolio page's reads: its headline counts and value totals, aggregated in SQL over every use case the
filters match, and the one page of rows it shows. At 10,000 use cases the page used to build and label a table
of every row to count stages and add up value; now it counts in one query and builds a frame of a page."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, case
from sqlmodel import Session, col, func, select

from portfolio import lifecycle
from portfolio.kpis import HOURS_PER_MONTH, MONEY_PER_MONTH
from portfolio.models import Kpi, KpiKind, Stage, UseCase, utc_now
from portfolio.reports.portfolio_list import portfolio_csv
from portfolio.services.use_cases import PortfolioFilter, PortfolioSummary, portfolio_table
from portfolio.services.use_cases.listing import filtered
from portfolio.services.value import ValueSummary, hourly_rate

PAGE_SIZE = 100  # rows a person scrolls at once; the table pages through the rest


@dataclass(frozen=True)
class PortfolioHeadline:
    """What the page's metrics show, over every use case matching the filters."""

    matching: int
    summary: PortfolioSummary
    value: ValueSummary  # over the active use cases among those matching


@dataclass(frozen=True)
class PortfolioRows:
    rows: pd.DataFrame  # use_cases.portfolio_table's columns, for this page's use cases
    matching: int
    page: int  # 1-based, within 1..pages
    pages: int
    first: int  # 1-based position of the first row shown (0 when none)


def _count_where(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum_where(condition: Any, value: Any) -> Any:
    return func.sum(case((condition, value), else_=None))


def portfolio_headline(
    session: Session, filters: PortfolioFilter, pilot_limit_days: int, *, now: datetime | None = None
) -> PortfolioHeadline:
    """Counts by stage, stuck pilots, missing owners and value totals over the use cases `filters` match, in one
    query: the same figures as use_cases.summarise and value.summarise_value over the whole filtered table."""
    now = now or utc_now()
    rate = hourly_rate(session)
    # Value per month of each use case whose money or hours KPIs hold a latest value (value.value_table's rule).
    valued = (
        select(
            Kpi.use_case_id,
            func.sum(
                case(
                    (Kpi.unit == MONEY_PER_MONTH, Kpi.latest_value),
                    else_=Kpi.latest_value * rate,
                )
            ).label("per_month"),
        )
        .where(
            col(Kpi.unit).in_([MONEY_PER_MONTH, HOURS_PER_MONTH]),
            Kpi.kind == KpiKind.business,
            col(Kpi.retired_on).is_(None),
            col(Kpi.latest_value).is_not(None),
        )
        .group_by(Kpi.use_case_id)
        .subquery()
    )
    active = col(UseCase.stage).in_(lifecycle.ACTIVE)
    measured = active & valued.c.per_month.is_not(None)
    # (now − entered).days > limit, as the table's days in stage count them.
    stuck_since = now - timedelta(days=pilot_limit_days + 1)
    query = (
        select(
            func.count(),
            _count_where(active),
            _count_where(UseCase.stage == Stage.pilot),
            _count_where(col(UseCase.stage).in_([Stage.scale_up, Stage.production])),
            _count_where((UseCase.stage == Stage.pilot) & (col(UseCase.stage_entered_at) <= stuck_since)),
            _count_where(col(UseCase.stage).in_(lifecycle.TERMINAL)),
            _count_where(active & col(UseCase.owner_id).is_(None)),
            _count_where(measured),
            _sum_where(measured, valued.c.per_month),
            _sum_where(active, UseCase.running_cost_per_month),
            _sum_where(measured, UseCase.running_cost_per_month),
            _sum_where(measured, UseCase.one_off_cost),
        )
        .select_from(UseCase)
        .outerjoin(valued, valued.c.use_case_id == UseCase.id)
    )
    (
        matching,
        active_count,
        in_pilot,
        scaling_or_live,
        stuck,
        closed,
        without_owner,
        measured_count,
        value_per_month,
        running,
        running_measured,
        one_off_measured,
    ) = session.exec(filtered(query, filters)).one()
    summary = PortfolioSummary(
        active=active_count,
        in_pilot=in_pilot,
        scaling_or_live=scaling_or_live,
        stuck_pilots=stuck,
        closed=closed,
        without_owner=without_owner,
    )
    running_per_year = round(12 * (running or 0.0), 2)
    if not measured_count:
        value = ValueSummary(None, running_per_year, None, 0, active_count)
    else:
        value = ValueSummary(
            round(12 * value_per_month, 2),
            running_per_year,
            round(12 * (value_per_month - (running_measured or 0.0)) - (one_off_measured or 0.0), 2),
            measured_count,
            active_count,
        )
    return PortfolioHeadline(matching, summary, value)


def portfolio_rows(
    session: Session,
    filters: PortfolioFilter,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    *,
    now: datetime | None = None,
) -> PortfolioRows:
    """One page of the use cases `filters` match, by key: found and counted in the database, then read with
    every column the table shows (use_cases.portfolio_table) for that page's use cases only."""
    keys = filtered(select(UseCase.key), filters)
    matching = session.exec(select(func.count()).select_from(keys.subquery())).one()
    pages = max(1, -(-matching // page_size))
    page = min(max(1, page), pages)
    offset = (page - 1) * page_size
    shown = tuple(session.exec(keys.order_by(UseCase.key).offset(offset).limit(page_size)).all())
    rows = portfolio_table(session, PortfolioFilter(keys=shown), now=now)
    return PortfolioRows(rows, matching, page, pages, offset + 1 if shown else 0)


def csv_made_on_click(engine: Engine, filters: PortfolioFilter) -> Callable[[], bytes]:
    """The CSV of every use case `filters` match, made when called: a download button calls it on its own
    thread when pressed, outside the page's run, so it opens its own session."""

    def made() -> bytes:
        with Session(engine) as session:
            return portfolio_csv(portfolio_table(session, filters))

    return made
