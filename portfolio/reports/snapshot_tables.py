"""A snapshot as tables a manager reads: one per sheet of the workbook and file of the CSV zip. Words for
enum values, dates as dates, numbers as numbers; text people typed is kept as typed."""

from datetime import date
from typing import Any

import pandas as pd

from portfolio import labels
from portfolio.models import (
    AiActTier,
    Gate,
    GateOutcome,
    KpiKind,
    KpiStatus,
    LessonCategory,
    LessonOutcome,
    PilotDecision,
    Sector,
    Stage,
)
from portfolio.models.enums import Direction
from portfolio.reports.compare import Comparison, headline
from portfolio.scoring import Quadrant

KPI_COLUMNS = ["Key", "Use case", "KPI", "Kind", "Unit", "Direction", "Baseline", "Baseline date"]
KPI_COLUMNS += ["Latest value", "Latest date", "Target", "Target date", "Status"]
TRUST_COLUMNS = [
    "Key",
    "Use case",
    "Stage",
    "Team",
    "Trust KPIs",
    "Weakest trust KPI",
    "Trust KPIs off track",
]
TRUST_COLUMNS += ["Gaps"]
LESSON_COLUMNS = ["Recorded", "Key", "Use case", "Lesson", "Outcome", "Category", "What happened"]
LESSON_COLUMNS += ["What we would do differently", "Author"]


def as_date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def yes_no(value: bool | None) -> str | None:
    """A yes/no fact as a board member reads it (a spreadsheet would show TRUE/FALSE or 1/0)."""
    return None if value is None else ("Yes" if value else "No")


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def summary_frame(content: dict[str, Any], previous: dict[str, Any] | None) -> pd.DataFrame:
    totals = content["totals"]
    before = previous["totals"] if previous else {}
    rows: list[dict[str, Any]] = [
        {"Figure": "Quarter", "Value": content["quarter"]},
        {"Figure": "Portfolio as it stood on", "Value": as_date(content["as_of"])},
        {"Figure": "Taken by", "Value": content["taken_by"]},
        {"Figure": "Taken on", "Value": as_date(content["taken_at"])},
    ]
    unit_words = {"EUR": " (EUR)", "%": " (%)"}
    for figure in headline(content).values():
        # Whole numbers on the summary (euros, percentage points): the board reads them at a glance.
        now, then = _whole(figure["value"]), _whole(figure["previous"])
        rows.append(
            {
                "Figure": figure["label"] + unit_words.get(figure["unit"], ""),
                "Value": now,
                "Previous quarter": then,
                "Change": now - then if now is not None and then is not None else None,
                "Previous from": figure["previous_basis"] or "nothing to compare with",
            }
        )
    figures = [
        ("pilots_in_purgatory", "Pilots needing a decision"),
        ("use_cases", "Use cases in the portfolio"),
        ("closed", "Closed"),
        ("gate_decisions", "Gate decisions this quarter"),
        ("lessons", "Lessons recorded this quarter"),
    ]
    basis = f"snapshot {previous['quarter']}" if previous else "nothing to compare with"
    for name, text in figures:
        now, then = _whole(totals.get(name)), _whole(before.get(name))
        rows.append(
            {
                "Figure": text,
                "Value": now,
                "Previous quarter": then,
                "Change": now - then if now is not None and then is not None else None,
                "Previous from": basis,
            }
        )
    for stage in Stage:
        rows.append(
            {
                "Figure": f"Use cases in {stage.label}",
                "Value": totals["by_stage"][stage.value],
                "Previous quarter": before.get("by_stage", {}).get(stage.value),
                "Previous from": basis,
            }
        )
    for status in KpiStatus:
        rows.append(
            {
                "Figure": f"KPIs {status.label.lower()} (pilots and later)",
                "Value": totals["kpi_health"][status.value],
                "Previous quarter": before.get("kpi_health", {}).get(status.value),
                "Previous from": basis,
            }
        )
    trust_words = {
        "customer_facing": "Customer-facing use cases",
        "without_trust_kpi": "… without a trust KPI",
        "customers_not_told": "… customers not told about the AI",
        "no_path_to_person": "… no path to a person",
        "trust_kpis_off_track": "Trust KPIs off track",
    }
    for name, text in trust_words.items():
        rows.append(
            {
                "Figure": text,
                "Value": totals["trust"][name],
                "Previous quarter": before.get("trust", {}).get(name),
                "Previous from": basis,
            }
        )
    return pd.DataFrame(rows, columns=["Figure", "Value", "Previous quarter", "Change", "Previous from"])


def use_cases_frame(content: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Key": c["key"],
                "Use case": c["title"],
                "Stage": labels.label(Stage, c["stage"]),
                "In stage since": as_date(c["stage_entered_on"]),
                "Days in stage": c["days_in_stage"],
                "Accountable owner": c["owner"],
                "Team": c["team"],
                "Sector": labels.label(Sector, c["sector"]),
                "EU AI Act tier": labels.label(AiActTier, c["ai_act_tier"], "Not classified"),
                "Customer-facing": yes_no(c["customer_facing"]),
                "Impact (0-100)": c["impact"],
                "Risk (0-100)": c["risk"],
                "Quadrant": labels.label(Quadrant, c["quadrant"], "Not scored"),
                "Reviewers": c["reviewers"],
                "KPIs": c["kpis"],
                "Weakest KPI": labels.label(KpiStatus, c["kpi_health"], "No KPI"),
                "Pilot decision date": as_date(c["decision_on"]),
                "Needs attention": "; ".join(c["flags"]),
                "Trust gaps": "; ".join(c["trust_gaps"]),
                "Value per month (EUR)": c["value_per_month"],
                "Running cost per month (EUR)": c["running_cost_per_month"],
                "One-off cost (EUR)": c["one_off_cost"],
                "Net value, first year (EUR)": c["net_first_year"],
            }
            for c in content["use_cases"]
        ]
    )


def kpis_frame(content: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Key": k["key"],
                "Use case": k["use_case"],
                "KPI": k["kpi"],
                "Kind": labels.label(KpiKind, k["kind"]),
                "Unit": k["unit"],
                "Direction": labels.label(Direction, k["direction"]),
                "Baseline": k["baseline"],
                "Baseline date": as_date(k["baseline_on"]),
                "Latest value": k["latest_value"],
                "Latest date": as_date(k["latest_on"]),
                "Target": k["target"],
                "Target date": as_date(k["target_on"]),
                "Status": labels.label(KpiStatus, k["status"]),
            }
            for k in content["kpis"]
        ],
        columns=KPI_COLUMNS,
    )


def trust_frame(content: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Key": t["key"],
                "Use case": t["title"],
                "Stage": labels.label(Stage, t["stage"]),
                "Team": t["team"],
                "Trust KPIs": t["trust_kpis"],
                "Weakest trust KPI": labels.label(KpiStatus, t["worst_status"], "No trust KPI"),
                "Trust KPIs off track": t["off_track"],
                "Gaps": "; ".join(t["gaps"]) or "None",
            }
            for t in content["trust"]
        ],
        columns=TRUST_COLUMNS,
    )


def gate_decisions_frame(content: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Date": as_date(d["decided_on"]),
                "Key": d["key"],
                "Use case": d["use_case"],
                "Gate": labels.label(Gate, d["gate"]),
                "Decision": labels.label(GateOutcome, d["outcome"]),
                "Decided by": d["decided_by"],
                "Rationale": d["rationale"],
                "Overrides": d["overrides"],
            }
            for d in content["gate_decisions"]
        ],
        columns=["Date", "Key", "Use case", "Gate", "Decision", "Decided by", "Rationale", "Overrides"],
    )


def pilot_reviews_frame(content: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Date": as_date(r["decided_on"]),
                "Key": r["key"],
                "Use case": r["use_case"],
                "Decision": labels.label(PilotDecision, r["decision"]),
                "Decided by": r["decided_by"],
                "Reason": r["reason"],
                "New decision date": as_date(r["new_decision_on"]),
            }
            for r in content["pilot_reviews"]
        ],
        columns=["Date", "Key", "Use case", "Decision", "Decided by", "Reason", "New decision date"],
    )


def stage_moves_frame(content: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Date": as_date(m["moved_on"]),
                "Key": m["key"],
                "Use case": m["use_case"],
                "From": labels.label(Stage, m["from_stage"], "New proposal"),
                "To": labels.label(Stage, m["to_stage"]),
                "By": m["moved_by"],
                "Reason": m["reason"],
            }
            for m in content["stage_moves"]
        ],
        columns=["Date", "Key", "Use case", "From", "To", "By", "Reason"],
    )


def lessons_frame(content: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Recorded": as_date(lesson["recorded_on"]),
                "Key": lesson["key"],
                "Use case": lesson["use_case"],
                "Lesson": lesson["title"],
                "Outcome": labels.label(LessonOutcome, lesson["outcome"]),
                "Category": labels.label(LessonCategory, lesson["category"]),
                "What happened": lesson["happened"],
                "What we would do differently": lesson["do_differently"],
                "Author": lesson["author"],
            }
            for lesson in content["lessons"]
        ],
        columns=LESSON_COLUMNS,
    )


def movements_frame(comparison: Comparison | None) -> pd.DataFrame:
    columns = ["Key", "Use case", "Movement", "Stage before", "Stage now", "Impact change", "Risk change"]
    columns += ["Weakest KPI before", "Weakest KPI now", "Value per month change (EUR)"]
    if comparison is None:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(
        [
            {
                "Key": m["key"],
                "Use case": m["title"],
                "Movement": m["movement"],
                "Stage before": labels.label(Stage, m["stage_before"], "Not yet proposed"),
                "Stage now": labels.label(Stage, m["stage_after"], None),
                "Impact change": m["impact_change"],
                "Risk change": m["risk_change"],
                "Weakest KPI before": labels.label(KpiStatus, m["kpi_health_before"], None),
                "Weakest KPI now": labels.label(KpiStatus, m["kpi_health_after"], None),
                "Value per month change (EUR)": m["value_per_month_change"],
            }
            for m in comparison.movements.to_dict("records")
        ],
        columns=columns,
    )


def sheets(
    content: dict[str, Any], previous: dict[str, Any] | None, comparison: Comparison | None
) -> dict[str, pd.DataFrame]:
    """Every table of a snapshot, in the order a reader goes through them."""
    return {
        "Summary": summary_frame(content, previous),
        "Use cases": use_cases_frame(content),
        "KPIs": kpis_frame(content),
        "Trust": trust_frame(content),
        "Gate decisions": gate_decisions_frame(content),
        "Pilot reviews": pilot_reviews_frame(content),
        "Stage moves": stage_moves_frame(content),
        "Lessons": lessons_frame(content),
        "Movements": movements_frame(comparison),
    }
