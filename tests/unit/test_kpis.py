from datetime import date, timedelta

import pytest

from portfolio.kpis import kpi_status, unit_problem
from portfolio.models import KpiStatus

TODAY = date(2026, 11, 23)
START = TODAY - timedelta(days=100)
END = TODAY + timedelta(days=100)  # halfway through


def status(
    latest, *, direction="higher", baseline=0.0, target=30.0, latest_on=TODAY, target_on=END, today=TODAY
):
    return kpi_status(
        direction=direction,
        baseline=baseline,
        baseline_on=START,
        target=target,
        target_on=target_on,
        latest_value=latest,
        latest_on=latest_on,
        today=today,
    )


def test_no_data_and_stale_data():
    assert status(None, latest_on=None) == KpiStatus.no_recent_data
    assert status(20, latest_on=TODAY - timedelta(days=46)) == KpiStatus.no_recent_data
    assert status(20, latest_on=TODAY - timedelta(days=45)) != KpiStatus.no_recent_data


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "latest"), [("higher", 0, 30, 30), ("lower", 6, 2, 2)]
)
def test_target_exactly_met_is_achieved(direction, baseline, target, latest):
    assert status(latest, direction=direction, baseline=baseline, target=target) == KpiStatus.achieved


def test_direction_matters():
    assert status(35) == KpiStatus.achieved
    assert status(1.5, direction="lower", baseline=6, target=2) == KpiStatus.achieved
    assert status(7, direction="lower", baseline=6, target=2) == KpiStatus.off_track  # worse than baseline


def test_progress_against_elapsed_time():
    assert status(15) == KpiStatus.on_track  # half the way, half the time
    assert status(13) == KpiStatus.on_track  # within the 10-point tolerance
    assert status(10) == KpiStatus.at_risk
    assert status(-1) == KpiStatus.off_track  # moved the wrong way


def test_before_the_baseline_date_any_progress_is_on_track():
    early = kpi_status(
        direction="higher",
        baseline=0,
        baseline_on=TODAY + timedelta(days=5),
        target=30,
        target_on=END,
        latest_value=1,
        latest_on=TODAY,
        today=TODAY,
    )
    assert early == KpiStatus.on_track


def test_target_date_passed_without_target_is_off_track():
    assert status(29, target_on=TODAY - timedelta(days=1)) == KpiStatus.off_track
    assert status(30, target_on=TODAY - timedelta(days=1)) == KpiStatus.achieved


def test_without_a_target_a_kpi_is_at_risk():
    assert status(10, target=None) == KpiStatus.at_risk


@pytest.mark.parametrize(
    ("unit", "value", "wrong"),
    [
        ("%", 140, True),
        ("%", 100, False),
        ("score 1-10", 11, True),
        ("score 1-10", 8.5, False),
        ("NPS", -100, False),
        ("minutes", -1, True),
        ("EUR", 5, False),
        ("widgets", -5, False),
    ],
)
def test_unit_ranges(unit, value, wrong):
    assert (unit_problem(unit, value) is not None) == wrong
