"""Helpers that write through the services, as the app does."""

from typing import Any

from sqlalchemy import Engine

from portfolio import db
from portfolio.services import use_cases
from portfolio.services.audit import Actor


class _Propose:
    """`propose(engine, actor, **overrides)` writes a valid use case and returns its key."""

    @staticmethod
    def fields(actor: Actor, **overrides: Any) -> dict[str, Any]:
        return {
            "title": "Customer-service assistant",
            "problem": "Customers wait six minutes for simple answers.",
            "audience": "customers",
            "team": "Customer service",
            "sector": "services",
            "owner_id": actor.id,
            "ai_kind": "generative",
            "customer_facing": True,
            "measurable_goal": "30% of simple questions handled automatically within a year.",
        } | overrides

    def __call__(self, engine: Engine, actor: Actor, **overrides: Any) -> str:
        with db.unit_of_work(engine) as session:
            return use_cases.propose_use_case(session, actor, **self.fields(actor, **overrides)).key


propose = _Propose()


def score_all(value: int, **overrides: int) -> dict[str, int]:
    from portfolio.scoring import DEFAULT_CRITERIA

    return {c.key: value for c in DEFAULT_CRITERIA} | overrides
