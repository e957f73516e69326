"""The Portfolio page's reads: its headline counts and value totals, aggregated in SQL over every use case the
filters match, and the one page of rows it shows. At 10,000 use cases the page used to build and label a table
of every row to count stages and add up value; now it counts in one query and builds a frame of a page."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, case
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from portfolio import lifecycle
from portfolio.errors import InvalidInput
from portfolio.kpis import HOURS_PER_MONTH, MONEY_PER_MONTH
from portfolio.models import AiActTier, Kpi, KpiKind, Person, Stage, UseCase, utc_now
from portfolio.reports.portfolio_list import portfolio_csv
from portfolio.services.use_cases import PortfolioFilter, PortfolioSummary, portfolio_table
from portfolio.services.use_cases.listing import filtered
from portfolio.services.value import ValueSummary, hourly_rate

PAGE_SIZE = 100  # rows a person scrolls at once; the table pages through the rest

# The table's columns it can be sorted by, in the order the Sort by control offers them.
SORTABLE = (
    "key",
    "title",
    "stage",
    "days_in_stage",
    "owner",
    "team",
    "sector",
    "impact",
    "risk",
    "ai_act_tier",
    "reviewers",
)


@dataclass(frozen=True)
class PortfolioOrder:
    """What the table is sorted by (a column of SORTABLE) and which way. Applied in SQL before paging, so the
    first page holds the first use cases of everything matching, not a page re-sorted in the browser."""

    column: str = "key"
    descending: bool = False


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


def _in_order(values: type[Stage] | type[AiActTier], column: Any) -> Any:
    """A vocabulary column sorted in its own order (proposed before pilot), not alphabetically."""
    return case({value.value: position for position, value in enumerate(values)}, value=column)


def _sort_key(order: PortfolioOrder, owner: Any) -> list[Any]:
    """ORDER BY for `order`: use cases without the value (unscored, no owner, no tier) last either way, and
    the key breaks ties so pages neither overlap nor skip a use case."""
    if order.column not in SORTABLE:
        raise InvalidInput({"sort": f"The portfolio cannot be sorted by {order.column!r}."})
    descending = order.descending
    expression = {
        "key": UseCase.key,
        "title": func.lower(UseCase.title),
        "stage": _in_order(Stage, UseCase.stage),
        "owner": func.lower(owner.name),
        "team": func.lower(UseCase.team),
        "sector": UseCase.sector,
        "impact": UseCase.impact_score,
        "risk": UseCase.risk_score,
        "ai_act_tier": _in_order(AiActTier, UseCase.ai_act_tier),
        "reviewers": UseCase.reviewer_count,
    }.get(order.column)
    if order.column == "days_in_stage":  # most days in stage = entered it earliest
        expression, descending = UseCase.stage_entered_at, not descending
    first = (expression.desc() if descending else expression.asc()).nulls_last()
    return [first] if order.column == "key" else [first, UseCase.key]


def _matching_keys(filters: PortfolioFilter, order: PortfolioOrder) -> tuple[Any, list[Any]]:
    """The keys of the use cases `filters` match (a query), and the ORDER BY that puts them in `order`."""
    owner = aliased(Person)
    keys = filtered(select(UseCase.key).outerjoin(owner, owner.id == UseCase.owner_id), filters, owner)
    return keys, _sort_key(order, owner)


def _in_key_order(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`rows` (portfolio_table reads them by key) in the order of `keys`."""
    position = {key: index for index, key in enumerate(keys)}
    return rows.sort_values("key", key=lambda column: column.map(position), ignore_index=True)


def portfolio_rows(
    session: Session,
    filters: PortfolioFilter,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    order: PortfolioOrder = PortfolioOrder(),
    *,
    now: datetime | None = None,
) -> PortfolioRows:
    """One page of the use cases `filters` match, in `order`: found, sorted and counted in the database, then
    read with every column the table shows (use_cases.portfolio_table) for that page's use cases only."""
    keys, sort_key = _matching_keys(filters, order)
    matching = session.exec(select(func.count()).select_from(keys.subquery())).one()
    pages = max(1, -(-matching // page_size))
    page = min(max(1, page), pages)
    offset = (page - 1) * page_size
    shown = list(session.exec(keys.order_by(*sort_key).offset(offset).limit(page_size)).all())
    rows = portfolio_table(session, PortfolioFilter(keys=tuple(shown)), now=now)
    return PortfolioRows(_in_key_order(rows, shown), matching, page, pages, offset + 1 if shown else 0)


def csv_made_on_click(
    engine: Engine, filters: PortfolioFilter, order: PortfolioOrder = PortfolioOrder()
) -> Callable[[], bytes]:
    """The CSV of every use case `filters` match, in the table's `order`, made when called: a download button
    calls it on its own thread when pressed, outside the page's run, so it opens its own session."""

    def made() -> bytes:
        with Session(engine) as session:
            keys, sort_key = _matching_keys(filters, order)
            ordered = list(session.exec(keys.order_by(*sort_key)).all())
            return portfolio_csv(_in_key_order(portfolio_table(session, filters), ordered))

    return made
