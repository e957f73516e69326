"""The scoring model: versioned criteria, weights and quadrant thresholds, created with defaults and
changed by an administrator as a new version (earlier scores keep the version they were made under)."""

from dataclasses import dataclass
from typing import Any

import pandas as pd
from pydantic import Field
from sqlmodel import Session, func, select

from portfolio import frames, scoring
from portfolio.errors import InvalidInput, NotFound, RuleViolation
from portfolio.models import Assessment, Criterion, Dimension, Person, Role, ScoringModel
from portfolio.models.tables import LONG
from portfolio.services.audit import SYSTEM, Actor, record_event, refuse_stale_edit
from portfolio.services.people import require_role
from portfolio.validation import Input, Percent, validate


@dataclass(frozen=True)
class ActiveModel:
    id: int
    version_number: int
    name: str
    impact_threshold: float
    risk_threshold: float
    criteria: tuple[scoring.CriterionSpec, ...]
    criterion_ids: dict[str, int]


def ensure_default_scoring_model(session: Session) -> None:
    """Create version 1 of the scoring model, with the default criteria, if there is none."""
    if session.exec(select(ScoringModel.id)).first() is not None:
        return
    model = ScoringModel(
        version_number=1,
        name="Default impact and risk model",
        is_active=True,
        note="The defaults this tool ships with.",
    )
    session.add(model)
    session.flush()
    for position, spec in enumerate(scoring.DEFAULT_CRITERIA):
        session.add(
            Criterion(
                scoring_model_id=model.id,
                key=spec.key,
                name=spec.name,
                dimension=spec.dimension,
                description=spec.description,
                anchor_low=spec.anchor_low,
                anchor_high=spec.anchor_high,
                weight=spec.weight,
                position=position,
            )
        )
    record_event(
        session,
        SYSTEM,
        "scoring_model.created",
        "scoring_model",
        model.version_number,
        after={"name": model.name, "criteria": [c.key for c in scoring.DEFAULT_CRITERIA]},
    )


def active_model(session: Session) -> ActiveModel:
    model = session.exec(select(ScoringModel).where(ScoringModel.is_active)).first()
    if model is None:
        raise RuleViolation("No scoring model is active. An administrator must activate one before scoring.")
    return _model(session, model)


def model_version(session: Session, version_number: int) -> ActiveModel:
    """One version of the scoring model, active or not (an editor opened on it shows what it started from)."""
    model = session.exec(select(ScoringModel).where(ScoringModel.version_number == version_number)).first()
    if model is None:
        raise NotFound(f"The scoring model has no version {version_number}.")
    return _model(session, model)


def _model(session: Session, model: ScoringModel) -> ActiveModel:
    criteria = session.exec(
        select(Criterion).where(Criterion.scoring_model_id == model.id).order_by(Criterion.position)
    ).all()
    return ActiveModel(
        id=model.id,
        version_number=model.version_number,
        name=model.name,
        impact_threshold=model.impact_threshold,
        risk_threshold=model.risk_threshold,
        criteria=tuple(
            scoring.CriterionSpec(
                c.key, c.name, Dimension(c.dimension), c.weight, c.anchor_low, c.anchor_high, c.description
            )
            for c in criteria
        ),
        criterion_ids={c.key: c.id for c in criteria},
    )


class CriterionInput(Input):
    key: str = Field(title="Key", min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(title="Criterion", min_length=1, max_length=200)
    dimension: Dimension = Field(title="Dimension")
    description: str = Field(default="", title="Description", max_length=LONG)
    anchor_low: str = Field(title="What a 1 means", min_length=1, max_length=LONG)
    anchor_high: str = Field(title="What a 5 means", min_length=1, max_length=LONG)
    weight: Percent = Field(title="Weight", gt=0)


class ScoringModelInput(Input):
    name: str = Field(title="Model name", min_length=1, max_length=200)
    note: str = Field(default="", title="What changed", max_length=LONG)
    impact_threshold: Percent = Field(default=50.0, title="Impact threshold")
    risk_threshold: Percent = Field(default=50.0, title="Risk threshold")


MIN_CRITERIA_PER_DIMENSION = 2
MAX_WEIGHT_SHARE = 0.6  # no single criterion may decide more than this share of its dimension


def _with_keys(rows: list[Any]) -> list[Any]:
    """Rows without a short id (a criterion added in the editor) get one from their name; others stay as given."""

    def blank(value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    taken = {row["key"] for row in rows if isinstance(row, dict) and isinstance(row.get("key"), str)}
    completed = []
    for row in rows:
        if (
            isinstance(row, dict)
            and blank(row.get("key"))
            and isinstance(row.get("name"), str)
            and row["name"].strip()
        ):
            key = scoring.criterion_key(row["name"], taken)
            taken.add(key)
            row = row | {"key": key}
        completed.append(row)
    return completed


def check_criteria(rows: list[dict[str, Any]]) -> list[CriterionInput]:
    """Validate a model's criteria, reporting every bad row; weights are relative within a dimension. A new
    criterion given without a short id gets one from its name."""
    problems: dict[str, str] = {}
    criteria: list[CriterionInput] = []
    rows = _with_keys(rows)
    for number, row in enumerate(rows, start=1):
        try:
            criteria.append(validate(CriterionInput, row))
        except InvalidInput as error:
            problems[f"criterion {number}"] = f"Criterion {number}: " + " ".join(error.problems.values())
    if problems:
        raise InvalidInput(problems)
    keys = [c.key for c in criteria]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems[key] = f"The key {key} is used twice; every criterion needs its own key."
    for dimension in Dimension:
        chosen = [c for c in criteria if c.dimension == dimension]
        if len(chosen) < MIN_CRITERIA_PER_DIMENSION:
            problems[dimension] = (
                f"Give {dimension.label.lower()} at least {MIN_CRITERIA_PER_DIMENSION} criteria."
            )
            continue
        shares = scoring.weight_shares(chosen)
        for c in chosen:
            if shares[c.key] > MAX_WEIGHT_SHARE:
                problems[c.key] = (
                    f"{c.name} carries {shares[c.key]:.0%} of the {dimension.label.lower()} weight; keep every "
                    f"criterion under {MAX_WEIGHT_SHARE:.0%} so that one score cannot decide alone."
                )
    if problems:
        raise InvalidInput(problems)
    return criteria


def create_model_version(
    session: Session, actor: Actor, *, criteria: list[dict[str, Any]], expected_version: int, **fields: Any
) -> ScoringModel:
    """A new active version of the scoring model. Earlier scores keep the version they were made under.
    `expected_version` is the active version the editor started from: required, so a version made from an
    out-of-date page (another administrator saved one meanwhile) is refused, saying who saved what."""
    require_role(session, actor, Role.administrator, "change the scoring model")
    latest = session.exec(select(func.max(ScoringModel.version_number))).one() or 0
    active = session.exec(select(ScoringModel.version_number).where(ScoringModel.is_active)).first()
    refuse_stale_edit(
        session,
        current_version=active if active is not None else latest,
        expected_version=expected_version,
        what="The scoring model",
        entity="scoring_model",
        entity_id=active if active is not None else latest,
        actions=("scoring_model.created",),
    )
    data = validate(ScoringModelInput, fields)
    if not isinstance(criteria, list | tuple):
        raise InvalidInput({"criteria": "Give the criteria as a list."})
    checked = check_criteria(list(criteria))
    previous = session.exec(select(ScoringModel).where(ScoringModel.is_active)).all()
    for model in previous:
        model.is_active = False
        session.add(model)
    session.flush()
    model = ScoringModel(
        version_number=latest + 1, is_active=True, created_by_id=actor.id, **data.model_dump()
    )
    session.add(model)
    session.flush()
    for position, criterion in enumerate(checked):
        session.add(Criterion(scoring_model_id=model.id, position=position, **criterion.model_dump()))
    record_event(
        session,
        actor,
        "scoring_model.created",
        "scoring_model",
        model.version_number,
        after=data.model_dump() | {"criteria": [c.model_dump() for c in checked]},
    )
    return model


def criterion_weights(model: ActiveModel) -> pd.DataFrame:
    """The model's criteria, impact first, with each weight and its share of its dimension (scoring.weight_shares):
    what the weights mean, which the editor's relative numbers do not show."""
    shares = scoring.weight_shares(model.criteria)
    rows = sorted(
        model.criteria, key=lambda c: list(Dimension).index(c.dimension)
    )  # stable: model's order within
    return frames.frame(
        [
            {"dimension": c.dimension.value, "name": c.name, "weight": c.weight, "share": shares[c.key]}
            for c in rows
        ],
        ["dimension", "name", "weight", "share"],
    )


def model_versions(session: Session) -> pd.DataFrame:
    names = dict(session.exec(select(Person.id, Person.name)).all())
    used = dict(
        session.exec(
            select(Assessment.scoring_model_id, func.count()).group_by(Assessment.scoring_model_id)
        ).all()
    )
    rows = session.exec(select(ScoringModel).order_by(ScoringModel.version_number.desc())).all()
    return frames.frame(
        [
            {
                "version": m.version_number,
                "name": m.name,
                "active": m.is_active,
                "created_at": m.created_at,
                "created_by": names.get(m.created_by_id, "System"),
                "note": m.note,
                "impact_threshold": m.impact_threshold,
                "risk_threshold": m.risk_threshold,
                "assessments": used.get(m.id, 0),
            }
            for m in rows
        ],
        [
            "version",
            "name",
            "active",
            "created_at",
            "created_by",
            "note",
            "impact_threshold",
            "risk_threshold",
            "assessments",
        ],
    )
