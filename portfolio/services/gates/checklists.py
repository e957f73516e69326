"""Gate checklists: the items each gate asks for, set up with defaults and configurable by an administrator.
Decisions keep the checklist as it stood when they were taken."""

from typing import Any

import pandas as pd
from pydantic import Field, model_validator
from sqlmodel import Session, select

from portfolio import checklist, frames
from portfolio.errors import InvalidInput
from portfolio.models import ChecklistItem, Gate, Role
from portfolio.models.tables import SHORT
from portfolio.services.audit import SYSTEM, Actor, record_event
from portfolio.services.people import require_role
from portfolio.validation import Input, choice, validate


def ensure_default_checklists(session: Session) -> None:
    if session.exec(select(ChecklistItem.id)).first() is not None:
        return
    for gate, items in checklist.DEFAULT_CHECKLISTS.items():
        for position, item in enumerate(items):
            session.add(
                ChecklistItem(
                    gate=gate,
                    key=item.key,
                    label=item.label,
                    rule=item.rule,
                    applies_to=item.applies_to,
                    position=position,
                )
            )
    record_event(
        session, SYSTEM, "checklists.created", "checklist", "all", after={"gates": [g.value for g in Gate]}
    )


def checklist_items(
    session: Session, gate: Gate | str, *, active_only: bool = True
) -> list[checklist.ItemSpec]:
    query = select(ChecklistItem).where(ChecklistItem.gate == Gate(gate)).order_by(ChecklistItem.position)
    if active_only:
        query = query.where(ChecklistItem.is_active)
    return [checklist.ItemSpec(i.key, i.label, i.rule, i.applies_to) for i in session.exec(query).all()]


def checklist_table(session: Session, gate: Gate | str) -> pd.DataFrame:
    rows = session.exec(
        select(ChecklistItem).where(ChecklistItem.gate == Gate(gate)).order_by(ChecklistItem.position)
    ).all()
    return frames.frame(
        [
            {
                "key": i.key,
                "label": i.label,
                "rule": i.rule,
                "applies_to": i.applies_to,
                "active": i.is_active,
            }
            for i in rows
        ],
        ["key", "label", "rule", "applies_to", "active"],
    )


class ChecklistItemInput(Input):
    key: str = Field(title="Key", min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(title="Item", min_length=1, max_length=SHORT)
    rule: str = Field(default=checklist.MANUAL, title="Checked by")
    applies_to: str = Field(default="always", title="Applies to")
    active: bool = Field(default=True, title="Active")

    @model_validator(mode="after")
    def _known(self) -> "ChecklistItemInput":
        if self.rule != checklist.MANUAL and self.rule not in checklist.RULES:
            raise ValueError(
                {"rule": f"must be 'manual' or one of the automatic checks: {', '.join(checklist.RULES)}"}
            )
        if self.applies_to not in checklist.APPLIES:
            raise ValueError({"applies_to": f"must be one of: {', '.join(checklist.APPLIES)}"})
        return self


def replace_checklist(session: Session, actor: Actor, gate: Gate | str, rows: list[dict[str, Any]]) -> None:
    """Set a gate's checklist. Decisions already taken keep the checklist as it stood at decision time."""
    require_role(session, actor, Role.administrator, "change gate checklists")
    gate = choice(Gate, gate, "gate", "Gate")
    if not isinstance(rows, list | tuple):
        raise InvalidInput({"items": "Give the checklist as a list of items."})
    items, problems = [], {}
    for number, row in enumerate(rows, start=1):
        try:
            items.append(validate(ChecklistItemInput, row))
        except InvalidInput as error:
            problems[f"item {number}"] = f"Item {number}: " + " ".join(error.problems.values())
    keys = [i.key for i in items]
    for duplicate in sorted({k for k in keys if keys.count(k) > 1}):
        problems[duplicate] = f"The key {duplicate} is used twice; every item needs its own key."
    if not items:
        problems["items"] = "A gate needs at least one checklist item."
    if problems:
        raise InvalidInput(problems)
    before = checklist_table(session, gate).to_dict("records")
    for existing in session.exec(select(ChecklistItem).where(ChecklistItem.gate == gate)).all():
        session.delete(existing)
    session.flush()
    for position, item in enumerate(items):
        session.add(
            ChecklistItem(
                gate=gate,
                key=item.key,
                label=item.label,
                rule=item.rule,
                applies_to=item.applies_to,
                is_active=item.active,
                position=position,
            )
        )
    record_event(
        session,
        actor,
        "checklist.changed",
        "checklist",
        gate.value,
        before={"items": before},
        after={"items": [i.model_dump() for i in items]},
    )
