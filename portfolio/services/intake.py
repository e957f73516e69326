"""Proposing a use case with its first KPIs and the answers behind its EU AI Act tier, in one step."""

from typing import Any

from sqlmodel import Session

from portfolio.ai_act import QUESTION_KEYS, suggest_tier
from portfolio.errors import InvalidInput
from portfolio.models import UseCase
from portfolio.services import results, use_cases
from portfolio.services.audit import Actor


def propose(
    session: Session,
    actor: Actor,
    fields: dict[str, Any],
    *,
    kpis: list[dict[str, Any]] = (),
    tier_answers: dict[str, bool] | None = None,
) -> UseCase:
    """All or nothing: a bad KPI row refuses the whole proposal, so nothing half-written is stored."""
    fields = dict(fields)
    if tier_answers is not None:
        unknown = set(tier_answers) - set(QUESTION_KEYS)
        if unknown:
            raise InvalidInput(
                {"tier_answers": f"Unknown questionnaire answers: {', '.join(sorted(unknown))}."}
            )
        suggestion = suggest_tier(tier_answers)
        fields["extra"] = dict(fields.get("extra") or {}) | {
            "ai_act_questionnaire": {"answers": tier_answers, "suggested": suggestion.tier.value},
        }
    use_case = use_cases.propose_use_case(session, actor, **fields)
    problems: dict[str, str] = {}
    for number, kpi in enumerate(kpis, start=1):
        try:
            results.define_kpi(session, actor, use_case.key, **kpi)
        except InvalidInput as error:
            problems[f"kpi {number}"] = f"KPI {number}: " + " ".join(error.problems.values())
    if problems:
        raise InvalidInput(problems)
    return use_case
