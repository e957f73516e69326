"""An audit event in words a manager reads: the kind of change, each field's name, and its values with labels
for enum values, dates like "7 May 2026", people by name and "—" for nothing. Pure; the stored before/after
stay exactly as recorded."""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from portfolio import labels
from portfolio.labels import (
    EMPTY,
    PERSON_FIELD,
    action_label,
    field_label,
    moment,
)
from portfolio.models import (
    AiActTier,
    AiKind,
    Audience,
    Dimension,
    Direction,
    Gate,
    GateOutcome,
    KpiKind,
    KpiStatus,
    LessonCategory,
    LessonOutcome,
    PilotDecision,
    Role,
    Sector,
    Stage,
)
from portfolio.scoring import Quadrant

__all__ = ["action_label", "comparison", "field_label", "kind_of", "side_words", "value_words"]

# Kinds of change, for the Audit page's filter: each is the actions whose name starts with one of its prefixes.
KINDS: dict[str, tuple[str, ...]] = {
    "Use cases": ("use_case.", "use_cases."),
    "Scores": ("assessment.",),
    "Gate decisions and pilots": ("gate_decision.", "pilot_review.", "pilot."),
    "KPIs and results": ("kpi.", "kpis.", "measurement.", "measurements."),
    "Lessons": ("lesson.",),
    "People and roles": ("person.", "people."),
    "Settings": ("setting.", "checklist.", "checklists.", "scoring_model."),
    "Snapshots": ("snapshot.", "snapshots."),
    "Imports": ("import.", "imports."),
}

ENUMS_BY_FIELD: dict[str, tuple[type, ...]] = {
    "stage": (Stage,),
    "from_stage": (Stage,),
    "to_stage": (Stage,),
    "ai_act_tier": (AiActTier,),
    "tier": (AiActTier,),
    "sector": (Sector,),
    "gate": (Gate,),
    "gates": (Gate,),
    "decision": (GateOutcome, PilotDecision),
    "outcome": (GateOutcome, LessonOutcome),
    "category": (LessonCategory,),
    "kind": (KpiKind, AiKind),
    "ai_kind": (AiKind,),
    "kind_of_ai": (AiKind,),
    "direction": (Direction,),
    "roles": (Role,),
    "role": (Role,),
    "audience": (Audience,),
    "serves": (Audience,),
    "dimension": (Dimension,),
    "quadrant": (Quadrant,),
    "status": (KpiStatus,),
}
# Fields whose stored keys have their own words (checklist rules and scopes, scoring criteria).
WORDS_BY_FIELD = {
    "rule": labels.checked_by,
    "applies_to": labels.applies_to,
    "criteria": labels.criterion,
    "criterion": labels.criterion,
}

HIDDEN_FIELDS = {"id", "version", "use_case_id", "kpi_id", "measurement_id", "model_id", "snapshot_id"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
LONGEST = 160


def kind_of(action: str) -> str:
    for kind, prefixes in KINDS.items():
        if action.startswith(prefixes):
            return kind
    return "Other"


def _enum_label(field: str, value: str) -> str | None:
    for enum in ENUMS_BY_FIELD.get(field, ()):
        try:
            return enum(value).label
        except ValueError:
            continue
    return None


def value_words(field: str, value: Any, people: Mapping[int, str] | None = None) -> str:
    """One stored value as a manager reads it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if PERSON_FIELD.search(field) and isinstance(value, int):
        return (people or {}).get(value, f"person no. {value}")
    if isinstance(value, int | float):
        return format(value, ",.15g") if isinstance(value, float) else f"{value:,}"
    if isinstance(value, list):
        return ", ".join(value_words(field, item, people) for item in value)
    if isinstance(value, Mapping):
        for name in (
            "label",
            "name",
            "title",
            "item",
        ):  # a record in a list (criterion, checklist item): its name
            if value.get(name):
                return str(value[name])
        return "; ".join(
            f"{labels.CRITERIA.get(k) or field_label(k)}: {value_words(k, v, people)}"
            for k, v in value.items()
            if k not in HIDDEN_FIELDS
        )
    text = str(value)
    if field in WORDS_BY_FIELD:
        return WORDS_BY_FIELD[field](text)
    label = _enum_label(field, text)
    if label is not None:
        return label
    if ISO_DATE.match(text):
        return moment(date.fromisoformat(text))
    if ISO_DATETIME.match(text):
        try:
            return moment(datetime.fromisoformat(text))
        except ValueError:
            return text
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def visible_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
    """The fields an event shows, in the order recorded (after first, then any only before)."""
    fields = [*(after or {}), *(k for k in (before or {}) if k not in (after or {}))]
    return [f for f in fields if f not in HIDDEN_FIELDS]


def side_words(
    record: Mapping[str, Any] | None, fields: list[str], people: Mapping[int, str] | None = None
) -> str:
    """One side (before or after) of an event on one line: "Stage: Pilot · Reason: Strong evidence"."""
    if record is None:
        return EMPTY
    if not isinstance(record, Mapping):  # a setting stored as a plain value
        return value_words("", record, people)
    return " · ".join(
        f"{field_label(f)}: {value_words(f, record.get(f), people)}" for f in fields if f in record
    )


def comparison(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, people: Mapping[int, str] | None = None
) -> list[dict[str, str]]:
    """Field by field, before beside after, for one event."""
    if not isinstance(before, Mapping | None) or not isinstance(after, Mapping | None):
        return [{"Field": "Value", "Before": side_words(before, []), "After": side_words(after, [])}]
    return [
        {
            "Field": field_label(f),
            "Before": value_words(f, (before or {}).get(f), people) if before is not None else EMPTY,
            "After": value_words(f, (after or {}).get(f), people) if after is not None else EMPTY,
        }
        for f in visible_fields(before, after)
    ]
