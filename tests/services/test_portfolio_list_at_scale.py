"""The Portfolio page's reads on a generated portfolio: headline counts match plain SQL and the figures the whole
table gave, and its pages cover every matching use case once, in the order asked of the whole portfolio."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session

from portfolio.errors import InvalidInput
from portfolio.models import AiActTier, Stage
from portfolio.services import results, use_cases
from portfolio.services.use_cases import PortfolioFilter
from portfolio.views import portfolio_list
from portfolio.views.portfolio_list import PortfolioOrder
from tests.services.generated import TODAY, generated_portfolio

FILTERS = [
    PortfolioFilter(),
    PortfolioFilter(sectors=("retail", "healthcare")),
    PortfolioFilter(stages=("pilot", "production", "stopped")),
    PortfolioFilter(search="uc-00"),
    PortfolioFilter(tiers=("high",), sectors=("services", "retail", "hospitality")),
]


@pytest.fixture(scope="module")
def scaled(backend, migrated_url, tmp_path_factory):
    yield from generated_portfolio(backend, migrated_url, tmp_path_factory)


def _rows(engine, sql: str, **params) -> list:
    with engine.connect() as connection:
        return list(connection.execute(text(sql), params))


def test_headline_counts_match_plain_sql(scaled) -> None:
    now = datetime.combine(TODAY, datetime.min.time()).astimezone()
    with Session(scaled) as session:
        headline = portfolio_list.portfolio_headline(session, PortfolioFilter(), 180, now=now)
    by_stage = dict(_rows(scaled, "SELECT stage, count(*) FROM use_case GROUP BY stage"))
    active = sum(
        by_stage.get(s.value, 0)
        for s in (Stage.proposed, Stage.assessed, Stage.pilot, Stage.scale_up, Stage.production)
    )
    assert headline.matching == sum(by_stage.values()) == 150
    assert headline.summary.active == active
    assert headline.summary.in_pilot == by_stage.get("pilot", 0) > 0
    assert headline.summary.scaling_or_live == by_stage.get("scale_up", 0) + by_stage.get("production", 0)
    assert headline.summary.closed == 150 - active > 0
    entered = [
        value if isinstance(value, datetime) else datetime.fromisoformat(value)
        for (value,) in _rows(scaled, "SELECT stage_entered_at FROM use_case WHERE stage = 'pilot'")
    ]
    stuck = sum((now.replace(tzinfo=None) - e.replace(tzinfo=None)).days > 180 for e in entered)
    assert headline.summary.stuck_pilots == stuck
    (without_owner,) = _rows(
        scaled,
        "SELECT count(*) FROM use_case WHERE owner_id IS NULL "
        "AND stage IN ('proposed', 'assessed', 'pilot', 'scale_up', 'production')",
    )[0]
    assert headline.summary.without_owner == without_owner


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_headline_is_what_the_whole_table_gave(scaled, filters) -> None:
    """The figures the page computed from every row of the filtered table, now counted in SQL."""
    with Session(scaled) as session:
        table = use_cases.portfolio_table(session, filters)
        expected_value = results.summarise_value(results.value_table(session), table["key"])
        headline = portfolio_list.portfolio_headline(session, filters, 120)
    assert headline.matching == len(table)
    assert headline.summary == use_cases.summarise(table, 120)
    value = headline.value
    assert (value.measured, value.active) == (expected_value.measured, expected_value.active)
    assert value.running_cost_per_year == pytest.approx(expected_value.running_cost_per_year, abs=0.05)
    if expected_value.value_per_year is None:
        assert value.value_per_year is None and value.net_first_year is None
    else:
        # The table rounded each use case's figure to the cent before adding up.
        assert value.value_per_year == pytest.approx(expected_value.value_per_year, abs=0.01 * value.measured)
        assert value.net_first_year == pytest.approx(expected_value.net_first_year, abs=0.12 * value.measured)


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_pages_cover_every_matching_use_case_once(scaled, filters) -> None:
    with Session(scaled) as session:
        expected = use_cases.portfolio_table(session, filters)
        first = portfolio_list.portfolio_rows(session, filters, 1, page_size=40)
        pages = [first] + [
            portfolio_list.portfolio_rows(session, filters, page, page_size=40)
            for page in range(2, first.pages + 1)
        ]
    assert first.matching == len(expected)
    assert first.pages == max(1, -(-len(expected) // 40))
    assert all(len(p.rows) <= 40 for p in pages)
    assert [p.first for p in pages] == [1 + 40 * i for i in range(len(pages))] if len(expected) else [0]
    shown = [row for p in pages for row in p.rows.to_dict("records")]
    assert [r["key"] for r in shown] == sorted(expected["key"])
    by_key = expected.set_index("key").to_dict("index")
    for row in shown:
        assert {k: v for k, v in row.items() if k not in ("key", "days_in_stage")} == {
            k: v for k, v in by_key[row["key"]].items() if k != "days_in_stage"
        }


def test_a_page_past_the_last_shows_the_last(scaled) -> None:
    with Session(scaled) as session:
        last = portfolio_list.portfolio_rows(session, PortfolioFilter(), 99, page_size=40)
    assert (last.page, last.pages, last.first, len(last.rows)) == (4, 4, 121, 30)


def test_the_csv_made_on_click_holds_every_matching_use_case(scaled) -> None:
    filters = PortfolioFilter(sectors=("retail",))
    with Session(scaled) as session:
        expected = use_cases.portfolio_table(session, filters)
    made = portfolio_list.csv_made_on_click(scaled, filters)()
    rows = list(csv.DictReader(io.StringIO(made.decode("utf-8-sig"))))
    assert [r["Key"] for r in rows] == list(expected["key"]) and len(rows) > 10


def test_days_in_stage_uses_the_same_moment_for_the_count_and_the_rows(scaled) -> None:
    now = datetime.combine(TODAY + timedelta(days=3), datetime.min.time()).astimezone()
    with Session(scaled) as session:
        rows = portfolio_list.portfolio_rows(
            session, PortfolioFilter(stages=("pilot",)), 1, 500, now=now
        ).rows
        headline = portfolio_list.portfolio_headline(session, PortfolioFilter(stages=("pilot",)), 90, now=now)
    assert headline.summary.stuck_pilots == int((rows["days_in_stage"] > 90).sum())


def _true_order(table, column: str, descending: bool) -> list[str]:
    """The keys of the whole table in the order asked, worked out in Python: use cases without the value last,
    ties by key; vocabularies in their own order."""
    rank = {"stage": list(Stage), "ai_act_tier": list(AiActTier)}
    records = table.to_dict("records")

    def value(record):
        raw = record[column]
        return None if raw is None else rank[column].index(raw) if column in rank else raw

    present = sorted((r for r in records if value(r) is not None), key=lambda r: r["key"])
    present.sort(key=value, reverse=descending)  # stable: ties stay by key
    return [r["key"] for r in present] + sorted(r["key"] for r in records if value(r) is None)


# Text columns are left out: their order beyond ASCII follows the database's collation.
ORDERS = [
    PortfolioOrder("key", True),
    PortfolioOrder("stage"),
    PortfolioOrder("impact", True),
    PortfolioOrder("impact"),
    PortfolioOrder("risk", True),
    PortfolioOrder("ai_act_tier"),
    PortfolioOrder("reviewers", True),
]


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: f"{o.column}-{'down' if o.descending else 'up'}")
def test_every_page_follows_the_order_of_the_whole_portfolio(scaled, order) -> None:
    with Session(scaled) as session:
        whole = use_cases.portfolio_table(session)
        first = portfolio_list.portfolio_rows(session, PortfolioFilter(), 1, 40, order)
        rest = [
            portfolio_list.portfolio_rows(session, PortfolioFilter(), page, 40, order)
            for page in range(2, first.pages + 1)
        ]
    shown = [key for page in [first, *rest] for key in page.rows["key"]]
    assert whole["impact"].isna().any() and not whole["impact"].isna().all()  # the data tests nulls last
    assert shown == _true_order(whole, order.column, order.descending)


def test_most_days_in_stage_first_is_the_earliest_entered(scaled) -> None:
    now = datetime.combine(TODAY, datetime.min.time()).astimezone()
    with Session(scaled) as session:
        whole = use_cases.portfolio_table(session, now=now)
        first = portfolio_list.portfolio_rows(
            session, PortfolioFilter(), 1, 40, PortfolioOrder("days_in_stage", True), now=now
        )
    assert first.rows["days_in_stage"].tolist() == sorted(whole["days_in_stage"], reverse=True)[:40]


def test_a_sort_it_does_not_offer_is_refused_in_words(scaled) -> None:
    with Session(scaled) as session, pytest.raises(InvalidInput, match="cannot be sorted by 'gaps'"):
        portfolio_list.portfolio_rows(session, PortfolioFilter(), 1, 40, PortfolioOrder("gaps"))


def test_the_csv_made_on_click_follows_the_table_s_order(scaled) -> None:
    order = PortfolioOrder("risk", True)
    with Session(scaled) as session:
        whole = use_cases.portfolio_table(session)
    made = portfolio_list.csv_made_on_click(scaled, PortfolioFilter(), order)()
    rows = list(csv.DictReader(io.StringIO(made.decode("utf-8-sig"))))
    assert [r["Key"] for r in rows] == _true_order(whole, "risk", descending=True)
