"""Words people read outside the pages: the Portfolio CSV in labels, one-value result errors without a row
number, dates in messages as "7 May 2026"."""

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import Session

from portfolio import db, labels
from portfolio.errors import InvalidInput
from portfolio.models import utc_now
from portfolio.reports.portfolio_list import HEADINGS, portfolio_csv
from portfolio.services import results, use_cases
from tests.services.factories import propose

TODAY = utc_now().date()


def _kpi(engine, admin, key):
    with db.unit_of_work(engine) as session:
        return results.define_kpi(
            session,
            admin,
            key,
            name="Hours saved",
            kind="business",
            unit="hours per month",
            direction="higher",
            baseline=0,
            target=100,
        ).id


def test_the_portfolio_csv_reads_in_labels_with_moments_to_the_minute(engine, admin):
    propose(engine, admin)
    with Session(engine) as session:
        table = use_cases.portfolio_table(session, use_cases.PortfolioFilter())
    rows = list(csv.DictReader(io.StringIO(portfolio_csv(table).decode("utf-8-sig"))))
    assert list(rows[0]) == [HEADINGS[c] for c in HEADINGS if c in table.columns]
    row = rows[0]
    assert row["Stage"] == "Proposed"
    assert row["Customer-facing"] in ("Yes", "No")
    assert row["Quadrant"] == "Not scored"
    assert row["Last changed (UTC)"] == labels.moment(table.iloc[0]["updated_at"])
    text = portfolio_csv(table).decode("utf-8-sig")
    for raw in ("True", "False", "None", "nan", "+00:00", "proposed,"):
        assert raw not in text


def test_one_value_is_refused_without_a_row_number_and_dates_read_in_words(engine, admin):
    key = propose(engine, admin)
    kpi_id = _kpi(engine, admin, key)
    with db.unit_of_work(engine) as session:
        results.log_measurements(session, admin, kpi_id, [{"measured_on": TODAY, "value": 5}])
    with pytest.raises(InvalidInput) as refused, db.unit_of_work(engine) as session:
        results.log_measurements(session, admin, kpi_id, [{"measured_on": TODAY, "value": 6}])
    (message,) = refused.value.problems.values()
    assert not message.startswith("Row") and labels.day(TODAY) in message
    assert TODAY.isoformat() not in message
    with pytest.raises(InvalidInput) as refused, db.unit_of_work(engine) as session:
        results.log_measurements(
            session,
            admin,
            kpi_id,
            [{"measured_on": TODAY - timedelta(days=1), "value": 6}, {"measured_on": TODAY, "value": 6}],
        )
    assert list(refused.value.problems.values()) == [
        f"Row 2: Hours saved already has a value for {labels.day(TODAY)}; correct that one instead."
    ]
