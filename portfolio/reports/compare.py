"""Comparing two snapshots: what was proposed, advanced, scaled, stopped, retired or rejected between them, and
how scores, KPI statuses, value and the headline figures moved. Pure: works on two snapshots' content."""

from dataclasses import dataclass
from typing import Any

import pandas as pd

from portfolio import labels
from portfolio.models import STAGE_ORDER, KpiStatus, Stage

NEW = "New"
ADVANCED = "Advanced"
SCALED = "Scaled"
STOPPED = "Stopped"
RETIRED = "Retired"
REJECTED = "Rejected"
MOVED_BACK = "Moved back"
UNCHANGED = "No change"
GONE = "No longer in the portfolio"
MOVEMENTS = (NEW, ADVANCED, SCALED, STOPPED, RETIRED, REJECTED, MOVED_BACK, UNCHANGED, GONE)


def headline(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The snapshot's headline figures (the leadership overview's), by key."""
    return {figure["key"]: figure for figure in content.get("headline", [])}


def movement(before: str | None, after: str | None) -> str:
    """How a use case moved between two snapshots, from its stage in each."""
    if before is None:
        return NEW
    if after is None:
        return GONE
    if before == after:
        return UNCHANGED
    if after == Stage.stopped:
        return STOPPED
    if after == Stage.retired:
        return RETIRED
    if after == Stage.rejected:
        return REJECTED
    order = [s.value for s in STAGE_ORDER]
    if before in order and after in order and order.index(after) < order.index(before):
        return MOVED_BACK
    return SCALED if after in (Stage.scale_up, Stage.production) else ADVANCED


@dataclass(frozen=True)
class Comparison:
    before_quarter: str
    after_quarter: str
    movements: pd.DataFrame  # one row per use case in either snapshot
    counts: pd.DataFrame  # movement, use_cases: every movement category, in order
    status_changes: pd.DataFrame  # KPIs whose status changed
    figures: pd.DataFrame  # figure, unit (count, EUR or %), before, after, change: numbers, for exports


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None, never NaN (pandas 3 turns a missing text or number into NaN)."""
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


def _delta(before: Any, after: Any) -> float | None:
    if before is None or after is None:
        return None
    return round(after - before, 2)


def compare(before: dict[str, Any], after: dict[str, Any]) -> Comparison:
    old = {c["key"]: c for c in before["use_cases"]}
    new = {c["key"]: c for c in after["use_cases"]}
    rows = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key, {}), new.get(key, {})
        rows.append(
            {
                "key": key,
                "title": b.get("title", a.get("title")),
                "movement": movement(a.get("stage"), b.get("stage")),
                "stage_before": a.get("stage"),
                "stage_after": b.get("stage"),
                "impact_before": a.get("impact"),
                "impact_after": b.get("impact"),
                "impact_change": _delta(a.get("impact"), b.get("impact")),
                "risk_before": a.get("risk"),
                "risk_after": b.get("risk"),
                "risk_change": _delta(a.get("risk"), b.get("risk")),
                "kpi_health_before": a.get("kpi_health"),
                "kpi_health_after": b.get("kpi_health"),
                "value_per_month_before": a.get("value_per_month"),
                "value_per_month_after": b.get("value_per_month"),
                "value_per_month_change": _delta(a.get("value_per_month"), b.get("value_per_month")),
            }
        )
    movements = pd.DataFrame(rows)
    order = {name: i for i, name in enumerate(MOVEMENTS)}
    if not movements.empty:
        movements = (
            movements.assign(_order=movements["movement"].map(order))
            .sort_values(["_order", "key"])
            .drop(columns="_order")
            .reset_index(drop=True)
        )
    counts = pd.DataFrame(
        [
            {"movement": name, "use_cases": int((movements["movement"] == name).sum()) if rows else 0}
            for name in MOVEMENTS
        ]
    )
    old_kpis = {(k["key"], k["kpi"]): k["status"] for k in before["kpis"]}
    status_rows = [
        {
            "key": k["key"],
            "use_case": k["use_case"],
            "kpi": k["kpi"],
            "status_before": old_kpis.get((k["key"], k["kpi"])),
            "status_after": k["status"],
        }
        for k in after["kpis"]
        if old_kpis.get((k["key"], k["kpi"])) != k["status"]
    ]
    status_changes = pd.DataFrame(
        status_rows, columns=["key", "use_case", "kpi", "status_before", "status_after"]
    )
    old_figures, new_figures = headline(before), headline(after)
    figures = pd.DataFrame(
        [
            {
                "figure": figure["label"],
                "unit": figure.get("unit", "count"),
                "before": old_figures.get(key, {}).get("value"),
                "after": figure["value"],
                "change": _delta(old_figures.get(key, {}).get("value"), figure["value"]),
            }
            for key, figure in new_figures.items()
        ]
        + [
            {
                "figure": f"KPIs: {status.label.lower()}",
                "unit": "count",
                "before": before["totals"]["kpi_health"].get(status.value),
                "after": after["totals"]["kpi_health"].get(status.value),
                "change": _delta(
                    before["totals"]["kpi_health"].get(status.value),
                    after["totals"]["kpi_health"].get(status.value),
                ),
            }
            for status in KpiStatus
        ],
        columns=["figure", "unit", "before", "after", "change"],
    )
    return Comparison(
        before["quarter"], after["quarter"], plain(movements), counts, plain(status_changes), plain(figures)
    )


def _figure_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "EUR":
        return labels.money(value)
    return labels.number(value, "%" if unit == "%" else "")


def _figure_change(change: float | None, unit: str) -> str:
    """Signed with a true minus sign: "+€155,354,876", "−3.7 points", "+3,135"."""
    if change is None:
        return "—"
    if change == 0:
        return "No change"
    sign = "+" if change > 0 else "−"
    if unit == "%":
        return f"{sign}{labels.amount(abs(change))} points"
    return sign + _figure_value(abs(change), unit)


def figures_shown(figures: pd.DataFrame) -> pd.DataFrame:
    """The compared headline figures as a page shows them, each in its unit's words: euros whole with "€",
    percentages with "%", counts with thousands separators. Exports keep `Comparison.figures`' numbers."""
    return pd.DataFrame(
        [
            {
                "figure": row["figure"],
                "before": _figure_value(row["before"], row["unit"]),
                "after": _figure_value(row["after"], row["unit"]),
                "change": _figure_change(row["change"], row["unit"]),
            }
            for row in figures.to_dict("records")
        ],
        columns=["figure", "before", "after", "change"],
    )
