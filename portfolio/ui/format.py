"""Display helpers: the words and colours a manager sees for domain values."""

from datetime import date, datetime
from typing import Any

import pandas as pd

from portfolio.models import AiActTier, KpiStatus, Stage

STAGE_COLOURS = {
    Stage.proposed: "gray",
    Stage.assessed: "blue",
    Stage.pilot: "orange",
    Stage.scale_up: "violet",
    Stage.production: "green",
    Stage.retired: "gray",
    Stage.rejected: "red",
    Stage.stopped: "red",
}
TIER_COLOURS = {
    AiActTier.prohibited: "red",
    AiActTier.high: "orange",
    AiActTier.limited: "blue",
    AiActTier.minimal: "green",
}
STATUS_COLOURS = {
    KpiStatus.achieved: "green",
    KpiStatus.on_track: "blue",
    KpiStatus.at_risk: "orange",
    KpiStatus.off_track: "red",
    KpiStatus.no_recent_data: "gray",
}
STATUS_ICONS = {
    KpiStatus.achieved: ":material/check_circle:",
    KpiStatus.on_track: ":material/trending_up:",
    KpiStatus.at_risk: ":material/warning:",
    KpiStatus.off_track: ":material/error:",
    KpiStatus.no_recent_data: ":material/schedule:",
}


def label(enum_type: Any, value: Any, missing: str = "—") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return missing
    try:
        return enum_type(value).label
    except ValueError:
        return str(value)


def yes_no(value: bool | None) -> str:
    return "Yes" if value else "No"


def day(value: date | datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{value:%-d %b %Y}"


SHORT_UNITS = {
    "EUR": "€",
    "EUR per month": "€/mo",
    "hours": "h",
    "hours per month": "h/mo",
    "minutes": "min",
    "seconds": "s",
    "days": "d",
    "count": "",
    "NPS": "",
    "score 1-10": "/10",
    "score 1-5": "/5",
}


def number(value: float | None, unit: str = "") -> str:
    """A value with a short unit, so it fits a metric: "82%", "8.2/10", "€32,376", "719 h/mo"."""
    if value is None or pd.isna(value):
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}".removesuffix(".0")
    short = SHORT_UNITS.get(unit, unit)
    if unit == "%" or short.startswith("/"):
        return f"{text}{short}"
    if short == "€":
        return f"€{text}"
    return f"{text} {short}".strip()
