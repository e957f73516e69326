"""Proposing a use case with its first KPIs and the answers behind its EU AI Act tier, in one step."""

from typing import Any

from sqlmodel import Session

from portfolio.ai_act import QUESTION_KEYS, suggest_tier
from portfolio.errors import InvalidInput
from portfolio.models import UseCase
from portfolio.services import results, use_cases
from portfolio.services.audit import Actor
from portfolio.validation import shown, validate


def propose(
    session: Session,
    actor: Actor,
    fields: dict[str, Any],
    *,
    kpis: list[dict[str, Any]] = (),
    tier_answers: dict[str, bool] | None = None,
) -> UseCase:
    """All or nothing: a bad KPI row refuses the whole proposal, so nothing half-written is stored. Every
    problem with the facts and the KPI rows is reported at once, each under its field (`kpi N` for a row).
    Who it serves is asked, not assumed, so it cannot contradict whether customers meet it directly."""
    if not isinstance(fields, dict):
        raise InvalidInput({"fields": "Give the use case's fields."})
    if not isinstance(kpis, list | tuple) or not all(isinstance(kpi, dict) for kpi in kpis):
        raise InvalidInput({"kpis": "Give the first KPIs as a list, each with its fields."})
    fields = dict(fields)
    problems: dict[str, str] = {}
    if fields.get("audience") is None:
        problems["audience"] = "Serves is required: choose who it serves."
    if fields.get("ai_act_tier") and not str(fields.get("ai_act_reason") or "").strip():
        problems["ai_act_reason"] = "Reason for the tier is required when a tier is recorded."
    try:
        validate(use_cases.UseCaseInput, {k: v for k, v in fields.items() if k != "audience"})
    except InvalidInput as error:
        problems |= error.problems
    for number, kpi in enumerate(kpis, start=1):
        try:
            validate(results.KpiInput, kpi)
        except InvalidInput as error:
            problems[f"kpi {number}"] = f"KPI {number}: " + " ".join(error.problems.values())
    if problems:
        raise InvalidInput(problems)
    if tier_answers is not None:
        if not isinstance(tier_answers, dict) or not all(isinstance(v, bool) for v in tier_answers.values()):
            raise InvalidInput({"tier_answers": "Answer each questionnaire question with yes or no."})
        unknown = set(tier_answers) - set(QUESTION_KEYS)
        if unknown:
            raise InvalidInput(
                {"tier_answers": f"Unknown questionnaire answers: {', '.join(sorted(map(shown, unknown)))}."}
            )
        suggestion = suggest_tier(tier_answers)
        fields["extra"] = dict(fields.get("extra") or {}) | {
            "ai_act_questionnaire": {"answers": tier_answers, "suggested": suggestion.tier.value},
        }
    use_case = use_cases.propose_use_case(session, actor, **fields)
    for number, kpi in enumerate(kpis, start=1):
        try:
            results.define_kpi(session, actor, use_case.key, **kpi)
        except InvalidInput as error:
            problems[f"kpi {number}"] = f"KPI {number}: " + " ".join(error.problems.values())
    if problems:
        raise InvalidInput(problems)
    return use_case
