from dataclasses import replace
from datetime import date

import pytest

from portfolio import checklist
from portfolio.checklist import DEFAULT_CHECKLISTS, GateFacts, ItemSpec, KpiFacts, evaluate, missing_overrides
from portfolio.lifecycle import DEFAULT_STAGE_LIMITS, next_actions, stage_flags
from portfolio.models import Gate, Stage

READY = GateFacts(
    reviewers=2,
    owner_named=True,
    tier="limited",
    customer_facing=True,
    decisions_about_people=True,
    personal_data=True,
    ai_disclosure=True,
    human_path=True,
    monitoring_owner_named=True,
    charter_recorded=True,
    kpis=(
        KpiFacts("business", True, True, 3, "on_track"),
        KpiFacts("trust", True, True, 3, "achieved"),
        KpiFacts("fairness", True, True, 2, "on_track"),
    ),
)


def facts(**changes) -> GateFacts:
    return replace(READY, **changes)


@pytest.mark.parametrize(
    ("rule", "broken"),
    [
        ("scored_by_two", facts(reviewers=1)),
        ("owner_named", facts(owner_named=False)),
        ("tier_recorded", facts(tier=None)),
        ("tier_recorded", facts(tier="prohibited")),
        ("kpi_baseline_target", facts(kpis=(KpiFacts("business", True, False, 0, "at_risk"),))),
        ("trust_kpi", facts(kpis=(KpiFacts("business", True, True, 1, "on_track"),))),
        ("ai_disclosure", facts(ai_disclosure=False)),
        ("human_path", facts(human_path=False)),
        ("fairness_check", facts(kpis=(KpiFacts("trust", True, True, 1, "on_track"),))),
        ("pilot_charter", facts(charter_recorded=False)),
        ("results_compared", facts(kpis=(KpiFacts("business", True, True, 0, "no_recent_data"),))),
        ("monitoring_owner", facts(monitoring_owner_named=False)),
    ],
)
def test_each_automatic_rule(rule, broken):
    check = checklist.RULES[rule][1]
    assert check(READY)
    assert not check(broken)


def test_items_apply_only_where_they_should():
    internal = facts(
        customer_facing=False,
        decisions_about_people=False,
        personal_data=False,
        ai_disclosure=False,
        human_path=False,
        kpis=(KpiFacts("business", True, True, 1, "on_track"),),
    )
    keys = {r.key for r in evaluate(DEFAULT_CHECKLISTS[Gate.pilot], internal)}
    assert {"trust_kpi", "ai_disclosure", "human_path", "fairness_check", "dpia"}.isdisjoint(keys)
    assert {"scored_by_two", "owner_named", "tier_recorded", "kpi_baseline_target", "pilot_charter"} <= keys
    assert all(r.met for r in evaluate(DEFAULT_CHECKLISTS[Gate.pilot], internal) if r.automatic)


def test_gates_add_their_own_items():
    assert "results_compared" in {i.key for i in DEFAULT_CHECKLISTS[Gate.scale_up]}
    production = {i.key for i in DEFAULT_CHECKLISTS[Gate.production]}
    assert {"results_compared", "monitoring_owner", "runbook"} <= production


def test_manual_items_need_the_approvers_confirmation():
    items = (ItemSpec("runbook", "Run-book in place"),)
    assert not evaluate(items, READY)[0].met
    assert evaluate(items, READY, {"runbook": True})[0].met
    assert not evaluate(items, READY)[0].automatic


def test_an_unmet_item_needs_a_written_override():
    results = evaluate(DEFAULT_CHECKLISTS[Gate.pilot], facts(human_path=False, reviewers=1), {"dpia": True})
    assert {r.key for r in missing_overrides(results, {})} == {"human_path", "scored_by_two"}
    assert {r.key for r in missing_overrides(results, {"human_path": "  "})} == {
        "human_path",
        "scored_by_two",
    }
    assert [r.key for r in missing_overrides(results, {"human_path": "Staffed phone line from week 2"})] == [
        "scored_by_two"
    ]


TODAY = date(2026, 11, 23)


def test_pilot_flags():
    assert stage_flags("pilot", 180, DEFAULT_STAGE_LIMITS, today=TODAY) == []
    assert stage_flags("pilot", 181, DEFAULT_STAGE_LIMITS, today=TODAY) == [
        "Pilot purgatory: 181 days in pilot (limit 180)"
    ]
    assert stage_flags("pilot", 10, DEFAULT_STAGE_LIMITS, decision_on=date(2026, 11, 22), today=TODAY) == [
        "Decision overdue since 22 Nov 2026"
    ]
    assert stage_flags("pilot", 10, DEFAULT_STAGE_LIMITS, decision_on=TODAY, today=TODAY) == []
    assert stage_flags("pilot", 10, DEFAULT_STAGE_LIMITS, paused=True, today=TODAY) == ["Paused"]


def test_other_stages_have_their_own_limits_and_closed_ones_none():
    assert stage_flags("assessed", 91, DEFAULT_STAGE_LIMITS, today=TODAY) == [
        "Over the 90-day limit for Assessed: 91 days"
    ]
    assert stage_flags("production", 900, DEFAULT_STAGE_LIMITS, today=TODAY) == []
    assert stage_flags("stopped", 900, DEFAULT_STAGE_LIMITS, today=TODAY) == []
    assert stage_flags("pilot", 40, {Stage.pilot: 30}, today=TODAY) == [
        "Pilot purgatory: 40 days in pilot (limit 30)"
    ]


def test_next_actions_follow_the_stage():
    assert next_actions("proposed", scored=False) == ["reject"]
    assert next_actions("proposed", scored=True) == ["assess", "reject"]
    assert next_actions("assessed", scored=True) == ["gate", "reject"]
    assert next_actions("pilot", scored=True) == ["review", "gate", "stop"]
    assert next_actions("production", scored=True) == ["retire", "stop"]
    assert next_actions("retired", scored=True) == []
