"""KPI status: pure, from baseline, target, direction, dates and the latest measurement.

The rule, as the app documents it:
- **No recent data**: nothing measured yet, or the latest value is older than `stale_after_days`.
- **Achieved**: the latest value meets the target (at or above it when higher is better, at or below when
  lower is better).
- **Off track**: the target date has passed without the target met, or the value has moved away from the
  baseline in the wrong direction.
- Otherwise progress (how far the value has moved from baseline towards target) is compared with time
  elapsed between the baseline date and the target date: **on track** when progress is at least the
  elapsed share less a tolerance, **at risk** when short of that.
A KPI without a target cannot be achieved or on track: it is at risk until someone sets one."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from portfolio.models.enums import Direction, KpiStatus

STALE_AFTER_DAYS = 45
ON_TRACK_TOLERANCE = 0.10


def meets_target(direction: Direction | str, value: float, target: float) -> bool:
    return value >= target if direction == Direction.higher else value <= target


def kpi_status(
    *,
    direction: Direction | str,
    baseline: float | None,
    baseline_on: date | None,
    target: float | None,
    target_on: date | None,
    latest_value: float | None,
    latest_on: date | None,
    today: date,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> KpiStatus:
    if latest_value is None or latest_on is None or (today - latest_on).days > stale_after_days:
        return KpiStatus.no_recent_data
    if target is None:
        return KpiStatus.at_risk
    if meets_target(direction, latest_value, target):
        return KpiStatus.achieved
    if target_on is not None and today > target_on:
        return KpiStatus.off_track
    if baseline is None or baseline == target:
        return KpiStatus.at_risk
    progress = (latest_value - baseline) / (target - baseline)
    if progress < 0:
        return KpiStatus.off_track
    if baseline_on is None or target_on is None or target_on <= baseline_on:
        return KpiStatus.on_track if progress >= 0.5 else KpiStatus.at_risk
    elapsed = min(max((today - baseline_on).days / (target_on - baseline_on).days, 0.0), 1.0)
    return KpiStatus.on_track if progress >= elapsed - ON_TRACK_TOLERANCE else KpiStatus.at_risk


STATUS_INPUTS = ("direction", "baseline", "baseline_on", "target", "target_on", "latest_value", "latest_on")


def status_of(kpi: Any, today: date) -> KpiStatus:
    """The status of a KPI as of `today`, from its kept fields: a Kpi row, a query row or a mapping.

    Statuses depend on the date, so they are computed whenever they are read, never stored."""
    read = kpi.__getitem__ if isinstance(kpi, Mapping) else lambda name: getattr(kpi, name)
    # A value missing in a pandas frame arrives as NaN/NaT (never equal to itself): it means "none".
    fields = {
        name: None if (value := read(name)) is None or value != value else value for name in STATUS_INPUTS
    }
    return kpi_status(**fields, today=today)


# Units with a natural range; a value outside it is a typing mistake, not a result.
UNIT_RANGES: dict[str, tuple[float, float]] = {
    "%": (0.0, 100.0),
    "score 1-10": (1.0, 10.0),
    "score 1-5": (1.0, 5.0),
    "NPS": (-100.0, 100.0),
}
NON_NEGATIVE_UNITS = {
    "count",
    "minutes",
    "seconds",
    "hours",
    "days",
    "EUR",
    "EUR per month",
    "hours per month",
}
UNITS: tuple[str, ...] = (*UNIT_RANGES, *sorted(NON_NEGATIVE_UNITS))


def unit_problem(unit: str, value: float) -> str | None:
    """Why `value` cannot be a measurement in `unit`, if it cannot."""
    if unit in UNIT_RANGES:
        low, high = UNIT_RANGES[unit]
        if not low <= value <= high:
            return f"a value in {unit} must be between {low:g} and {high:g} (got {value:g})"
    elif unit in NON_NEGATIVE_UNITS and value < 0:
        return f"a value in {unit} cannot be negative (got {value:g})"
    return None


# --- value in money and hours -------------------------------------------------------------------------------

MONEY_PER_MONTH = "EUR per month"
HOURS_PER_MONTH = "hours per month"
DEFAULT_HOURLY_RATE = 45.0  # EUR per hour of staff time saved, when the organisation has not set its own


def monthly_value(
    latest_by_unit: list[tuple[str, float | None]], hourly_rate: float = DEFAULT_HOURLY_RATE
) -> float | None:
    """Value delivered per month from business KPIs kept in money or hours per month (latest values); None
    when no such KPI has a recorded value: the value is then not measured, which is not the same as zero."""
    total, measured = 0.0, False
    for unit, value in latest_by_unit:
        if value is None:
            continue
        if unit == MONEY_PER_MONTH:
            total, measured = total + value, True
        elif unit == HOURS_PER_MONTH:
            total, measured = total + value * hourly_rate, True
    return round(total, 2) if measured else None


def net_value_first_year(
    value_per_month: float | None, running_cost_per_month: float | None, one_off_cost: float | None
) -> float | None:
    """Twelve months of value less twelve months of running cost and the one-off cost; None (not measured)
    when the value is not measured."""
    if value_per_month is None:
        return None
    return round(12 * (value_per_month - (running_cost_per_month or 0.0)) - (one_off_cost or 0.0), 2)
