"""The dry run: what importing a table would do, row by row, without touching the database.

A row becomes a use case unless it cannot be one (no title, or a value that cannot be read); missing
owners, tiers and descriptions are gaps to close later, not reasons to refuse. Each row's identity is its
organisation and unit with its id, or without a usable id its title and content: a re-import matches on it,
and two rows of one file with the same identity are reported, never merged."""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from portfolio.imports import values as read
from portfolio.imports.mapping import EXTRA_PREFIX, FIELD_BY_NAME, SKIP, normalise
from portfolio.imports.reading import RowProblem, SourceTable
from portfolio.models import AiKind, Sector, Stage
from portfolio.models.tables import LONG, SHORT
from portfolio.services.audit import json_safe
from portfolio.validation import text_problem

IDENTITY = re.compile(r"^[0-9a-f]{64}$")
# A key names a use case in addresses (?uc=) and on every page, so it is an identifier, never free text.
KEY = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,19}$")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
NAME_AND_EMAIL = re.compile(r"^(.*?)\s*<([^<>]+@[^<>]+)>$")
# Import field -> use-case column where the names differ.
COLUMN_OF = {
    "goal": "measurable_goal",
    "affects_people": "decisions_about_people",
    "risk_tier": "ai_act_tier",
    "owner": "owner_id",
    "sponsor": "sponsor_id",
    "monitoring_owner": "monitoring_owner_id",
}
TEXT_LIMITS = {"text": SHORT, "long_text": LONG}


@dataclass(frozen=True)
class Existing:
    """What the plan needs to know about the portfolio: use cases by key and by import identity (with
    their current values) and people by e-mail and by name."""

    by_key: dict[str, dict[str, Any]] = field(default_factory=dict)
    key_by_identity: dict[str, str] = field(default_factory=dict)
    person_by_email: dict[str, int] = field(default_factory=dict)
    person_by_name: dict[str, int | None] = field(default_factory=dict)  # None: two people share the name


@dataclass
class PlannedRow:
    row: int
    action: str  # create, update or unchanged
    key: str | None  # the use case updated, or the key asked for by the file
    identity: str | None  # None: a row of the portfolio's own export that never had an import identity
    values: dict[str, Any]
    extra: dict[str, str]
    new_people: dict[str, str] = field(default_factory=dict)  # column -> e-mail of a person to add
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    file_name: str
    total_rows: int
    rows: list[PlannedRow]
    refusals: list[RowProblem]
    notes: list[str]
    unknown_stages: dict[str, int]
    people_to_add: dict[str, str]  # e-mail -> name

    @property
    def refused_rows(self) -> int:
        return len({problem.row for problem in self.refusals})

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def summary(self) -> dict[str, int]:
        return {
            "rows": self.total_rows,
            "created": self.count("create"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "refused": self.refused_rows,
        }


def identity_of(organisation: str, unit: str, external_id: str | None, title: str, content: str) -> str:
    parts = (
        ["id", organisation, unit, external_id]
        if external_id
        else ["content", organisation, unit, title, content]
    )
    text = "\x1f".join(read.words(p or "") for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _person(text: str, existing: Existing) -> tuple[int | None, tuple[str, str] | None]:
    """(person id, (e-mail, name) of a person to add) for a cell naming a person."""
    match = NAME_AND_EMAIL.match(text)
    name, email = (match[1].strip(), match[2].strip()) if match else ("", text if EMAIL.match(text) else "")
    if email:
        found = existing.person_by_email.get(email.casefold())
        if found is not None:
            return found, None
        return None, (email.casefold(), name or email.split("@")[0])
    return existing.person_by_name.get(read.words(text)), None


class _Refused(Exception):
    def __init__(self, column: str, problem: str):
        self.column, self.problem = column, problem


def _read_cell(kind: str, text: str, column: str, stage_of: dict[str, Stage], dayfirst: bool) -> Any:
    try:
        placeholder = read.words(text) in read.PLACEHOLDER_IDS and not (kind == "number" and text == "0")
        if kind in ("date", "number", "score", "tier") and placeholder:
            return None
        if kind == "identity":
            if not IDENTITY.match(text):
                raise ValueError(
                    f"“{text[:40]}” is not an import identity written by this portfolio's export"
                )
            return text
        if kind == "bool":
            return read.read_bool(text)
        if kind == "tier":
            return read.read_tier(text).value
        if kind == "date":
            return read.read_date(text, dayfirst=dayfirst)
        if kind == "number":
            return read.read_number(text)
        if kind == "score":
            return read.read_score(text)
        if kind == "sector":
            return read.read_choice(text, read.SECTOR_WORDS, Sector.other).value
        if kind == "ai_kind":
            return read.read_choice(text, read.AI_KIND_WORDS, AiKind.other).value
        if kind == "audience":
            return read.read_choice(text, read.AUDIENCE_WORDS).value
    except ValueError as error:
        raise _Refused(column, str(error)) from None
    if kind == "stage":
        stage = stage_of.get(normalise(text))
        if stage is None:
            raise _Refused(
                column,
                f"the stage “{text[:60]}” is not mapped to a portfolio stage; map it "
                f'(on the command line: --stage-map "{text[:60]}=proposed")',
            )
        return stage.value
    return text


def plan_import(
    table: SourceTable,
    mapping: dict[str, str],
    stage_of: dict[str, Stage],
    existing: Existing,
    *,
    default_stage: Stage = Stage.proposed,
) -> ImportPlan:
    """Every row of `table` planned as a create, an update, unchanged or refused (with row, column and why)."""
    if "title" not in mapping.values():
        from portfolio.errors import InvalidInput

        raise InvalidInput({"title": "Choose the column that holds each use case's title (or name)."})
    index = {column: position for position, column in enumerate(table.columns)}
    mapped = [(index[c], c, f) for c, f in mapping.items() if f != SKIP and c in index]
    unmapped = [(index[c], c) for c in table.columns if c not in mapping]
    date_columns = {c for _, c, f in mapped if FIELD_BY_NAME[f].kind == "date"}
    dayfirst = {c: read.day_first([cells[index[c]] for _, cells in table.rows]) for c in date_columns}
    refusals = list(table.problems)
    refused_rows = {p.row for p in refusals}
    unknown_stages: Counter[str] = Counter()
    seen: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    rows: list[PlannedRow] = []
    people_to_add: dict[str, str] = {}
    for row_number, cells in table.rows:
        if row_number in refused_rows:
            continue
        fields: dict[str, Any] = {}
        extra: dict[str, str] = {}
        new_people: dict[str, str] = {}
        notes: list[str] = []
        problems: list[RowProblem] = []
        for position, column, name in mapped:
            text = cells[position]
            if not text:
                continue
            spec = FIELD_BY_NAME[name]
            try:
                value = _read_cell(spec.kind, text, column, stage_of, dayfirst.get(column, False))
            except _Refused as refused:
                problems.append(RowProblem(row_number, refused.column, refused.problem))
                if spec.kind == "stage":
                    unknown_stages[text] += 1
                continue
            if value is None:
                continue
            if isinstance(value, str) and (problem := text_problem(value)):
                problems.append(RowProblem(row_number, column, problem))
                continue
            if spec.kind in TEXT_LIMITS and len(value) > TEXT_LIMITS[spec.kind]:
                extra[column] = value  # the full text stays with the use case
                notes.append(
                    f"{spec.label} shortened to {TEXT_LIMITS[spec.kind]:,} characters; the full text is kept."
                )
                value = read.shorten(value, TEXT_LIMITS[spec.kind])
            if spec.kind in ("sector", "ai_kind") and read.words(text) != value:
                extra[column] = text  # the register's own word, kept beside the nearest fit
            if spec.kind == "person":
                person_id, to_add = _person(text, existing)
                if to_add:
                    new_people[name] = to_add[0]
                    people_to_add.setdefault(*to_add)
                elif person_id is None:
                    extra[column] = text
                    notes.append(f"{spec.label} “{text[:60]}” is not a person in People (or not only one).")
                value = person_id
            fields[name] = value
        for position, column in unmapped:
            if cells[position]:
                name = column[len(EXTRA_PREFIX) :] if column.startswith(EXTRA_PREFIX) else column
                extra[name] = cells[position]
        title = cells[index[next(c for c, f in mapping.items() if f == "title")]]
        if not title:
            problems.append(RowProblem(row_number, _column_of(mapping, "title"), "has no title"))
        if problems:
            refusals.extend(problems)
            continue
        key = (fields.pop("key", None) or "").strip().upper() or None
        if key and not KEY.match(key):
            refusals.append(
                RowProblem(
                    row_number,
                    _column_of(mapping, "key"),
                    "the key must be up to 20 letters, digits, dots, hyphens or underscores, like UC-0042",
                )
            )
            continue
        if "external_id" in fields:
            fields["external_id"] = read.external_id(fields["external_id"])
        # A row of the portfolio's own export is known by its key, and keeps the identity an earlier import
        # gave it (or none); any other row is known by its organisation, unit and id or content.
        identity: str | None = fields.pop("import_key", None)
        if identity is None and not key:
            identity = identity_of(
                _full(cells, index, mapping, "business_unit"),
                _full(cells, index, mapping, "team"),
                fields.get("external_id"),
                title,
                _full(cells, index, mapping, "problem"),
            )
        duplicate = seen_keys.get(key) if key else None
        if duplicate is None and identity is not None:
            duplicate = seen.get(identity)
        if duplicate is not None:
            why = (
                f"the key {key}"
                if key and seen_keys.get(key) is not None
                else "the same import identity"
                if key
                else f"the id “{fields['external_id']}” in the same organisation and unit"
                if fields.get("external_id")
                else "the same title and description in the same organisation and unit"
            )
            refusals.append(
                RowProblem(
                    row_number,
                    "",
                    f"claims to be the same use case as row {duplicate} ({why}); "
                    "two rows are not merged: give each its own id, or remove the copy",
                )
            )
            continue
        if identity is not None:
            seen[identity] = row_number
        if key:
            seen_keys[key] = row_number
        values = {COLUMN_OF.get(n, n): v for n, v in fields.items()}
        if values.get("ai_act_tier") and not values.get("ai_act_reason"):
            values["ai_act_reason"] = f"Recorded in {table.name}, row {row_number}."
        target = (
            key
            if key in existing.by_key
            else existing.key_by_identity.get(identity)
            if identity is not None
            else None
        )
        if target is None:
            action = "create"
            values.setdefault("stage", default_stage.value)
        else:
            current = existing.by_key[target]
            changed = {n: v for n, v in values.items() if json_safe(current.get(n)) != json_safe(v)}
            extra_changed = any(current.get("extra", {}).get(k) != v for k, v in extra.items())
            action = "update" if changed or extra_changed or new_people else "unchanged"
        rows.append(PlannedRow(row_number, action, target or key, identity, values, extra, new_people, notes))
    notes = list(table.notices)
    return ImportPlan(
        table.name,
        len(table.rows),
        rows,
        sorted(refusals, key=lambda p: p.row),
        notes,
        dict(unknown_stages),
        people_to_add,
    )


def _column_of(mapping: dict[str, str], name: str) -> str:
    return next((c for c, f in mapping.items() if f == name), "")


def _full(cells: list[str], index: dict[str, int], mapping: dict[str, str], name: str) -> str:
    column = _column_of(mapping, name)
    return cells[index[column]] if column else ""
