"""Gate checklists: what must be true before a use case passes a gate. Pure.

Each item is either evaluated from the recorded data (`rule` names a check below) or confirmed by the
approver (`rule == "manual"`). Items can apply always or only to some use cases (customer-facing ones,
those informing decisions about people, those using personal data). Administrators configure the items;
these are the defaults."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from portfolio.models.enums import AiActTier, Gate, KpiKind, Role

MANUAL = "manual"
MIN_REVIEWERS = 2


@dataclass(frozen=True)
class KpiFacts:
    kind: str
    has_baseline: bool
    has_target: bool
    measurements: int
    status: str


@dataclass(frozen=True)
class GateFacts:
    """What the checks read about a use case, gathered by the gate service."""

    reviewers: int
    owner_named: bool
    tier: str | None
    customer_facing: bool
    decisions_about_people: bool
    personal_data: bool
    ai_disclosure: bool
    human_path: bool
    monitoring_owner_named: bool
    charter_recorded: bool
    kpis: tuple[KpiFacts, ...] = field(default_factory=tuple)


def _has_kpi_with_baseline_and_target(f: GateFacts) -> bool:
    return any(k.has_baseline and k.has_target for k in f.kpis)


def _results_compared(f: GateFacts) -> bool:
    measured = [k for k in f.kpis if k.has_target]
    return bool(measured) and all(k.measurements > 0 for k in measured)


RULES: dict[str, tuple[str, Callable[[GateFacts], bool]]] = {
    "scored_by_two": (
        f"Scored by at least {MIN_REVIEWERS} reviewers",
        lambda f: f.reviewers >= MIN_REVIEWERS,
    ),
    "owner_named": ("An accountable owner is named", lambda f: f.owner_named),
    "tier_recorded": (
        "EU AI Act tier recorded and not a prohibited practice",
        lambda f: f.tier is not None and f.tier != AiActTier.prohibited,
    ),
    "kpi_baseline_target": (
        "At least one KPI with a baseline and a target",
        _has_kpi_with_baseline_and_target,
    ),
    "trust_kpi": ("At least one customer-trust KPI", lambda f: any(k.kind == KpiKind.trust for k in f.kpis)),
    "ai_disclosure": ("Customers are told when AI is involved", lambda f: f.ai_disclosure),
    "human_path": ("Customers can always reach a person", lambda f: f.human_path),
    "fairness_check": (
        "A bias and fairness check is recorded (a fairness KPI)",
        lambda f: any(k.kind == KpiKind.fairness for k in f.kpis),
    ),
    "pilot_charter": ("A pilot charter is recorded", lambda f: f.charter_recorded),
    "results_compared": ("KPI results logged and compared with their targets", _results_compared),
    "monitoring_owner": ("A named person is responsible for monitoring", lambda f: f.monitoring_owner_named),
}

APPLIES: dict[str, tuple[str, Callable[[GateFacts], bool]]] = {
    "always": ("Every use case", lambda f: True),
    "customer_facing": ("Customer-facing use cases", lambda f: f.customer_facing),
    "decisions_about_people": (
        "Use cases informing decisions about people",
        lambda f: f.decisions_about_people,
    ),
    "personal_data": ("Use cases using personal data", lambda f: f.personal_data),
}


@dataclass(frozen=True)
class Remedy:
    """How an unmet item gets met: who can do it, what to do, and where (a page of the app)."""

    role: Role
    todo: str
    where: str  # "use_case", "kpis", "score", "results" or "gate" (this decision itself)


REMEDIES: dict[str, Remedy] = {
    "scored_by_two": Remedy(Role.reviewer, "A second reviewer scores it", "score"),
    "owner_named": Remedy(Role.contributor, "Name the accountable owner in the use case's facts", "use_case"),
    "tier_recorded": Remedy(
        Role.contributor, "Record the EU AI Act tier and its reason in the use case's facts", "use_case"
    ),
    "kpi_baseline_target": Remedy(Role.contributor, "Add a KPI with a baseline and a target", "kpis"),
    "trust_kpi": Remedy(Role.contributor, "Add a customer-trust KPI (satisfaction, hand-overs…)", "kpis"),
    "ai_disclosure": Remedy(
        Role.contributor, "Tell customers about the AI and record it in the use case's facts", "use_case"
    ),
    "human_path": Remedy(
        Role.contributor, "Give customers a path to a person and record it in the facts", "use_case"
    ),
    "fairness_check": Remedy(Role.contributor, "Add a fairness KPI", "kpis"),
    "pilot_charter": Remedy(Role.approver, "Fill in the pilot charter with a go", "gate"),
    "results_compared": Remedy(Role.contributor, "Log results for every KPI with a target", "results"),
    "monitoring_owner": Remedy(
        Role.contributor, "Name a monitoring owner in the use case's facts", "use_case"
    ),
}
CONFIRMED_BY_APPROVER = Remedy(Role.approver, "The approver confirms it once checked", "gate")


def remedy(rule: str) -> Remedy:
    """How to meet an item checked by `rule` (manual items are confirmed by the approver)."""
    return REMEDIES.get(rule, CONFIRMED_BY_APPROVER)


@dataclass(frozen=True)
class ItemSpec:
    key: str
    label: str
    rule: str = MANUAL
    applies_to: str = "always"


def _auto(key: str, applies_to: str = "always") -> ItemSpec:
    return ItemSpec(key, RULES[key][0], key, applies_to)


_COMMON = (
    _auto("scored_by_two"),
    _auto("owner_named"),
    _auto("tier_recorded"),
    _auto("kpi_baseline_target"),
    _auto("trust_kpi", "customer_facing"),
    _auto("ai_disclosure", "customer_facing"),
    _auto("human_path", "customer_facing"),
    _auto("fairness_check", "decisions_about_people"),
)
DEFAULT_CHECKLISTS: dict[Gate, tuple[ItemSpec, ...]] = {
    Gate.pilot: (
        *_COMMON,
        _auto("pilot_charter"),
        ItemSpec(
            "dpia",
            "Data protection impact assessment done or judged unnecessary by the privacy officer",
            applies_to="personal_data",
        ),
    ),
    Gate.scale_up: (
        *_COMMON,
        _auto("results_compared"),
        ItemSpec("pilot_evidence", "The pilot reached its minimum evidence before the result was judged"),
    ),
    Gate.production: (
        *_COMMON,
        _auto("results_compared"),
        _auto("monitoring_owner"),
        ItemSpec("runbook", "Run-book, fallback and incident contacts in place"),
    ),
}


@dataclass(frozen=True)
class ItemResult:
    key: str
    label: str
    automatic: bool
    met: bool
    rule: str = MANUAL

    def as_record(self) -> dict[str, object]:
        return {
            "key": self.key,
            "item": self.label,
            "automatic": self.automatic,
            "met": self.met,
            "rule": self.rule,
        }


def evaluate(
    items: tuple[ItemSpec, ...] | list[ItemSpec],
    facts: GateFacts,
    confirmed: Mapping[str, bool] | None = None,
) -> list[ItemResult]:
    """The items that apply to this use case, each met or not: automatic ones from the facts, manual ones
    from the approver's confirmations."""
    confirmed = confirmed or {}
    results = []
    for item in items:
        applies = APPLIES.get(item.applies_to, APPLIES["always"])[1]
        if not applies(facts):
            continue
        if item.rule == MANUAL:
            results.append(ItemResult(item.key, item.label, False, bool(confirmed.get(item.key))))
        else:
            results.append(ItemResult(item.key, item.label, True, RULES[item.rule][1](facts), item.rule))
    return results


def missing_overrides(results: list[ItemResult], overrides: Mapping[str, str]) -> list[ItemResult]:
    """Unmet items without a written override reason: a go must not pass with any of these."""
    return [r for r in results if not r.met and not (overrides.get(r.key) or "").strip()]
