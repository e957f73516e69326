"""Which file column feeds which use-case field, and which source stage word means which stage.

Field and stage names here are the documented, stable ones used on the command line (`--map`,
`--stage-map`) and in the full export's header, so an export maps onto itself."""

import re
from dataclasses import dataclass

from portfolio.errors import InvalidInput
from portfolio.models import Stage

SKIP = "skip"  # a column the user chose not to import (never chosen silently)
EXTRA = "extra"  # a column kept with each use case as an other attribute (what an unmapped column is)


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str
    kind: (
        str  # text, long_text, bool, sector, ai_kind, audience, tier, person, stage, date, number, score, key
    )
    synonyms: tuple[str, ...] = ()
    documented: bool = True


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "title", "Title", "text", ("use case name", "name", "use case", "title", "system name", "project")
    ),
    ImportField(
        "problem",
        "Problem and who it serves",
        "long_text",
        (
            "description",
            "problem",
            "purpose",
            "summary",
            "what is the intended purpose and expected benefits of the ai?",
            "intended purpose",
        ),
    ),
    ImportField("team", "Team", "text", ("team", "bureau", "unit", "division", "office", "department team")),
    ImportField(
        "business_unit",
        "Business unit or organisation",
        "text",
        ("business unit", "business_unit", "agency", "organisation", "organization", "company", "department"),
    ),
    ImportField("sector", "Sector", "sector", ("sector", "industry")),
    ImportField(
        "owner",
        "Accountable owner",
        "person",
        ("owner", "accountable owner", "contact", "responsible", "lead"),
    ),
    ImportField(
        "stage",
        "Stage",
        "stage",
        ("stage", "stage of development", "phase", "status", "lifecycle stage", "development stage"),
    ),
    ImportField(
        "goal", "Measurable goal", "long_text", ("goal", "measurable goal", "objective", "expected benefit")
    ),
    ImportField(
        "ai_kind", "Kind of AI", "ai_kind", ("ai kind", "kind of ai", "ai type", "type of ai", "technique")
    ),
    ImportField(
        "customer_facing",
        "Customer-facing",
        "bool",
        ("customer facing", "customer-facing", "public facing", "public-facing"),
    ),
    ImportField(
        "affects_people",
        "Makes or informs decisions about people",
        "bool",
        ("affects people", "decisions about people", "rights-impacting"),
    ),
    ImportField(
        "personal_data", "Personal or sensitive data used", "long_text", ("personal data", "pii", "data used")
    ),
    ImportField(
        "risk_tier", "EU AI Act tier", "tier", ("risk tier", "ai act tier", "eu ai act tier", "risk level")
    ),
    ImportField(
        "external_id",
        "Id in the source",
        "text",
        ("external id", "id", "record id", "record_id", "use case id", "identifier", "reference"),
    ),
    ImportField(
        "started_on", "Started on", "date", ("started on", "start date", "date initiated", "started")
    ),
    # Further fields, so the full export imports back with nothing lost.
    ImportField("key", "Portfolio key", "key", ("key",), documented=False),
    ImportField("audience", "Serves", "audience", ("audience", "serves"), documented=False),
    ImportField("sponsor", "Sponsor", "person", ("sponsor",), documented=False),
    ImportField(
        "sensitive_data", "Uses special-category data", "bool", ("sensitive data",), documented=False
    ),
    ImportField("data_completeness", "Data completeness (1-5)", "score", (), documented=False),
    ImportField("data_accuracy", "Data accuracy (1-5)", "score", (), documented=False),
    ImportField("data_currency", "Data currency (1-5)", "score", (), documented=False),
    ImportField("ai_act_reason", "Reason for the tier", "long_text", ("tier reason",), documented=False),
    ImportField("monitoring_owner", "Monitoring owner", "person", ("monitoring owner",), documented=False),
    ImportField("ai_disclosure", "AI disclosure in place", "bool", ("ai disclosure",), documented=False),
    ImportField(
        "human_path", "Path to a human in place", "bool", ("human path", "path to a human"), documented=False
    ),
    ImportField("one_off_cost", "One-off cost (EUR)", "number", ("one-off cost",), documented=False),
    ImportField(
        "running_cost_per_month",
        "Running cost per month (EUR)",
        "number",
        ("running cost",),
        documented=False,
    ),
    ImportField("publish", "Marked for the public register", "bool", ("publish",), documented=False),
    # The identity an earlier import gave the use case, so a register re-imported after a round trip through
    # the export still updates it instead of adding a copy.
    ImportField("import_key", "Import identity", "identity", ("import key",), documented=False),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
DOCUMENTED_FIELDS = [f.name for f in FIELDS if f.documented]
# Columns of the full export that are computed or kept by the portfolio itself: read, not imported.
EXPORT_ONLY_COLUMNS = (
    "stage_entered_at",
    "impact",
    "risk",
    "reviewers",
    "source",
    "source_file",
    "source_row",
    "created_at",
    "updated_at",
)
EXTRA_PREFIX = "extra: "


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[_\s]+", " ", text).split()).casefold()


def propose_mapping(columns: list[str]) -> dict[str, str]:
    """column -> field for the columns whose header names a field; each field at most once (the first,
    most specific match wins). Computed columns of the portfolio's own export are proposed as skipped."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    normalised = {c: normalise(c) for c in columns}
    # Exact field names first (the portfolio's own export), then synonyms in the order listed.
    for column, name in normalised.items():
        if name.replace(" ", "_") in FIELD_BY_NAME and name.replace(" ", "_") not in taken:
            mapping[column] = name.replace(" ", "_")
            taken.add(mapping[column])
        elif name.replace(" ", "_") in EXPORT_ONLY_COLUMNS:
            mapping[column] = SKIP
    for field in FIELDS:
        if field.name in taken:
            continue
        for synonym in field.synonyms:
            match = next((c for c, n in normalised.items() if n == synonym and c not in mapping), None)
            if match:
                mapping[match] = field.name
                taken.add(field.name)
                break
    # An organisation without a separate unit column is the team people see.
    if "team" not in taken and "business_unit" in taken:
        column = next(c for c, f in mapping.items() if f == "business_unit")
        mapping[column] = "team"
    return mapping


def parse_assignments(pairs: list[str], what: str) -> dict[str, str]:
    """`["Name=title", ...]` as a dict; the split is at the last "=" so column names may contain one."""
    result: dict[str, str] = {}
    for pair in pairs:
        left, sep, right = pair.rpartition("=")
        if not sep or not left.strip() or not right.strip():
            raise InvalidInput({what: f"“{pair}” is not of the form VALUE=NAME."})
        result[left.strip()] = right.strip()
    return result


def apply_user_mapping(columns: list[str], proposed: dict[str, str], given: dict[str, str]) -> dict[str, str]:
    """The proposal with the user's choices on top. A column the file lacks, or a field that is not one
    of ours, is an error naming what is available."""
    problems: dict[str, str] = {}
    by_normalised = {normalise(c): c for c in columns}
    mapping = dict(proposed)
    for column, field in given.items():
        actual = column if column in columns else by_normalised.get(normalise(column))
        if actual is None:
            problems[f"map:{column}"] = (
                f"The file has no column “{column}”. Its columns are: {', '.join(columns)}."
            )
            continue
        if field not in (SKIP, EXTRA) and field not in FIELD_BY_NAME:
            problems[f"map:{column}"] = (
                f"“{field}” is not a field. Fields: {', '.join(DOCUMENTED_FIELDS)} (or {SKIP}, or {EXTRA} "
                "to keep it as an other attribute)."
            )
            continue
        if field == EXTRA:
            mapping.pop(actual, None)
            continue
        # The field now comes from this column alone.
        for other, mapped in list(mapping.items()):
            if mapped == field and field != SKIP:
                del mapping[other]
        mapping[actual] = field
    if problems:
        raise InvalidInput(problems)
    return mapping


def mapping_problems(chosen: dict[str, str]) -> list[str]:
    """What is wrong with a complete column -> field choice before it can be used: no title, or one field
    fed by two columns (never resolved silently)."""
    problems = []
    if "title" not in chosen.values():
        problems.append("Choose the column that holds each use case's title (or name).")
    by_field: dict[str, list[str]] = {}
    for column, field in chosen.items():
        if field not in (SKIP, EXTRA):
            by_field.setdefault(field, []).append(column)
    for field, columns in by_field.items():
        if len(columns) > 1:
            named = " and ".join(f"“{c}”" for c in columns)
            problems.append(f"{FIELD_BY_NAME[field].label} is chosen for {named}; choose it for one column.")
    return problems


# --- stages ------------------------------------------------------------------------------------------------

STAGE_WORDS: dict[str, Stage] = {
    # Portfolio stages and their labels
    **{s.value: s for s in Stage},
    **{normalise(s.label): s for s in Stage},
    "scale up": Stage.scale_up,
    # Public registers (US federal inventory, UK ATRS, Dutch register) and common words
    "initiated": Stage.proposed,
    "idea": Stage.proposed,
    "ideation": Stage.proposed,
    "planned": Stage.proposed,
    "planning": Stage.proposed,
    "proposal": Stage.proposed,
    "pre-deployment": Stage.assessed,
    "pre deployment": Stage.assessed,
    "discovery": Stage.assessed,
    "alpha": Stage.pilot,
    "acquisition and/or development": Stage.pilot,
    "development": Stage.pilot,
    "in development": Stage.pilot,
    "pilot": Stage.pilot,
    "piloting": Stage.pilot,
    "beta-pilot": Stage.pilot,
    "beta pilot": Stage.pilot,
    "private-beta": Stage.pilot,
    "private beta": Stage.pilot,
    "trial": Stage.pilot,
    "proof of concept": Stage.pilot,
    "poc": Stage.pilot,
    "implementation and assessment": Stage.scale_up,
    "public-beta": Stage.scale_up,
    "public beta": Stage.scale_up,
    "rollout": Stage.scale_up,
    "operation and maintenance": Stage.production,
    "in production": Stage.production,
    "production": Stage.production,
    "deployed": Stage.production,
    "in use": Stage.production,
    "live": Stage.production,
    "operational": Stage.production,
    "in operation": Stage.production,
    "retired": Stage.retired,
    "decommissioned": Stage.retired,
    "withdrawn": Stage.retired,
    "cancelled": Stage.stopped,
    "canceled": Stage.stopped,
    "stopped": Stage.stopped,
    "rejected": Stage.rejected,
}


def propose_stage(value: str) -> Stage | None:
    """The stage a source word means, if it is one we know; None for a word to ask the user about."""
    return STAGE_WORDS.get(normalise(value))


def stage_mapping(values: list[str], given: dict[str, str]) -> tuple[dict[str, Stage], list[str]]:
    """(normalised value -> stage, the values nobody mapped). The user's choices win over proposals."""
    problems = {
        f"stage-map:{value}": f"“{stage}” is not a stage. Stages: {', '.join(Stage.values())}."
        for value, stage in given.items()
        if stage not in Stage.values()
    }
    if problems:
        raise InvalidInput(problems)
    chosen = {normalise(value): Stage(stage) for value, stage in given.items()}
    result: dict[str, Stage] = {}
    unknown: list[str] = []
    for value in values:
        key = normalise(value)
        if not key or key in result:
            continue
        stage = chosen.get(key) or propose_stage(value)
        if stage is None:
            unknown.append(value)
        else:
            result[key] = stage
    return result, unknown
