"""Generated use cases and their histories: a stage drawn from a mature portfolio's mix, reached through a
recorded stage change for each stage on its path, a go decision at every gate passed, a charter for every
pilot, reviewers' assessments, the KPIs it measures and, for some, a lesson."""

from datetime import date, timedelta
from typing import Any

from portfolio.demo.content import CASES
from portfolio.demo.scale_assessments import add_assessments
from portfolio.demo.scale_kpis import KpiSpec, add_kpi_specs
from portfolio.demo.scale_writer import Rows, ScaleWriter, at
from portfolio.models import Stage
from portfolio.services.assessments import ActiveModel

# Where the use cases of a mature portfolio stand (shares add up to 1).
STAGE_MIX: tuple[tuple[Stage, float], ...] = (
    (Stage.proposed, 0.22),
    (Stage.assessed, 0.18),
    (Stage.pilot, 0.20),
    (Stage.scale_up, 0.08),
    (Stage.production, 0.14),
    (Stage.retired, 0.04),
    (Stage.rejected, 0.08),
    (Stage.stopped, 0.06),
)
# The path to each stage: rejected use cases were assessed first, stopped ones piloted.
PATHS: dict[Stage, tuple[Stage, ...]] = {
    Stage.proposed: (Stage.proposed,),
    Stage.assessed: (Stage.proposed, Stage.assessed),
    Stage.pilot: (Stage.proposed, Stage.assessed, Stage.pilot),
    Stage.scale_up: (Stage.proposed, Stage.assessed, Stage.pilot, Stage.scale_up),
    Stage.production: (Stage.proposed, Stage.assessed, Stage.pilot, Stage.scale_up, Stage.production),
    Stage.retired: (
        Stage.proposed,
        Stage.assessed,
        Stage.pilot,
        Stage.scale_up,
        Stage.production,
        Stage.retired,
    ),
    Stage.rejected: (Stage.proposed, Stage.assessed, Stage.rejected),
    Stage.stopped: (Stage.proposed, Stage.assessed, Stage.pilot, Stage.stopped),
}
# How long a use case stays in each stage it passes through (days, low and high).
DWELL = {
    Stage.proposed: (20, 75),
    Stage.assessed: (30, 120),
    Stage.pilot: (100, 240),
    Stage.scale_up: (90, 300),
    Stage.production: (180, 720),
}
GATE_OF = {Stage.pilot: "pilot", Stage.scale_up: "scale_up", Stage.production: "production"}
SITES = ("North", "South", "East", "West", "Central", "Coast", "Alpine", "Harbour", "Riverside", "Metro")
LESSON_CATEGORIES = ("data", "model", "adoption", "customer_trust", "governance", "vendor_cost", "other")


def add_use_case(
    writer: ScaleWriter,
    model: ActiveModel,
    number: int,
    owners: list[int],
    reviewers: list[int],
    approvers: list[int],
    rows: Rows,
    kpi_specs: list[KpiSpec],
) -> None:
    """Add use case number `number` and its history to `rows`, and its KPIs to `kpi_specs`."""
    rng = writer.rng
    case = rng.choice(CASES)
    stage = _stage_for(writer)
    if case.get("tier") == "prohibited" and stage not in (Stage.proposed, Stage.assessed, Stage.rejected):
        stage = Stage.rejected
    path = PATHS[stage]
    days = _entry_days(writer, path)
    use_case_id = writer.take_id("use_case")
    owner = rng.choice(owners)
    site = f"{rng.choice(SITES)} {rng.randint(1, 400)}"
    one_off = round(rng.uniform(10_000, 200_000), -3) if stage not in (Stage.proposed,) else None
    rows["use_case"].append(
        {
            "id": use_case_id,
            "key": f"UC-{number:04d}",
            "title": f"{case['title']} ({site})",
            "problem": case["problem"],
            "audience": case.get("audience", "customers"),
            "team": case["team"],
            "business_unit": case.get("business_unit", ""),
            "sector": case["sector"],
            "owner_id": owner,
            "sponsor_id": rng.choice(approvers),
            "ai_kind": case["ai_kind"],
            "customer_facing": case.get("customer_facing", False),
            "decisions_about_people": case.get("decisions_about_people", False),
            "personal_data": case.get("personal_data", ""),
            "sensitive_data": case.get("sensitive_data", False),
            "data_completeness": case["readiness"][0],
            "data_accuracy": case["readiness"][1],
            "data_currency": case["readiness"][2],
            "measurable_goal": case.get("goal", ""),
            "ai_act_tier": case.get("tier"),
            "ai_act_reason": case.get("tier_reason", ""),
            "monitoring_owner_id": rng.choice(reviewers)
            if stage in (Stage.scale_up, Stage.production)
            else None,
            "ai_disclosure": case.get("disclosure", False) or rng.random() < 0.7,
            "human_path": case.get("human_path", False) or rng.random() < 0.6,
            "stage": stage.value,
            "stage_entered_at": at(days[-1]),
            "source": "generated",
            "source_file": None,
            "source_row": None,
            "extra": {},
            "impact_score": None,
            "risk_score": None,
            "score_spread": None,
            "reviewer_count": 0,
            "one_off_cost": one_off,
            "running_cost_per_month": round(one_off / 30, -2) if one_off else None,
            "created_at": at(days[0]),
            "updated_at": at(days[-1]),
            "version": 1,
        }
    )
    previous = None
    gate_ids: dict[Stage, int] = {}
    for entered, day in zip(path, days, strict=True):
        gate_id = None
        if entered in GATE_OF:
            gate_id = writer.take_id("gate_decision")
            gate_ids[entered] = gate_id
            rows["gate_decision"].append(
                {
                    "id": gate_id,
                    "use_case_id": use_case_id,
                    "gate": GATE_OF[entered],
                    "outcome": "go",
                    "decided_by_id": rng.choice(approvers),
                    "decided_on": day,
                    "rationale": "Business case and measurable goal in place; start small and review at the "
                    "decision date.",
                    "checklist": [],
                    "overrides": [],
                    "recorded_at": at(day),
                }
            )
        rows["stage_change"].append(
            {
                "id": writer.take_id("stage_change"),
                "use_case_id": use_case_id,
                "from_stage": previous.value if previous else None,
                "to_stage": entered.value,
                "changed_at": at(day),
                "changed_by_id": owner,
                "gate_decision_id": gate_id,
                "reason": "Stopped at the pilot review."
                if entered == Stage.stopped
                else "Not pursued after assessment."
                if entered == Stage.rejected
                else "Retired after replacement."
                if entered == Stage.retired
                else "",
            }
        )
        previous = entered
    scored = stage != Stage.proposed or rng.random() < 0.3
    if scored and "impact" in case:
        add_assessments(
            writer,
            model,
            use_case_id,
            case,
            days[0],
            rng.sample(
                reviewers,
                k=min(
                    len(reviewers),
                    rng.choice((1, 2, 2, 3)) if stage == Stage.proposed else rng.choice((2, 3)),
                ),
            ),
            rows,
        )
    if Stage.pilot in path:
        pilot_day = days[path.index(Stage.pilot)]
        decision_on = pilot_day + timedelta(days=135)
        rows["pilot_charter"].append(
            {
                "id": writer.take_id("pilot_charter"),
                "use_case_id": use_case_id,
                "hypothesis": f"If we pilot this, then: {case.get('goal') or case['problem']}",
                "scope": f"{site}: two pilot sites, then review.",
                "start_on": pilot_day,
                "planned_end_on": pilot_day + timedelta(days=120),
                "decision_on": decision_on,
                "min_evidence": "At least 8 weeks of weekly results and 1,000 interactions.",
                "extensions": 0,
                "paused": False,
                "created_at": at(pilot_day),
                "updated_at": at(pilot_day),
                "version": 1,
            }
        )
        add_kpi_specs(
            writer,
            use_case_id,
            case,
            pilot_day,
            days[-1] if stage in (Stage.stopped, Stage.retired) else writer.today,
            kpi_specs,
        )
    elif stage == Stage.assessed:
        # KPIs with a baseline are what the pilot gate asks for; many assessed use cases measure already.
        add_kpi_specs(writer, use_case_id, case, days[-1], writer.today, kpi_specs)
    if stage == Stage.stopped or (stage in (Stage.production, Stage.retired) and rng.random() < 0.15):
        _add_lesson(writer, use_case_id, case, owner, days[-1], stage, rows)


def _stage_for(writer: ScaleWriter) -> Stage:
    roll, total = writer.rng.random(), 0.0
    for stage, share in STAGE_MIX:
        total += share
        if roll < total:
            return stage
    return Stage.proposed


def _entry_days(writer: ScaleWriter, path: tuple[Stage, ...]) -> list[date]:
    """When each stage of the path was entered, oldest first: each earlier stage lasted a plausible
    time, and the current one was entered between a few days and over a year ago."""
    dwell = [writer.rng.randint(*DWELL[stage]) for stage in path[:-1]]
    day = writer.today - timedelta(days=sum(dwell) + writer.rng.randint(3, 400))
    days = [day]
    for days_in_stage in dwell:
        day += timedelta(days=days_in_stage)
        days.append(day)
    return days


def _add_lesson(
    writer: ScaleWriter,
    use_case_id: int,
    case: dict[str, Any],
    owner: int,
    day: date,
    stage: Stage,
    rows: Rows,
) -> None:
    story = case.get("stop") or {
        "title": f"What {case['title'].lower()} taught us",
        "outcome": "success" if stage == Stage.production else "partial",
        "category": writer.rng.choice(LESSON_CATEGORIES),
        "tried": f"A pilot of {case['title'].lower()} at two sites.",
        "happened": "Results met most targets once staff trusted the suggestions.",
        "root_cause": "Adoption followed training, not the model's accuracy.",
        "do_differently": "Involve the people who use it from the first week.",
        "tags": [case["ai_kind"], case["sector"]],
    }
    rows["lesson"].append(
        {
            "id": writer.take_id("lesson"),
            "use_case_id": use_case_id,
            "title": story["title"],
            "tried": story["tried"],
            "happened": story["happened"],
            "outcome": story["outcome"],
            "category": story["category"],
            "root_cause": story.get("root_cause", ""),
            "do_differently": story.get("do_differently", ""),
            "tags": list(story.get("tags", [])),
            "author_id": owner,
            # The stage reached: a stopped use case stopped in its pilot.
            "stage": (Stage.pilot if stage == Stage.stopped else stage).value,
            "created_at": at(day),
            "updated_at": at(day),
            "version": 1,
        }
    )
