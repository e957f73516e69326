"""The Portfolio page's table as a CSV for people: the columns the page shows, headed in words, with stages,
tiers, quadrants and sectors as labels, yes/no, scores rounded and the last change as "7 May 2026, 14:05".
Written through the shared spreadsheet writer. (The round-trip export that imports back, with the importer's
field names and stored keys, is `portfolio export`: reports/portfolio_export.py.)"""

import pandas as pd

from portfolio import labels
from portfolio.models import AiActTier, AiKind, Sector, Stage
from portfolio.reports.spreadsheet import csv_bytes
from portfolio.scoring import Quadrant

# Column of the portfolio table → heading people read, in the order written.
HEADINGS: dict[str, str] = {
    "key": "Key",
    "title": "Use case",
    "stage": "Stage",
    "days_in_stage": "Days in stage",
    "owner": "Accountable owner",
    "team": "Team",
    "business_unit": "Business unit",
    "sector": "Sector",
    "ai_kind": "Kind of AI",
    "ai_act_tier": "EU AI Act tier",
    "customer_facing": "Customer-facing",
    "impact": "Impact (0–100)",
    "risk": "Risk (0–100)",
    "quadrant": "Quadrant",
    "reviewers": "Reviewers",
    "gaps": "Gaps",
    "updated_at": "Last changed (UTC)",
}


def _score(value: float | None) -> int | None:
    return None if value is None or pd.isna(value) else round(value)


def people_table(table: pd.DataFrame) -> pd.DataFrame:
    """The portfolio table (use_cases.portfolio_table) in words, headed for people."""
    words = {
        "stage": lambda v: labels.label(Stage, v),
        "sector": lambda v: labels.label(Sector, v, ""),
        "ai_kind": lambda v: labels.label(AiKind, v, ""),
        "ai_act_tier": lambda v: labels.label(AiActTier, v, "Not classified"),
        "quadrant": lambda v: labels.label(Quadrant, v, "Not scored"),
        "customer_facing": labels.yes_no,
        "impact": _score,
        "risk": _score,
        "updated_at": lambda v: labels.moment(v, ""),
    }
    shown = table[[c for c in HEADINGS if c in table.columns]].astype(object)
    for column, to_words in words.items():
        if column in shown.columns:
            shown[column] = shown[column].map(to_words)
    shown = shown.where(shown.notna(), None)
    return shown.rename(columns=HEADINGS)


def portfolio_csv(table: pd.DataFrame) -> bytes:
    return csv_bytes(people_table(table))
