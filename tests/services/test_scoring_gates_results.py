"""Assessments, gate decisions, KPIs and measurements, lessons: through the services."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import InvalidInput, NotAllowed, RuleViolation
from portfolio.kpis import status_of
from portfolio.models import Assessment, Kpi, Lesson, UseCase, utc_now
from portfolio.services import assessments, gates, lessons, people, results, use_cases
from tests.conftest import counts
from tests.services.factories import propose, score_all

LESSON = {
    "title": "Customers wanted a person",
    "tried": "A bot for every question.",
    "happened": "Satisfaction fell.",
    "outcome": "failure",
    "category": "customer_trust",
    "do_differently": "Start with simple questions only.",
}


def add_reviewer(engine, admin, email="rita@example.org"):
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Rita Reviewer", email=email, roles=["reviewer"])
        return people.actor_for(session, email)


def score(engine, actor, key, scores, **kwargs):
    with db.unit_of_work(engine) as session:
        return assessments.record_assessment(session, actor, key, scores, **kwargs)


def extremes(scores):
    return {k: "explained" for k, v in scores.items() if v in (1, 5)}


def test_two_reviewers_give_a_mean_and_a_rescore_keeps_history(engine, admin):
    key = propose(engine, admin)
    rita = add_reviewer(engine, admin)
    score(engine, admin, key, score_all(4))  # impact 75, risk 75
    score(engine, rita, key, score_all(2))  # impact 25, risk 25
    with Session(engine) as session:
        use_case = use_cases.get_use_case(session, key)
        assert (
            use_case.impact_score,
            use_case.risk_score,
            use_case.reviewer_count,
            use_case.score_spread,
        ) == (50, 50, 2, 50)
    score(engine, rita, key, score_all(4))
    with Session(engine) as session:
        use_case = use_cases.get_use_case(session, key)
        assert (use_case.impact_score, use_case.reviewer_count, use_case.score_spread) == (75, 2, 0)
        assert len(session.exec(select(Assessment)).all()) == 3


@pytest.mark.parametrize(
    ("scores", "comments", "field", "message"),
    [
        (score_all(3, reach=6), {}, "reach", "from 1 to 5 (got 6)"),
        (score_all(3, reach=0), {}, "reach", "from 1 to 5 (got 0)"),
        (score_all(3, reach=2.5), {}, "reach", "whole number"),
        (score_all(3, reach="high"), {}, "reach", "whole number"),
        ({k: v for k, v in score_all(3).items() if k != "reach"}, {}, "reach", "give a score"),
        (score_all(3, reach=5), {}, "reach", "explain a score of 5"),
        (score_all(3) | {"vibes": 3}, {}, "vibes", "not a criterion"),
    ],
)
def test_bad_scores_are_refused_and_store_nothing(engine, admin, scores, comments, field, message):
    key = propose(engine, admin)
    before = counts(engine)
    with pytest.raises(InvalidInput) as error:
        score(engine, admin, key, scores, comments=comments)
    assert message in error.value.problems[field]
    assert counts(engine) == before


def test_a_stale_score_form_is_refused(engine, admin):
    key = propose(engine, admin)
    with Session(engine) as session:
        seen = use_cases.get_use_case(session, key).version
    score(engine, admin, key, score_all(3), expected_version=seen)
    with pytest.raises(Exception, match="changed while you were scoring"):
        score(engine, admin, key, score_all(3), expected_version=seen)


def test_only_reviewers_score(engine, admin):
    key = propose(engine, admin)
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Cody", email="cody@example.org", roles=["contributor"])
        cody = people.actor_for(session, "cody@example.org")
    with pytest.raises(NotAllowed, match="reviewer role"):
        score(engine, cody, key, score_all(3))


CHARTER = {
    "hypothesis": "Customers accept answers from an assistant for simple questions.",
    "scope": "Web chat, two regions.",
    "start_on": utc_now().date(),
    "planned_end_on": utc_now().date() + timedelta(days=90),
    "decision_on": utc_now().date() + timedelta(days=100),
    "min_evidence": "8 weeks and 2,000 conversations.",
}


def assessed(engine, admin, **overrides):
    """A use case ready for the pilot gate: tier recorded, two reviewers, a KPI with baseline and target."""
    key = propose(
        engine,
        admin,
        **(
            {"ai_act_tier": "minimal", "ai_act_reason": "No duties apply.", "customer_facing": False}
            | overrides
        ),
    )
    score(engine, admin, key, score_all(3))
    score(engine, add_reviewer(engine, admin, f"second-{key.lower()}@example.org"), key, score_all(3))
    with db.unit_of_work(engine) as session:
        results.define_kpi(
            session,
            admin,
            key,
            name="Handling time",
            kind="business",
            unit="minutes",
            direction="lower",
            baseline=9,
            target=7,
        )
        use_cases.move_stage(session, admin, key, "assessed")
    return key


def decide(engine, actor, key, **fields):
    defaults = {
        "gate": "pilot",
        "outcome": "go",
        "rationale": "Clear goal and baseline.",
        "decided_on": utc_now().date(),
        "charter": CHARTER,
    }
    with db.unit_of_work(engine) as session:
        return gates.record_gate_decision(session, actor, key, **(defaults | fields))


def test_a_go_at_the_pilot_gate_moves_the_use_case(engine, admin):
    key = assessed(engine, admin)
    decide(engine, admin, key)
    with Session(engine) as session:
        detail = use_cases.use_case_detail(session, key)
    assert detail.use_case["stage"] == "pilot"
    assert detail.gate_decisions[0]["rationale"] == "Clear goal and baseline."
    assert detail.timeline["to"].tolist() == ["proposed", "assessed", "pilot"]


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"rationale": ""}, InvalidInput, "Rationale is required"),
        ({"gate": "production"}, RuleViolation, "stages are not skipped"),
        ({"outcome": "maybe"}, InvalidInput, "Decision: choose one of"),
        ({"decided_on": utc_now().date() + timedelta(days=3)}, InvalidInput, "future"),
        ({"charter": None}, InvalidInput, "needs its charter"),
        (
            {"charter": CHARTER | {"planned_end_on": CHARTER["start_on"]}},
            InvalidInput,
            "after the start date",
        ),
    ],
)
def test_bad_gate_decisions_are_refused(engine, admin, fields, error, message):
    key = assessed(engine, admin)
    before = counts(engine)
    with pytest.raises(error, match=message):
        decide(engine, admin, key, **fields)
    assert counts(engine) == before


def test_a_prohibited_practice_never_enters_a_pilot(engine, admin):
    key = assessed(engine, admin, ai_act_tier="prohibited", ai_act_reason="Social scoring (Art. 5(1)(c)).")
    with pytest.raises(RuleViolation, match="prohibited practice"):
        decide(engine, admin, key)
    decide(engine, admin, key, outcome="no_go", rationale="Prohibited.", reject_on_no_go=True)
    with Session(engine) as session:
        assert use_cases.get_use_case(session, key).stage == "rejected"


def test_only_approvers_decide(engine, admin):
    key = assessed(engine, admin)
    rita = add_reviewer(engine, admin)
    with pytest.raises(NotAllowed, match="approver role"):
        decide(engine, rita, key)


def in_pilot_with_kpi(engine, admin, unit="%", baseline=0.0, target=30.0):
    key = assessed(engine, admin)
    decide(engine, admin, key)
    start = utc_now().date() - timedelta(days=100)
    with db.unit_of_work(engine) as session:
        kpi = results.define_kpi(
            session,
            admin,
            key,
            name="Automated resolution",
            kind="business",
            unit=unit,
            direction="higher",
            baseline=baseline,
            baseline_on=start,
            target=target,
            target_on=start + timedelta(days=200),
        )
    return key, kpi.id


def log(engine, admin, kpi_id, rows):
    with db.unit_of_work(engine) as session:
        return results.log_measurements(session, admin, kpi_id, rows)


def test_logging_measurements_keeps_the_latest_value_and_status(engine, admin):
    key, kpi_id = in_pilot_with_kpi(engine, admin)
    today = utc_now().date()
    log(
        engine,
        admin,
        kpi_id,
        [
            {"measured_on": today - timedelta(days=14), "value": 10},
            {"measured_on": today - timedelta(days=7), "value": 16},
        ],
    )
    with Session(engine) as session:
        kpi = session.get(Kpi, kpi_id)
        assert (kpi.latest_value, kpi.latest_on, status_of(kpi, today)) == (
            16,
            today - timedelta(days=7),
            "on_track",
        )
    log(engine, admin, kpi_id, [{"measured_on": today, "value": 31}])
    with Session(engine) as session:
        assert status_of(session.get(Kpi, kpi_id), today) == "achieved"
        assert len(results.measurements_for_use_case(session, key)) == 3


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"value": 140}, "between 0 and 100"),
        ({"value": "lots"}, "must be a number"),
        ({"value": float("nan")}, "Value"),
        ({"measured_on": date(2099, 1, 1)}, "in the future"),
        ({"measured_on": date(2999, 1, 1)}, "between 1970 and 2100"),
        ({"measured_on": date(1, 1, 1)}, "between 1970 and 2100"),
        ({"measured_on": "yesterday"}, "must be a date"),
    ],
)
def test_a_batch_with_a_bad_row_stores_nothing(engine, admin, row, message):
    _key, kpi_id = in_pilot_with_kpi(engine, admin)
    good = {"measured_on": utc_now().date() - timedelta(days=1), "value": 12}
    before = counts(engine)
    with pytest.raises(InvalidInput) as error:
        log(engine, admin, kpi_id, [good, {"measured_on": utc_now().date(), "value": 5} | row])
    assert message in error.value.problems["row 2"]
    assert counts(engine) == before


def test_duplicate_dates_are_refused(engine, admin):
    _key, kpi_id = in_pilot_with_kpi(engine, admin)
    day = utc_now().date() - timedelta(days=2)
    log(engine, admin, kpi_id, [{"measured_on": day, "value": 12}])
    with pytest.raises(InvalidInput, match="already has a value"):
        log(engine, admin, kpi_id, [{"measured_on": day, "value": 13}])
    with pytest.raises(InvalidInput, match="already has a value"):
        log(
            engine,
            admin,
            kpi_id,
            [
                {"measured_on": day - timedelta(days=1), "value": 1},
                {"measured_on": day - timedelta(days=1), "value": 2},
            ],
        )


def test_kpi_definitions_are_validated(engine, admin):
    key = assessed(engine, admin)
    with pytest.raises(InvalidInput, match="between 1 and 10"), db.unit_of_work(engine) as session:
        results.define_kpi(
            session,
            admin,
            key,
            name="CSAT",
            kind="trust",
            unit="score 1-10",
            direction="higher",
            baseline=7.5,
            target=11,
        )
    with pytest.raises(InvalidInput, match="after the baseline date"), db.unit_of_work(engine) as session:
        results.define_kpi(
            session,
            admin,
            key,
            name="CSAT",
            kind="trust",
            unit="score 1-10",
            direction="higher",
            baseline_on=date(2026, 5, 1),
            target_on=date(2026, 1, 1),
        )


def test_stopping_writes_the_lesson_in_the_same_step(engine, admin):
    key, _kpi = in_pilot_with_kpi(engine, admin)
    before = counts(engine)
    with pytest.raises(InvalidInput, match="What happened is required"), db.unit_of_work(engine) as session:
        lessons.stop_with_lesson(session, admin, key, reason="Not working", **(LESSON | {"happened": ""}))
    assert counts(engine) == before
    with db.unit_of_work(engine) as session:
        lessons.stop_with_lesson(session, admin, key, reason="Customers wanted a person", **LESSON)
    with Session(engine) as session:
        assert session.exec(select(UseCase.stage)).one() == "stopped"
        assert session.exec(select(Lesson.title)).one() == "Customers wanted a person"


def test_lessons_cannot_stop_what_is_only_proposed(engine, admin):
    key = propose(engine, admin)
    with (
        pytest.raises(RuleViolation, match="can be stopped; reject it instead"),
        db.unit_of_work(engine) as session,
    ):
        lessons.stop_with_lesson(session, admin, key, reason="", **LESSON)
