"""The one set of words and formats for every value a person reads, on screens and in exports meant for
people: labels for the domain's stored keys (stages, tiers, quadrants, KPI kinds, checklist items, scoring
criteria, audit actions and fields), dates ("7 May 2026"), moments ("7 May 2026, 14:05": never seconds, never
ISO), numbers with their units, yes/no and singular or plural. Pure: pages, views, snapshots and reports all
read it, so a value reads the same everywhere. Exports meant for machines (round-trip CSV) keep the keys."""

import math
import re
from datetime import date, datetime
from typing import Any, overload

from portfolio.checklist import APPLIES, MANUAL, RULES
from portfolio.models.enums import Dimension, Direction, KpiKind
from portfolio.scoring import DEFAULT_CRITERIA

EMPTY = "—"


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value) in ("NaT", "nan", "None", "<NA>")


def humanise(key: str) -> str:
    """A stored key no table below knows, in words: "model_quality" → "Model quality"; "ai"/"kpi" in capitals."""
    words = str(key).replace("_", " ").replace(".", " ").strip()
    words = re.sub(r"\bai\b", "AI", words, flags=re.IGNORECASE)
    words = re.sub(r"\bkpi(s?)\b", lambda m: "KPI" + m.group(1), words, flags=re.IGNORECASE)
    words = re.sub(r"\beu\b", "EU", words, flags=re.IGNORECASE)
    return words[:1].upper() + words[1:]


@overload
def label(enum_type: Any, value: Any, missing: str = EMPTY) -> str: ...
@overload
def label(enum_type: Any, value: Any, missing: None) -> str | None: ...
def label(enum_type: Any, value: Any, missing: str | None = EMPTY) -> str | None:
    """An enum value (or its stored key) as a manager reads it; `missing` for nothing (None: an empty
    spreadsheet cell)."""
    if _missing(value):
        return missing
    try:
        return enum_type(value).label
    except ValueError:
        return humanise(str(value))


QUADRANT_SHORT = {
    "quick_win": "Quick win",
    "strategic_bet": "Strategic bet",
    "experiment": "Experiment",
    "avoid": "Avoid or rethink",
}


def quadrant_short(value: Any, missing: str = EMPTY) -> str:
    """A matrix quadrant in two words, for a narrow column or a chart label ("Strategic bet")."""
    if _missing(value):
        return missing
    return QUADRANT_SHORT.get(str(value)) or humanise(str(value))


def yes_no(value: bool | None) -> str:
    return "Yes" if value else "No"


def _as_datetime(value: Any) -> date | datetime | None:
    if _missing(value):
        return None
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, date) else None


def day(value: Any, missing: str = EMPTY) -> str:
    """A date (or the day of a moment) as "7 May 2026"."""
    moment_or_day = _as_datetime(value)
    if moment_or_day is None:
        return missing if _missing(value) else str(value)
    return f"{moment_or_day.day} {moment_or_day:%b %Y}"


def long_day(value: Any, missing: str = EMPTY) -> str:
    """A date with the month in full, for sentences: "7 September 2026"."""
    moment_or_day = _as_datetime(value)
    if moment_or_day is None:
        return missing if _missing(value) else str(value)
    return f"{moment_or_day.day} {moment_or_day:%B %Y}"


def moment(value: Any, missing: str = EMPTY) -> str:
    """A timestamp as "7 May 2026, 14:05" (UTC, to the minute); a plain date as its day."""
    moment_or_day = _as_datetime(value)
    if moment_or_day is None:
        return missing if _missing(value) else str(value)
    if not isinstance(moment_or_day, datetime):
        return day(moment_or_day)
    return f"{day(moment_or_day)}, {moment_or_day:%H:%M}"


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


UNIT_NAMES = {
    "EUR": "€",
    "EUR per month": "€ per month",
    "score 1-10": "score 1–10",
    "score 1-5": "score 1–5",
}


def unit_name(unit: str | None) -> str:
    """A KPI's unit as a manager reads it beside "Unit:": "%", "€ per month", "hours per month", "score 1–10";
    a unit the tool does not know, as it was typed."""
    if _missing(unit) or not str(unit).strip():
        return EMPTY
    return UNIT_NAMES.get(str(unit), str(unit))


def kpi_choice(name: str, unit: str | None) -> str:
    """A KPI where a person picks one: its name and its unit as the KPI tiles name it, "CSAT (score 1–10)";
    the name alone when it has no unit."""
    if _missing(unit) or not str(unit).strip():
        return name
    return f"{name} ({unit_name(unit)})"


def kpi_caption(kind: str, direction: str, unit: str | None) -> str:
    """What a KPI tile says under its name: "Business value · Higher is better · Unit: %"."""
    parts = [label(KpiKind, kind), label(Direction, direction)]
    if not _missing(unit) and str(unit).strip():
        parts.append(f"Unit: {unit_name(unit)}")
    return " · ".join(parts)


def amount(value: float | None) -> str:
    """A bare number: thousands separated, one decimal under 100 (none when whole)."""
    if _missing(value):
        return EMPTY
    assert value is not None
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}".removesuffix(".0")


def number(value: float | None, unit: str = "") -> str:
    """A value with a short unit, so it fits a metric: "82%", "8.2/10", "€32,376", "719 h/mo"."""
    if _missing(value):
        return EMPTY
    text = amount(value)
    short = SHORT_UNITS.get(unit, unit)
    if unit == "%" or short.startswith("/"):
        return f"{text}{short}"
    if short == "€":
        return f"€{text}"
    return f"{text} {short}".strip()


NOT_MEASURED = "Not measured"


def measured(value: float | None, unit: str = "EUR") -> str:
    """A value that may not be measured (a use case's value and net value without a money or hours KPI holding
    a value): "Not measured", never "—" or €0."""
    return NOT_MEASURED if _missing(value) else number(value, unit)


def money(value: float | None, missing: str = EMPTY) -> str:
    """Euros, whole: "€32,376"; `missing` (e.g. "not measured") for nothing."""
    return missing if _missing(value) else number(value, "EUR")


def money_short(value: float | None) -> str:
    """Euros rounded to fit a headline figure: "€1.1bn", "€2.6m", "€412k", "€950" (the overview and the board
    report)."""
    if _missing(value):
        return EMPTY
    assert value is not None
    size, sign = abs(value), "−" if value < 0 else ""
    if size >= 999_950_000:  # what would otherwise read "€1,000.0m"
        return f"{sign}€{size / 1_000_000_000:,.1f}bn"
    if size >= 1_000_000:
        return f"{sign}€{size / 1_000_000:,.1f}m"
    if size >= 10_000:
        return f"{sign}€{size / 1_000:,.0f}k"
    return f"{sign}€{size:,.0f}"


def more(count: int, where: str = "") -> str:
    """What a shortened list leaves out: "and 1,234 more", then where to find them."""
    return f"and {count:,} more{where}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 use case", "3 use cases", "1,204 changes"."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


# The gate checklist: items checked automatically carry their rule's words; items an approver confirms carry
# the label an administrator gave them. Keys of the default items, for records that kept only a key.
CHECKLIST_ITEMS: dict[str, str] = {key: words for key, (words, _check) in RULES.items()} | {
    "dpia": "Data protection impact assessment done or judged unnecessary by the privacy officer",
    "pilot_evidence": "The pilot reached its minimum evidence before the result was judged",
    MANUAL: "Confirmed by the approver",
}
CHECKED_BY: dict[str, str] = {MANUAL: "Confirmed by the approver"} | {
    key: f"Automatic: {words}" for key, (words, _check) in RULES.items()
}
APPLIES_TO: dict[str, str] = {key: words for key, (words, _check) in APPLIES.items()}


def checklist_item(key: str) -> str:
    return CHECKLIST_ITEMS.get(key) or humanise(key)


def checked_by(rule: str | None) -> str:
    """How an item is checked: "Automatic: …" or "Confirmed by the approver"."""
    if _missing(rule):
        return EMPTY
    return CHECKED_BY.get(str(rule)) or humanise(str(rule))


def checked_by_short(rule: str | None) -> str:
    """The same in one word or two, for a narrow column."""
    return "Approver confirms" if rule == MANUAL else "Automatic"


def applies_to(key: str | None) -> str:
    if _missing(key):
        return EMPTY
    return APPLIES_TO.get(str(key)) or humanise(str(key))


CRITERIA: dict[str, str] = {criterion.key: criterion.name for criterion in DEFAULT_CRITERIA}


def criterion(key: str) -> str:
    """A scoring criterion's name from its key (criteria added later carry their own name)."""
    return CRITERIA.get(key) or humanise(key)


def dimension(value: str | None) -> str:
    return label(Dimension, value)


# Audit: the kinds of change and the fields they touch.
ACTION_LABELS = {
    "use_case.proposed": "Proposed",
    "use_case.updated": "Edited",
    "use_case.stage_changed": "Stage changed",
    "use_cases.imported": "Use cases imported",
    "assessment.recorded": "Scored",
    "gate_decision.recorded": "Gate decision",
    "pilot_review.recorded": "Pilot review",
    "pilot.scale": "Pilot to scale up",
    "pilot.iterate": "Pilot extended",
    "pilot.pause": "Pilot paused",
    "pilot.stop": "Pilot stopped",
    "kpi.defined": "KPI defined",
    "kpi.updated": "KPI edited",
    "kpi.edited": "KPI edited",
    "kpi.retired": "KPI retired",
    "measurements.logged": "Results logged",
    "measurement.corrected": "Result corrected",
    "lesson.recorded": "Lesson recorded",
    "lesson.updated": "Lesson edited",
    "incidents.loaded": "Incident library loaded",
    "incidents.refreshed": "Incident library refreshed",
    "person.created": "Person added",
    "person.registered": "First sign-in",
    "person.roles_changed": "Roles changed",
    "scoring_model.created": "Scoring model version",
    "setting.changed": "Setting changed",
    "checklist.changed": "Checklist changed",
    "checklists.created": "Gate checklists created",
    "snapshot.taken": "Snapshot taken",
    "snapshot.superseded": "Snapshot replaced",
}

FIELD_LABELS = {
    "ai_act_tier": "EU AI Act tier",
    "ai_act_reason": "EU AI Act reason",
    "tier": "EU AI Act tier",
    "kpi": "KPI",
    "kpis": "KPIs",
    "kind_of_ai": "Kind of AI",
    "ai_kind": "Kind of AI",
    "measured_on": "Date",
    "decided_on": "Decision date",
    "model_version": "Scoring model version",
    "stage_entered_at": "In this stage since",
    "hourly_rate": "Value of an hour",
    "from_stage": "From stage",
    "to_stage": "To stage",
    "new_end_on": "New planned end",
    "new_decision_on": "Decide again on",
    "baseline_on": "Baseline date",
    "target_on": "Target date",
    "customer_facing": "Customer-facing",
    "decisions_about_people": "Makes or informs decisions about people",
    "ai_disclosure": "Customers told they meet AI",
    "human_path": "Path to a human",
    "audience": "Serves",
    "days_in_stage": "Days in stage",
    "publish": "On the public register",
    "retired_on": "Retired on",
    "retired_reason": "Why it was retired",
}

PERSON_FIELD = re.compile(
    r"(^|_)(owner|sponsor|reporter|author|reviewer|decided_by|logged_by|taken_by|person)_id$"
)


def action_label(action: str) -> str:
    """An audit action ("pilot_review.recorded") as what happened ("Pilot review")."""
    return ACTION_LABELS.get(action) or humanise(action)


def field_label(field: str) -> str:
    """A stored field's name ("measured_on") as a column or line heading ("Date")."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    if PERSON_FIELD.search(field):
        field = field.removesuffix("_id")
    return humanise(field)
