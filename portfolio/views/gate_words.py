"""A gate decision's checklist as people read it: each item in words, how it was checked, and whether it was
met; the stored keys and rules stay in the record (and in exports meant for machines)."""

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from portfolio import labels


def gate_checklist_table(checklist: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per item: "Checklist item", "Checked by" and "Met"."""
    return pd.DataFrame(
        [
            {
                "Checklist item": item.get("item") or labels.checklist_item(str(item.get("key", ""))),
                "Checked by": labels.checked_by_short(item.get("rule"))
                if item.get("rule")
                else ("Automatic" if item.get("automatic") else "Approver confirms"),
                "Met": bool(item.get("met")),
            }
            for item in checklist
        ],
        columns=["Checklist item", "Checked by", "Met"],
    )
