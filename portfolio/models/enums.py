"""The domain's vocabularies. Stored as short strings guarded by CHECK constraints (portable across
SQLite and PostgreSQL, and cheap to extend in a migration)."""

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry the words a manager reads."""

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " ").capitalize())

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]


class Role(LabelledEnum):
    viewer = "viewer"
    contributor = "contributor"
    reviewer = "reviewer"
    approver = "approver"
    administrator = "administrator"


class Sector(LabelledEnum):
    retail = "retail"
    hospitality = "hospitality"
    healthcare = "healthcare"
    services = "services"
    other = "other"


class AiKind(LabelledEnum):
    generative = "generative"
    predictive = "predictive"
    classification = "classification"
    recommendation = "recommendation"
    automation = "automation"
    other = "other"


class Audience(LabelledEnum):
    """Who a use case serves."""

    customers = "customers"
    employees = "employees"
    both = "both"


class AiActTier(LabelledEnum):
    prohibited = "prohibited"
    high = "high"
    limited = "limited"
    minimal = "minimal"


class Stage(LabelledEnum):
    proposed = "proposed"
    assessed = "assessed"
    pilot = "pilot"
    scale_up = "scale_up"
    production = "production"
    retired = "retired"
    rejected = "rejected"
    stopped = "stopped"


class Gate(LabelledEnum):
    pilot = "pilot"
    scale_up = "scale_up"
    production = "production"


class GateOutcome(LabelledEnum):
    go = "go"
    no_go = "no_go"
    hold = "hold"


class PilotDecision(LabelledEnum):
    """What an approver decides at a pilot's decision date."""

    scale = "scale"
    iterate = "iterate"
    pause = "pause"
    stop = "stop"


class Dimension(LabelledEnum):
    impact = "impact"
    risk = "risk"


class KpiKind(LabelledEnum):
    business = "business"
    trust = "trust"
    employee = "employee"
    model_quality = "model_quality"
    fairness = "fairness"


class Direction(LabelledEnum):
    higher = "higher"
    lower = "lower"


class KpiStatus(LabelledEnum):
    achieved = "achieved"
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    no_recent_data = "no_recent_data"


class LessonOutcome(LabelledEnum):
    failure = "failure"
    partial = "partial"
    success = "success"


class LessonCategory(LabelledEnum):
    data = "data"
    model = "model"
    adoption = "adoption"
    customer_trust = "customer_trust"
    governance = "governance"
    vendor_cost = "vendor_cost"
    other = "other"


class SnapshotStatus(LabelledEnum):
    current = "current"
    superseded = "superseded"


_LABELS: dict[StrEnum, str] = {
    PilotDecision.scale: "Scale (go to the Scale-up gate)",
    PilotDecision.iterate: "Iterate (extend the pilot)",
    PilotDecision.pause: "Pause",
    PilotDecision.stop: "Stop (write the lesson)",
    AiActTier.high: "High-risk",
    AiActTier.limited: "Limited risk",
    AiActTier.minimal: "Minimal risk",
    AiActTier.prohibited: "Prohibited practice",
    Stage.scale_up: "Scale-up",
    Gate.scale_up: "Scale-up",
    GateOutcome.go: "Go",
    GateOutcome.no_go: "No-go",
    GateOutcome.hold: "Hold",
    KpiKind.business: "Business value",
    KpiKind.trust: "Customer trust",
    KpiKind.model_quality: "Model quality",
    KpiStatus.on_track: "On track",
    KpiStatus.at_risk: "At risk",
    KpiStatus.off_track: "Off track",
    KpiStatus.no_recent_data: "No recent data",
    Direction.higher: "Higher is better",
    Direction.lower: "Lower is better",
    LessonCategory.data: "Data quality and readiness",
    LessonCategory.model: "Model performance",
    LessonCategory.adoption: "Adoption by employees",
    LessonCategory.customer_trust: "Customer reaction and trust",
    LessonCategory.governance: "Governance and compliance",
    LessonCategory.vendor_cost: "Vendor and cost",
    AiKind.automation: "Process automation",
    AiKind.generative: "Generative AI",
}

STAGE_ORDER: tuple[Stage, ...] = (
    Stage.proposed,
    Stage.assessed,
    Stage.pilot,
    Stage.scale_up,
    Stage.production,
    Stage.retired,
)
EXIT_STAGES: tuple[Stage, ...] = (Stage.rejected, Stage.stopped)
