"""The tables. Constraints keep bad data out at the database too, whichever code writes."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from portfolio.models.columns import JSONType, Timestamped, UTCDateTime, timestamp_field, utc_now
from portfolio.models.enums import (
    AiActTier,
    AiKind,
    Audience,
    Dimension,
    Direction,
    Gate,
    GateOutcome,
    KpiKind,
    LessonCategory,
    LessonOutcome,
    PilotDecision,
    Role,
    Sector,
    SnapshotStatus,
    Stage,
)

# Named constraints make migrations reproducible (SQLite batch mode needs names to alter them).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SHORT = 200  # names, titles, labels
LONG = 5_000  # free-text descriptions


def one_of(column: str, values: list[str], name: str | None = None) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or column)


def in_range(column: str, low: float, high: float, name: str | None = None) -> CheckConstraint:
    return CheckConstraint(f"{column} >= {low} AND {column} <= {high}", name=name or f"{column}_range")


def not_blank(column: str) -> CheckConstraint:
    return CheckConstraint(f"length(trim({column})) > 0", name=f"{column}_not_blank")


class Person(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=SHORT)
    team: str = Field(default="", max_length=SHORT)
    is_active: bool = Field(default=True)

    __table_args__ = (not_blank("name"), not_blank("email"))


class PersonRole(SQLModel, table=True):
    __tablename__ = "person_role"

    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    role: str = Field(primary_key=True, max_length=20)

    __table_args__ = (one_of("role", Role.values()),)


class ScoringModel(Timestamped, table=True):
    __tablename__ = "scoring_model"

    id: int | None = Field(default=None, primary_key=True)
    version_number: int = Field(unique=True)
    name: str = Field(max_length=SHORT)
    note: str = Field(default="", max_length=LONG)
    is_active: bool = Field(default=False)
    impact_threshold: float = Field(default=50.0)
    risk_threshold: float = Field(default=50.0)
    created_by_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")

    __table_args__ = (
        in_range("impact_threshold", 0, 100),
        in_range("risk_threshold", 0, 100),
        CheckConstraint("version_number > 0", name="version_number_positive"),
    )


class Criterion(SQLModel, table=True):
    """One criterion of one scoring model version. Immutable: a change makes a new model version."""

    id: int | None = Field(default=None, primary_key=True)
    scoring_model_id: int = Field(foreign_key="scoring_model.id", ondelete="CASCADE", index=True)
    key: str = Field(max_length=50)
    name: str = Field(max_length=SHORT)
    dimension: str = Field(max_length=10)
    description: str = Field(default="", max_length=LONG)
    anchor_low: str = Field(max_length=LONG)
    anchor_high: str = Field(max_length=LONG)
    weight: float
    position: int = Field(default=0)

    __table_args__ = (
        UniqueConstraint("scoring_model_id", "key", name="uq_criterion_model_key"),
        one_of("dimension", Dimension.values()),
        CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),
    )


class UseCase(Timestamped, table=True):
    __tablename__ = "use_case"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=20, unique=True, index=True)
    title: str = Field(max_length=SHORT)
    problem: str = Field(max_length=LONG)
    audience: str = Field(default=Audience.customers, max_length=20)
    team: str = Field(max_length=SHORT, index=True)
    business_unit: str = Field(default="", max_length=SHORT)
    sector: str = Field(max_length=20, index=True)
    # None only for an imported use case whose file named no known person: a governance gap shown as such.
    owner_id: int | None = Field(default=None, foreign_key="person.id", ondelete="RESTRICT", index=True)
    sponsor_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    ai_kind: str = Field(max_length=20)
    customer_facing: bool = Field(default=False)
    decisions_about_people: bool = Field(default=False)
    personal_data: str = Field(default="", max_length=LONG)
    sensitive_data: bool = Field(default=False)
    data_completeness: int = Field(default=3)
    data_accuracy: int = Field(default=3)
    data_currency: int = Field(default=3)
    measurable_goal: str = Field(default="", max_length=LONG)
    ai_act_tier: str | None = Field(default=None, max_length=20, index=True)
    ai_act_reason: str = Field(default="", max_length=LONG)
    monitoring_owner_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    ai_disclosure: bool = Field(default=False)
    human_path: bool = Field(default=False)
    stage: str = Field(default=Stage.proposed, max_length=20, index=True)
    stage_entered_at: datetime = timestamp_field()
    source: str = Field(default="manual", max_length=SHORT)
    source_file: str | None = Field(default=None, max_length=500)
    source_row: int | None = Field(default=None)
    extra: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    # Imports: the id the source register gives it, when this is a first start date, and the identity
    # (a hash of organisation, unit and id, or title and content) that a re-import matches on.
    external_id: str | None = Field(default=None, max_length=SHORT)
    started_on: date | None = Field(default=None)
    import_key: str | None = Field(default=None, max_length=64, unique=True)
    publish: bool = Field(default=False)
    # Kept up to date by the assessment service in the same transaction as each assessment, so the
    # portfolio views read them without aggregating assessment history.
    impact_score: float | None = Field(default=None)
    risk_score: float | None = Field(default=None)
    score_spread: float | None = Field(default=None)
    reviewer_count: int = Field(default=0)
    one_off_cost: float | None = Field(default=None)
    running_cost_per_month: float | None = Field(default=None)

    __table_args__ = (
        # Problem and team may be blank on an imported row (incomplete is not invalid); forms require them.
        not_blank("title"),
        one_of("audience", Audience.values()),
        one_of("sector", Sector.values()),
        one_of("ai_kind", AiKind.values()),
        one_of("ai_act_tier", AiActTier.values()),
        one_of("stage", Stage.values()),
        in_range("data_completeness", 1, 5),
        in_range("data_accuracy", 1, 5),
        in_range("data_currency", 1, 5),
        in_range("impact_score", 0, 100),
        in_range("risk_score", 0, 100),
        CheckConstraint("reviewer_count >= 0", name="reviewer_count_positive"),
        CheckConstraint("one_off_cost >= 0", name="one_off_cost_positive"),
        CheckConstraint("running_cost_per_month >= 0", name="running_cost_positive"),
    )


class Assessment(SQLModel, table=True):
    """One reviewer's scores for one use case under one scoring model version. Immutable: a rescore
    adds a new assessment, so the history stays."""

    id: int | None = Field(default=None, primary_key=True)
    use_case_id: int = Field(foreign_key="use_case.id", ondelete="CASCADE", index=True)
    reviewer_id: int = Field(foreign_key="person.id", ondelete="RESTRICT")
    scoring_model_id: int = Field(foreign_key="scoring_model.id", ondelete="RESTRICT")
    impact_score: float
    risk_score: float
    comment: str = Field(default="", max_length=LONG)
    assessed_at: datetime = timestamp_field()

    __table_args__ = (
        in_range("impact_score", 0, 100),
        in_range("risk_score", 0, 100),
        Index("ix_assessment_use_case_reviewer", "use_case_id", "reviewer_id"),
    )


class AssessmentScore(SQLModel, table=True):
    __tablename__ = "assessment_score"

    assessment_id: int = Field(
        sa_column=Column(Integer, ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    )
    criterion_id: int = Field(
        sa_column=Column(Integer, ForeignKey("criterion.id", ondelete="RESTRICT"), primary_key=True)
    )
    score: int
    comment: str = Field(default="", max_length=LONG)

    __table_args__ = (in_range("score", 1, 5),)


class GateDecision(SQLModel, table=True):
    """A recorded decision at a gate. Immutable: the checklist is kept as it stood at decision time."""

    __tablename__ = "gate_decision"

    id: int | None = Field(default=None, primary_key=True)
    use_case_id: int = Field(foreign_key="use_case.id", ondelete="CASCADE", index=True)
    gate: str = Field(max_length=20)
    outcome: str = Field(max_length=10)
    decided_by_id: int = Field(foreign_key="person.id", ondelete="RESTRICT")
    decided_on: date
    rationale: str = Field(max_length=LONG)
    checklist: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    overrides: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    # A hold hands the unmet checklist items to a person (the accountable owner) to resolve.
    assigned_to_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    recorded_at: datetime = timestamp_field()

    __table_args__ = (
        one_of("gate", Gate.values()),
        one_of("outcome", GateOutcome.values()),
        not_blank("rationale"),
    )


class StageChange(SQLModel, table=True):
    """One move of a use case between stages (the first row records its creation). Append-only."""

    __tablename__ = "stage_change"

    id: int | None = Field(default=None, primary_key=True)
    use_case_id: int = Field(foreign_key="use_case.id", ondelete="CASCADE", index=True)
    from_stage: str | None = Field(default=None, max_length=20)
    to_stage: str = Field(max_length=20)
    changed_at: datetime = timestamp_field()
    changed_by_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    reason: str = Field(default="", max_length=LONG)
    gate_decision_id: int | None = Field(default=None, foreign_key="gate_decision.id", ondelete="SET NULL")

    __table_args__ = (
        one_of("from_stage", Stage.values()),
        one_of("to_stage", Stage.values()),
    )


class PilotCharter(Timestamped, table=True):
    """A pilot as a pre-registered experiment: what it tests, where, until when, and when it is decided."""

    __tablename__ = "pilot_charter"

    id: int | None = Field(default=None, primary_key=True)
    use_case_id: int = Field(foreign_key="use_case.id", ondelete="CASCADE", unique=True)
    hypothesis: str = Field(max_length=LONG)
    scope: str = Field(max_length=LONG)
    start_on: date
    planned_end_on: date
    decision_on: date
    min_evidence: str = Field(max_length=LONG)
    extensions: int = Field(default=0)
    paused: bool = Field(default=False)

    __table_args__ = (
        not_blank("hypothesis"),
        not_blank("scope"),
        not_blank("min_evidence"),
        CheckConstraint("planned_end_on > start_on", name="end_after_start"),
        CheckConstraint("decision_on >= planned_end_on", name="decision_after_end"),
        CheckConstraint("extensions >= 0", name="extensions_positive"),
    )


class PilotReview(SQLModel, table=True):
    """A decision taken on a pilot at (or after) its decision date. Append-only."""

    __tablename__ = "pilot_review"

    id: int | None = Field(default=None, primary_key=True)
    use_case_id: int = Field(foreign_key="use_case.id", ondelete="CASCADE", index=True)
    decision: str = Field(max_length=10)
    decided_on: date
    decided_by_id: int = Field(foreign_key="person.id", ondelete="RESTRICT")
    reason: str = Field(max_length=LONG)
    new_end_on: date | None = Field(default=None)
    new_decision_on: date | None = Field(default=None)
    recorded_at: datetime = timestamp_field()

    __table_args__ = (one_of("decision", PilotDecision.values()), not_blank("reason"))


class ChecklistItem(Timestamped, table=True):
    """One item of a gate's checklist, configurable by an administrator. `rule` names an automatic check
    (see portfolio.checklist) or is 'manual' for an item the approver confirms."""

    __tablename__ = "checklist_item"

    id: int | None = Field(default=None, primary_key=True)
    gate: str = Field(max_length=20)
    key: str = Field(max_length=50)
    label: str = Field(max_length=SHORT)
    rule: str = Field(max_length=50)
    applies_to: str = Field(default="always", max_length=30)
    is_active: bool = Field(default=True)
    position: int = Field(default=0)

    __table_args__ = (
        UniqueConstraint("gate", "key", name="uq_checklist_item_gate_key"),
        one_of("gate", Gate.values()),
        not_blank("label"),
    )


class Setting(Timestamped, table=True):
    """Portfolio-wide settings an administrator can change (e.g. time limits per stage)."""

    key: str = Field(primary_key=True, max_length=60)
    value: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)


class Kpi(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    use_case_id: int = Field(foreign_key="use_case.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=SHORT)
    kind: str = Field(max_length=20)
    unit: str = Field(max_length=30)
    direction: str = Field(max_length=10)
    baseline: float | None = Field(default=None)
    baseline_on: date | None = Field(default=None)
    target: float | None = Field(default=None)
    target_on: date | None = Field(default=None)
    method: str = Field(default="", max_length=LONG)
    reporter_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    # The latest measurement, kept in the same transaction as any change to the KPI's measurements, so
    # portfolio-wide views never scan the measurement history. The status is not kept: it depends on
    # today's date, so portfolio.kpis.status_of computes it from these whenever it is read.
    latest_value: float | None = Field(default=None)
    latest_on: date | None = Field(default=None)
    # A retired KPI keeps its history but no longer counts towards statuses, checklists or value.
    retired_on: date | None = Field(default=None)
    retired_reason: str = Field(default="", max_length=LONG)

    __table_args__ = (
        UniqueConstraint("use_case_id", "name", name="uq_kpi_use_case_name"),
        not_blank("name"),
        one_of("kind", KpiKind.values()),
        one_of("direction", Direction.values()),
    )


class Measurement(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id", ondelete="CASCADE")
    measured_on: date
    value: float
    note: str = Field(default="", max_length=LONG)
    source: str = Field(default="", max_length=SHORT)
    logged_by_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")

    __table_args__ = (UniqueConstraint("kpi_id", "measured_on", name="uq_measurement_kpi_day"),)


class Lesson(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    use_case_id: int = Field(foreign_key="use_case.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=SHORT)
    tried: str = Field(max_length=LONG)
    happened: str = Field(max_length=LONG)
    outcome: str = Field(max_length=10)
    category: str = Field(max_length=20)
    root_cause: str = Field(default="", max_length=LONG)
    do_differently: str = Field(default="", max_length=LONG)
    tags: list[str] = Field(default_factory=list, sa_type=JSONType)
    author_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    # The stage the use case had reached when the lesson was written (for a stop: the stage it stopped in).
    stage: str | None = Field(default=None, max_length=20)

    __table_args__ = (
        not_blank("title"),
        not_blank("tried"),
        not_blank("happened"),
        one_of("outcome", LessonOutcome.values()),
        one_of("category", LessonCategory.values()),
        one_of("stage", Stage.values(), name="stage_reached"),
    )


class Incident(SQLModel, table=True):
    """A public AI incident from the AI Incident Database (incidentdatabase.ai, CC BY-SA 4.0): read-only
    reference data, replaced as a whole when the library is refreshed. `id` is the database's incident id."""

    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    occurred_on: date | None = Field(default=None)
    title: str = Field(max_length=500)
    description: str = Field(default="", max_length=LONG)
    deployers: str = Field(default="", max_length=LONG)
    developers: str = Field(default="", max_length=LONG)
    harmed_parties: str = Field(default="", max_length=LONG)
    risk_domain: str = Field(default="", max_length=SHORT)
    risk_subdomain: str = Field(default="", max_length=SHORT)

    __table_args__ = (not_blank("title"), CheckConstraint("id > 0", name="id_positive"))


class Snapshot(SQLModel, table=True):
    """A frozen quarterly record of the portfolio. Immutable except that a newer snapshot of the same
    quarter marks it superseded."""

    id: int | None = Field(default=None, primary_key=True)
    quarter: str = Field(max_length=7, index=True)
    taken_at: datetime = timestamp_field()
    taken_by_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    status: str = Field(default=SnapshotStatus.current, max_length=12)
    content: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    checksum: str = Field(max_length=64)

    __table_args__ = (
        one_of("status", SnapshotStatus.values()),
        CheckConstraint("length(quarter) = 7", name="quarter_format"),
        CheckConstraint("length(checksum) = 64", name="checksum_sha256"),
    )


class AuditEvent(SQLModel, table=True):
    """Who changed what, when, from what to what. Append-only."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False, index=True)
    actor_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    actor_name: str = Field(max_length=SHORT)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=40)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSONType)

    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)


class PortfolioRevision(SQLModel, table=True):
    """A one-row counter bumped by every write, so caches in every app process can tell stale reads."""

    __tablename__ = "portfolio_revision"

    id: int = Field(default=1, primary_key=True)
    revision: int = Field(default=0, sa_type=BigInteger)

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)
