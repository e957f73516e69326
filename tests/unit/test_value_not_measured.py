"""A use case whose value is not measured has no value, not a value of zero."""

from portfolio.kpis import HOURS_PER_MONTH, MONEY_PER_MONTH, monthly_value, net_value_first_year
from portfolio.labels import measured


def test_no_value_kpi_or_no_recorded_value_is_not_measured():
    assert monthly_value([]) is None
    assert monthly_value([(MONEY_PER_MONTH, None), (HOURS_PER_MONTH, None)]) is None
    assert monthly_value([("%", 40.0)]) is None
    assert net_value_first_year(None, 500.0, 12_000.0) is None


def test_a_recorded_value_counts_even_when_it_is_zero():
    assert monthly_value([(MONEY_PER_MONTH, 0.0)]) == 0.0
    assert monthly_value([(MONEY_PER_MONTH, 1000.0), (HOURS_PER_MONTH, 10.0)], 50.0) == 1500.0
    assert net_value_first_year(0.0, 500.0, 1000.0) == -7000.0


def test_not_measured_reads_as_words_never_as_zero():
    assert measured(None) == "Not measured"
    assert measured(float("nan")) == "Not measured"
    assert measured(0.0) == "€0"
    assert measured(32_376.0) == "€32,376"
