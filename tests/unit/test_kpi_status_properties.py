"""Invariants of the KPI status rule, checked over generated KPIs and dates (Hypothesis)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.kpis import STALE_AFTER_DAYS, kpi_status, status_of
from portfolio.models import KpiStatus

# How good a status is while data is recent; "no recent data" is where every KPI ends without new data.
GOODNESS = {KpiStatus.off_track: 0, KpiStatus.at_risk: 1, KpiStatus.on_track: 2, KpiStatus.achieved: 3}

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def kpis(draw: st.DrawFn) -> dict:
    """A KPI as stored: any direction, optional baseline/target and their dates, and a latest value."""
    baseline_on = draw(st.none() | days)
    target_on = draw(st.none() | days)
    return {
        "direction": draw(st.sampled_from(["higher", "lower"])),
        "baseline": draw(st.none() | values),
        "baseline_on": baseline_on,
        "target": draw(st.none() | values),
        "target_on": target_on,
        "latest_value": draw(values),
        "latest_on": draw(days),
    }


def status(kpi: dict, today: date) -> KpiStatus:
    return kpi_status(**kpi, today=today)


@settings(max_examples=300)
@given(kpis(), st.integers(0, 400), st.integers(0, 400))
def test_moving_time_forward_without_new_data_never_improves_a_status(kpi, first, later):
    earlier_day = kpi["latest_on"] + timedelta(days=first)
    later_day = earlier_day + timedelta(days=later)
    before, after = status(kpi, earlier_day), status(kpi, later_day)
    if after != KpiStatus.no_recent_data:
        assert before != KpiStatus.no_recent_data
        assert GOODNESS[after] <= GOODNESS[before]


@given(kpis(), st.integers(0, STALE_AFTER_DAYS))
def test_a_value_at_or_past_the_target_is_achieved_while_recent(kpi, age):
    if kpi["target"] is None:
        kpi["target"] = 0.0
    beyond = abs(kpi["latest_value"]) % 100
    kpi["latest_value"] = kpi["target"] + (beyond if kpi["direction"] == "higher" else -beyond)
    assert status(kpi, kpi["latest_on"] + timedelta(days=age)) == KpiStatus.achieved


@given(kpis(), st.integers(STALE_AFTER_DAYS + 1, 3000))
def test_no_value_in_the_last_45_days_is_no_recent_data(kpi, age):
    assert status(kpi, kpi["latest_on"] + timedelta(days=age)) == KpiStatus.no_recent_data


@given(kpis(), days)
def test_without_a_value_there_is_no_recent_data(kpi, today):
    kpi["latest_value"] = None
    assert status(kpi, today) == KpiStatus.no_recent_data


@given(kpis(), st.integers(0, STALE_AFTER_DAYS))
def test_without_a_target_a_kpi_can_be_neither_achieved_nor_on_track(kpi, age):
    kpi["target"] = None
    assert status(kpi, kpi["latest_on"] + timedelta(days=age)) == KpiStatus.at_risk


@given(kpis(), st.integers(0, STALE_AFTER_DAYS))
def test_a_move_away_from_the_baseline_is_off_track(kpi, age):
    if kpi["baseline"] is None or kpi["target"] is None or kpi["baseline"] == kpi["target"]:
        return
    away = 1.0 if kpi["target"] < kpi["baseline"] else -1.0  # the opposite way to the target
    kpi["direction"] = "higher" if kpi["target"] > kpi["baseline"] else "lower"
    kpi["latest_value"] = kpi["baseline"] + away * (1 + abs(kpi["latest_value"]) % 50)
    assert status(kpi, kpi["latest_on"] + timedelta(days=age)) == KpiStatus.off_track


@given(kpis(), st.integers(0, STALE_AFTER_DAYS), values)
def test_a_better_value_on_the_same_day_never_gives_a_worse_status(kpi, age, gain):
    today = kpi["latest_on"] + timedelta(days=age)
    better = dict(
        kpi, latest_value=kpi["latest_value"] + (abs(gain) if kpi["direction"] == "higher" else -abs(gain))
    )
    assert GOODNESS[status(better, today)] >= GOODNESS[status(kpi, today)]


@given(kpis(), st.integers(0, 400))
def test_lower_is_better_mirrors_higher_is_better(kpi, age):
    """Negating every value and flipping the direction describes the same KPI, so it has the same status."""
    mirrored = dict(
        kpi,
        direction="lower" if kpi["direction"] == "higher" else "higher",
        **{
            name: None if kpi[name] is None else -kpi[name] for name in ("baseline", "target", "latest_value")
        },
    )
    today = kpi["latest_on"] + timedelta(days=age)
    assert status(mirrored, today) == status(kpi, today)


@given(kpis(), st.integers(0, 400))
def test_status_of_reads_rows_and_mappings_alike(kpi, age):
    from types import SimpleNamespace

    today = kpi["latest_on"] + timedelta(days=age)
    assert status_of(kpi, today) == status_of(SimpleNamespace(**kpi), today) == status(kpi, today)


def test_missing_values_from_a_frame_count_as_none():
    kpi = {
        "direction": "higher",
        "baseline": float("nan"),
        "baseline_on": None,
        "target": 10.0,
        "target_on": None,
        "latest_value": 12.0,
        "latest_on": date(2026, 1, 1),
    }
    assert status_of(kpi, date(2026, 1, 2)) == KpiStatus.achieved
