"""Importing a table of use cases: the dry run over the live portfolio, and the write, in one transaction
and one audit event. Rows are written in bulk (one statement per batch, not one ORM flush per row), so a
register of thousands of use cases imports in seconds."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from portfolio.errors import InvalidInput
from portfolio.imports.mapping import apply_user_mapping, propose_mapping, stage_mapping
from portfolio.imports.plan import Existing, ImportPlan, PlannedRow, plan_import
from portfolio.imports.reading import SourceTable
from portfolio.models import Audience, Person, PersonRole, Role, Stage, StageChange, UseCase, utc_now
from portfolio.services.audit import Actor, record_event
from portfolio.services.people import require_role
from portfolio.services.use_cases import KEY_PREFIX

Progress = Callable[[float, str], None]
BATCH = 500
# Columns a row of the file may set, and what a new use case has where the file says nothing.
DEFAULTS: dict[str, Any] = {
    "problem": "",
    "audience": Audience.customers.value,
    "team": "",
    "business_unit": "",
    "sector": "other",
    "owner_id": None,
    "sponsor_id": None,
    "ai_kind": "other",
    "customer_facing": False,
    "decisions_about_people": False,
    "personal_data": "",
    "sensitive_data": False,
    "data_completeness": 3,
    "data_accuracy": 3,
    "data_currency": 3,
    "measurable_goal": "",
    "ai_act_tier": None,
    "ai_act_reason": "",
    "monitoring_owner_id": None,
    "ai_disclosure": False,
    "human_path": False,
    "external_id": None,
    "started_on": None,
    "publish": False,
    "one_off_cost": None,
    "running_cost_per_month": None,
}
WRITABLE = ("title", "stage", *DEFAULTS)


@dataclass(frozen=True)
class ImportOptions:
    """How to read the file: column -> field choices and source stage word -> stage choices made by the
    user (on top of the proposals), and the stage for rows that give none."""

    mapping: dict[str, str] = field(default_factory=dict)
    stage_map: dict[str, str] = field(default_factory=dict)
    default_stage: str = Stage.proposed.value


@dataclass
class ImportResult:
    plan: ImportPlan
    created_keys: list[str] = field(default_factory=list)
    updated_keys: list[str] = field(default_factory=list)


def resolve_mapping(table: SourceTable, options: ImportOptions) -> dict[str, str]:
    return apply_user_mapping(table.columns, propose_mapping(table.columns), options.mapping)


def stage_values(table: SourceTable, mapping: dict[str, str]) -> list[str]:
    """The distinct stage words of the file, in order of first appearance."""
    column = next((c for c, f in mapping.items() if f == "stage"), None)
    if column is None:
        return []
    position = table.columns.index(column)
    return list(dict.fromkeys(cells[position] for _, cells in table.rows if cells[position]))


def stage_value_counts(table: SourceTable, mapping: dict[str, str]) -> dict[str, int]:
    """How many rows give each stage word of the file, in order of first appearance."""
    column = next((c for c, f in mapping.items() if f == "stage"), None)
    if column is None:
        return {}
    position = table.columns.index(column)
    counts: dict[str, int] = {}
    for _, cells in table.rows:
        if cells[position]:
            counts[cells[position]] = counts.get(cells[position], 0) + 1
    return counts


def load_existing(session: Session) -> Existing:
    """The portfolio as the plan needs it, read in three queries."""
    columns = [
        UseCase.key,
        UseCase.import_key,
        UseCase.extra,
        UseCase.stage_entered_at,
        *(getattr(UseCase, c) for c in WRITABLE),
    ]
    by_key: dict[str, dict[str, Any]] = {}
    key_by_identity: dict[str, str] = {}
    for row in session.exec(select(UseCase.id, UseCase.version, *columns)).all():
        record = row._asdict()
        by_key[record["key"]] = record
        if record["import_key"]:
            key_by_identity[record["import_key"]] = record["key"]
    by_email: dict[str, int] = {}
    by_name: dict[str, int | None] = {}
    for person_id, email, name in session.exec(select(Person.id, Person.email, Person.name)).all():
        by_email[email.casefold()] = person_id
        folded = " ".join(name.split()).casefold()
        by_name[folded] = None if folded in by_name else person_id
    return Existing(by_key, key_by_identity, by_email, by_name)


def preview_import(session: Session, table: SourceTable, options: ImportOptions) -> ImportPlan:
    """The dry run: what `run_import` would do with the portfolio as it is now. Writes nothing."""
    mapping = resolve_mapping(table, options)
    stage_of, _unknown = stage_mapping(stage_values(table, mapping), options.stage_map)
    try:
        default_stage = Stage(options.default_stage)
    except ValueError:
        raise InvalidInput(
            {
                "default_stage": f"“{options.default_stage}” is not a stage. Stages: {', '.join(Stage.values())}."
            }
        ) from None
    return plan_import(table, mapping, stage_of, load_existing(session), default_stage=default_stage)


def run_import(
    session: Session,
    actor: Actor,
    table: SourceTable,
    options: ImportOptions,
    *,
    progress: Progress | None = None,
) -> ImportResult:
    """Create and update the use cases of every accepted row, all in the caller's transaction, and record
    the import as one audit event. Refused rows are reported in the result's plan, not written."""
    require_role(session, actor, Role.contributor, "import use cases")
    plan = preview_import(session, table, options)
    _require_approver_to_change_publication(session, actor, plan)
    report = progress or (lambda _share, _message: None)
    now = utc_now()
    people = _add_people(session, plan.people_to_add)
    existing = load_existing(session) if people else None
    creates = [row for row in plan.rows if row.action == "create"]
    updates = [row for row in plan.rows if row.action == "update"]
    keys = _assign_keys(session, creates)
    total = max(len(creates) + len(updates), 1)
    table_ = UseCase.__table__
    for start in range(0, len(creates), BATCH):
        batch = creates[start : start + BATCH]
        session.execute(
            insert(table_),
            [
                _new_record(row, key, people, table.name, now)
                for row, key in zip(batch, keys[start:], strict=False)
            ],
        )
        report(
            (start + len(batch)) / total * 0.9,
            f"Created {start + len(batch):,} of {len(creates):,} use cases",
        )
    ids = (
        dict(session.exec(select(UseCase.key, UseCase.id).where(col(UseCase.key).in_(keys))).all())
        if keys
        else {}
    )
    changes = [
        {
            "use_case_id": ids[key],
            "from_stage": None,
            "to_stage": row.values["stage"],
            "changed_at": now,
            "changed_by_id": actor.id,
            "reason": f"Imported from {table.name}, row {row.row}",
            "gate_decision_id": None,
        }
        for row, key in zip(creates, keys, strict=True)
    ]
    current = (existing or load_existing(session)).by_key if updates else {}
    updated_records = []
    for row in updates:
        before = current[row.key]
        record = _updated_record(row, before, people, table.name, now)
        if record["stage"] != before["stage"]:
            changes.append(
                {
                    "use_case_id": before["id"],
                    "from_stage": before["stage"],
                    "to_stage": record["stage"],
                    "changed_at": now,
                    "changed_by_id": actor.id,
                    "reason": f"Re-imported from {table.name}, row {row.row}",
                    "gate_decision_id": None,
                }
            )
        updated_records.append(record)
    if updated_records:
        statement = (
            update(table_)
            .where(table_.c.id == bindparam("b_id"))
            .values({name: bindparam(f"b_{name}") for name in updated_records[0] if name != "id"})
        )
        for start in range(0, len(updated_records), BATCH):
            batch = updated_records[start : start + BATCH]
            session.execute(statement, [{f"b_{k}": v for k, v in record.items()} for record in batch])
            report(
                (len(creates) + start + len(batch)) / total * 0.9, f"Updated {start + len(batch):,} use cases"
            )
    for start in range(0, len(changes), BATCH):
        session.execute(insert(StageChange.__table__), changes[start : start + BATCH])
    record_event(
        session,
        actor,
        "use_cases.imported",
        "import",
        table.name[:40],
        after={
            "file": table.name,
            **plan.summary(),
            "created_keys": keys,
            "updated_keys": [row.key for row in updates],
            "people_added": sorted(plan.people_to_add),
            "refusals": [f"row {p.row}: {p.problem}" for p in plan.refusals[:200]],
        },
    )
    session.flush()
    report(1.0, "Done")
    return ImportResult(plan, keys, [row.key for row in updates if row.key])


def _add_people(session: Session, to_add: dict[str, str]) -> dict[str, int]:
    """People named by e-mail in the file who are not in People yet, added as viewers; e-mail -> id."""
    if not to_add:
        return {}
    now = utc_now()
    session.execute(
        insert(Person.__table__),
        [
            {
                "email": email,
                "name": name[:200] or email,
                "team": "",
                "is_active": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for email, name in to_add.items()
        ],
    )
    ids = dict(session.exec(select(Person.email, Person.id).where(col(Person.email).in_(list(to_add)))).all())
    session.execute(
        insert(PersonRole.__table__), [{"person_id": i, "role": Role.viewer.value} for i in ids.values()]
    )
    return ids


def _assign_keys(session: Session, creates: list[PlannedRow]) -> list[str]:
    """Keys for new use cases: the one the file gives, else the next free UC-number."""
    taken = set(session.exec(select(UseCase.key)).all()) | {row.key for row in creates if row.key}
    numbers = [
        int(k[len(KEY_PREFIX) :])
        for k in taken
        if k.startswith(KEY_PREFIX) and k[len(KEY_PREFIX) :].isdigit()
    ]
    next_number = max(numbers, default=0) + 1
    keys = []
    for row in creates:
        if row.key:
            keys.append(row.key)
            continue
        keys.append(f"{KEY_PREFIX}{next_number:04d}")
        next_number += 1
    return keys


def _people_ids(row: PlannedRow, people: dict[str, int]) -> dict[str, int]:
    return {f"{name}_id": people[email] for name, email in row.new_people.items()}


def _new_record(
    row: PlannedRow, key: str, people: dict[str, int], file_name: str, now: Any
) -> dict[str, Any]:
    return (
        DEFAULTS
        | row.values
        | _people_ids(row, people)
        | {
            "key": key,
            "stage_entered_at": now,
            "source": "import",
            "source_file": file_name[:500],
            "source_row": row.row,
            "extra": row.extra,
            "import_key": row.identity,
            "reviewer_count": 0,
            "impact_score": None,
            "risk_score": None,
            "score_spread": None,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
    )


def _require_approver_to_change_publication(session: Session, actor: Actor, plan: ImportPlan) -> None:
    """What the public AI register shows is an approver's decision (as on the use case page), also when a
    file's publish column would change it; a file that leaves it as it is needs no more than a contributor."""
    given = [row for row in plan.rows if row.action in ("create", "update") and "publish" in row.values]
    if not given:
        return
    current = load_existing(session).by_key if any(row.action == "update" for row in given) else {}
    for row in given:
        before = bool(current[row.key]["publish"]) if row.action == "update" else False
        if bool(row.values["publish"]) != before:
            require_role(
                session,
                actor,
                Role.approver,
                f"change what the public AI register shows (the file's publish column, row {row.row})",
            )
            return


def _updated_record(
    row: PlannedRow, before: dict[str, Any], people: dict[str, int], file_name: str, now: Any
) -> dict[str, Any]:
    """The use case's values with the file's non-blank values on top; blanks never erase what is known."""
    values = {name: before[name] for name in WRITABLE} | row.values | _people_ids(row, people)
    return values | {
        "id": before["id"],
        "stage_entered_at": now if values["stage"] != before["stage"] else before["stage_entered_at"],
        "source": "import",
        "source_file": file_name[:500],
        "source_row": row.row,
        "extra": (before["extra"] or {}) | row.extra,
        "import_key": before["import_key"] or row.identity,
        "updated_at": now,
        "version": before["version"] + 1,
    }
