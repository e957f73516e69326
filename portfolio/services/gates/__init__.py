"""Gates: their checklists (`checklists`), the decisions taken at them (`decisions`), and the pilots a go at
the pilot gate starts, with their charters and reviews (`pilots`). Callers use them through this package."""

from portfolio.services.gates.checklists import (
    ChecklistItemInput,
    checklist_items,
    checklist_table,
    ensure_default_checklists,
    replace_checklist,
)
from portfolio.services.gates.decisions import (
    GateDecisionInput,
    gate_facts,
    next_gate,
    owner_name,
    preview_checklist,
    record_gate_decision,
)
from portfolio.services.gates.pilots import (
    CharterInput,
    PilotReviewInput,
    charter_for,
    charter_of,
    charter_problems,
    extend_or_pause_pilot,
    pilot_reviews,
)

__all__ = [
    "CharterInput",
    "ChecklistItemInput",
    "GateDecisionInput",
    "PilotReviewInput",
    "charter_for",
    "charter_of",
    "charter_problems",
    "checklist_items",
    "checklist_table",
    "ensure_default_checklists",
    "extend_or_pause_pilot",
    "gate_facts",
    "next_gate",
    "owner_name",
    "pilot_reviews",
    "preview_checklist",
    "record_gate_decision",
    "replace_checklist",
]
