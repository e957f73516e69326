"""Issue 4 through the services: checklists and overrides, charters, pilot reviews, stopping, limits, board."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import InvalidInput, NotAllowed, RuleViolation
from portfolio.models import GateDecision, PilotCharter, PilotReview, UseCase, utc_now
from portfolio.services import gates, lessons, people, pipeline, results, use_cases
from tests.conftest import counts
from tests.services.test_scoring_gates_results import CHARTER, LESSON, assessed, decide, log

TODAY = utc_now().date()


def test_a_go_with_an_unmet_item_is_refused_until_overridden(engine, admin):
    key = assessed(engine, admin, customer_facing=True, ai_disclosure=True, human_path=False)
    before = counts(engine)
    with pytest.raises(InvalidInput) as refused:
        decide(engine, admin, key)
    message = str(refused.value)
    assert set(refused.value.problems) == {"override.human_path", "override.trust_kpi"}
    assert "Customers can always reach a person" in message and "At least one customer-trust KPI" in message
    assert counts(engine) == before
    decide(
        engine,
        admin,
        key,
        overrides={
            "human_path": "Phone line staffed from week 2 of the pilot.",
            "trust_kpi": "Satisfaction survey starts in week 1.",
        },
    )
    with Session(engine) as session:
        decision = session.exec(select(GateDecision)).one()
        assert {o["key"] for o in decision.overrides} == {"human_path", "trust_kpi"}
        state = {item["key"]: item["met"] for item in decision.checklist}
        assert (
            state["human_path"] is False and state["pilot_charter"] is True and state["scored_by_two"] is True
        )
        assert session.exec(select(UseCase.stage)).one() == "pilot"


def test_the_checklist_is_kept_as_it_stood_at_decision_time(engine, admin):
    key = assessed(engine, admin)
    decide(engine, admin, key)
    with db.unit_of_work(engine) as session:
        gates.replace_checklist(
            session, admin, "pilot", [{"key": "board_sign_off", "label": "Board sign-off"}]
        )
    with Session(engine) as session:
        decision = session.exec(select(GateDecision)).one()
        assert "board_sign_off" not in {item["key"] for item in decision.checklist}
        assert [i.key for i in gates.checklist_items(session, "pilot")] == ["board_sign_off"]


def test_manual_items_are_confirmed_by_the_approver(engine, admin):
    key = assessed(engine, admin, personal_data="Customer names and order history.")
    with pytest.raises(InvalidInput, match="Data protection impact assessment"):
        decide(engine, admin, key)
    decide(engine, admin, key, confirmed={"dpia": True})


@pytest.mark.parametrize(
    ("outcome", "reject", "stage"),
    [("hold", False, "assessed"), ("no_go", False, "assessed"), ("no_go", True, "rejected")],
)
def test_hold_and_no_go(engine, admin, outcome, reject, stage):
    key = assessed(engine, admin)
    decide(engine, admin, key, outcome=outcome, reject_on_no_go=reject, charter=None, rationale="Not yet.")
    with Session(engine) as session:
        assert session.exec(select(UseCase.stage)).one() == stage
        assert session.exec(select(GateDecision.outcome)).one() == outcome
        assert session.exec(select(PilotCharter)).first() is None


def test_checklists_are_validated_and_only_administrators_change_them(engine, admin):
    with pytest.raises(InvalidInput, match="automatic checks"), db.unit_of_work(engine) as session:
        gates.replace_checklist(session, admin, "pilot", [{"key": "x", "label": "X", "rule": "vibes"}])
    with pytest.raises(InvalidInput, match="used twice"), db.unit_of_work(engine) as session:
        gates.replace_checklist(
            session, admin, "pilot", [{"key": "x", "label": "X"}, {"key": "x", "label": "Y"}]
        )
    with pytest.raises(InvalidInput, match="at least one"), db.unit_of_work(engine) as session:
        gates.replace_checklist(session, admin, "pilot", [])
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Ann Approver", email="ann@example.org", roles=["approver"])
        ann = people.actor_for(session, "ann@example.org")
    with pytest.raises(NotAllowed, match="administrator role"), db.unit_of_work(engine) as session:
        gates.replace_checklist(session, ann, "pilot", [{"key": "x", "label": "X"}])


def in_pilot(engine, admin):
    key = assessed(engine, admin)
    decide(engine, admin, key)
    return key


def review(engine, admin, key, **fields):
    with db.unit_of_work(engine) as session:
        return gates.extend_or_pause_pilot(session, admin, key, **({"decided_on": TODAY} | fields))


def test_iterating_extends_the_pilot_and_counts_extensions(engine, admin):
    key = in_pilot(engine, admin)
    review(
        engine,
        admin,
        key,
        decision="iterate",
        reason="Too few conversations yet.",
        new_end_on=CHARTER["planned_end_on"] + timedelta(days=30),
        new_decision_on=CHARTER["planned_end_on"] + timedelta(days=40),
    )
    review(
        engine,
        admin,
        key,
        decision="pause",
        reason="Vendor outage.",
        new_decision_on=TODAY + timedelta(days=200),
    )
    with Session(engine) as session:
        charter = session.exec(select(PilotCharter)).one()
        assert charter.extensions == 1 and charter.paused
        assert charter.planned_end_on == CHARTER["planned_end_on"] + timedelta(days=30)
        assert sorted(gates.pilot_reviews(session, key)["decision"]) == [
            "Iterate (extend the pilot)",
            "Pause",
        ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {
                "decision": "iterate",
                "reason": "More time",
                "new_end_on": CHARTER["planned_end_on"],
                "new_decision_on": CHARTER["decision_on"] + timedelta(days=10),
            },
            "new end date after the current one",
        ),
        ({"decision": "iterate", "reason": "More time"}, "new decision date"),
        ({"decision": "pause", "reason": ""}, "Reason is required"),
        (
            {"decision": "scale", "reason": "Works", "new_decision_on": TODAY + timedelta(days=5)},
            "Scale-up gate",
        ),
    ],
)
def test_bad_pilot_reviews_are_refused(engine, admin, fields, message):
    key = in_pilot(engine, admin)
    before = counts(engine)
    with pytest.raises((InvalidInput, RuleViolation), match=message):
        review(engine, admin, key, **fields)
    assert counts(engine) == before


def test_scaling_and_stopping_are_logged_as_pilot_reviews(engine, admin):
    scaled, stopped = in_pilot(engine, admin), in_pilot(engine, admin)
    with Session(engine) as session:
        kpi_id = results.get_kpi(session, 1).id
    log(engine, admin, kpi_id, [{"measured_on": TODAY, "value": 8}])
    decide(
        engine,
        admin,
        scaled,
        gate="scale_up",
        charter=None,
        confirmed={"pilot_evidence": True},
        overrides={},
        rationale="Handling time down 11% over 10 weeks.",
    )
    with db.unit_of_work(engine) as session:
        lessons.stop_with_lesson(session, admin, stopped, reason="Customers wanted a person", **LESSON)
    with Session(engine) as session:
        assert sorted(session.exec(select(PilotReview.decision)).all()) == ["scale", "stop"]
        assert use_cases.get_use_case(session, scaled).stage == "scale_up"


def test_the_scale_up_gate_needs_results_compared_with_targets(engine, admin):
    key = in_pilot(engine, admin)
    with pytest.raises(InvalidInput, match="KPI results logged and compared"):
        decide(engine, admin, key, gate="scale_up", charter=None, confirmed={"pilot_evidence": True})


def test_who_may_decide(engine, admin):
    key = in_pilot(engine, admin)
    with db.unit_of_work(engine) as session:
        people.create_person(
            session, admin, name="Cody", email="cody@example.org", roles=["contributor", "reviewer"]
        )
        cody = people.actor_for(session, "cody@example.org")
    with pytest.raises(NotAllowed, match="approver role"):
        review(engine, cody, key, decision="pause", reason="x", new_decision_on=TODAY + timedelta(days=5))
    with pytest.raises(NotAllowed, match="approver role"), db.unit_of_work(engine) as session:
        lessons.stop_with_lesson(session, cody, key, reason="x", **LESSON)
    with pytest.raises(NotAllowed, match="approver role"), db.unit_of_work(engine) as session:
        use_cases.move_stage(session, cody, key, "assessed", reason="Back to the drawing board")


def test_stage_limits_are_configurable(engine, admin):
    with db.unit_of_work(engine) as session:
        pipeline.set_stage_limits(session, admin, {"pilot": 90, "assessed": 30})
    with Session(engine) as session:
        limits = pipeline.stage_limits(session)
        assert limits[pipeline.Stage.pilot] == 90 and limits[pipeline.Stage.proposed] == 60
    for bad, message in (
        ({"pilot": 0}, "between 1 and"),
        ({"pilot": "soon"}, "whole number"),
        ({"retired": 10}, "has no time limit"),
    ):
        with pytest.raises(InvalidInput, match=message), db.unit_of_work(engine) as session:
            pipeline.set_stage_limits(session, admin, bad)


def test_the_board_puts_flagged_use_cases_first(demo_url):
    engine = db.make_engine(demo_url)
    with Session(engine) as session:
        board = pipeline.board(session)
        assert len(board) == 36
        flagged = board[board["flagged"]]
        assert not flagged.empty and board["flagged"].iloc[: len(flagged)].all()
        purgatory = board.set_index("key").loc["UC-0009"]
        assert any("Pilot purgatory" in f for f in purgatory["flags"]) and purgatory["actions"] == [
            "review",
            "gate",
            "stop",
        ]
        extended = board.set_index("key").loc["UC-0003"]
        assert extended["extensions"] == 1
        retail = pipeline.board(session, pipeline.BoardFilter(sectors=("retail",), quadrants=("avoid",)))
        assert set(retail["key"]) == {"UC-0012", "UC-0015"}
    engine.dispose()


def test_the_portfolio_counts_stuck_pilots_by_the_configured_limit(demo_url):
    engine = db.make_engine(demo_url)
    with Session(engine) as session:
        table = use_cases.portfolio_table(session)
        board = pipeline.board(session)
    engine.dispose()
    in_pilot = table[table["stage"] == "pilot"]
    assert use_cases.summarise(table, 180).stuck_pilots == int((in_pilot["days_in_stage"] > 180).sum()) >= 1
    assert use_cases.summarise(table, 30).stuck_pilots == len(in_pilot)
    pilots = board[board["stage"] == "pilot"]
    assert pilots["flagged"].equals(pilots["decision_overdue"] | pilots["over_limit"])
    assert pilots["over_limit"].sum() == use_cases.summarise(table, 180).stuck_pilots
