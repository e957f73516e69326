"""Issue 9: what is waiting for each person (reviewers, approvers, owners), read the same way everywhere."""

from datetime import timedelta

from sqlmodel import Session

from portfolio import db
from portfolio.models import utc_now
from portfolio.services import gates, people, queues, results
from tests.services.factories import propose, score_all
from tests.services.test_scoring_gates_results import CHARTER, add_reviewer, assessed, decide, score

TODAY = utc_now().date()


def test_a_reviewer_sees_what_they_have_not_scored_fewest_reviewers_first(engine, admin):
    first = propose(engine, admin, title="Shift planning assistant")
    second = propose(engine, admin, title="Returns fraud detection")
    rita = add_reviewer(engine, admin)
    score(engine, admin, first, score_all(3))
    with Session(engine) as session:
        mine = queues.not_scored_by(session, rita.id)
        admins = queues.not_scored_by(session, admin.id)
    assert [item.key for item in mine.shown] == [second, first] and mine.total == 2
    assert mine.shown[0].why == "Not scored yet" and mine.shown[1].why == "Scored by 1 reviewer so far"
    assert [item.key for item in admins.shown] == [second] and admins.total == 1


def test_a_hold_waits_on_the_owner_until_a_new_decision(engine, admin):
    key = assessed(engine, admin, customer_facing=True, ai_disclosure=True, human_path=True)
    decide(engine, admin, key, outcome="hold", charter=None, rationale="Needs a trust KPI first.")
    with Session(engine) as session:
        hold = queues.hold_for(session, key)
        waiting = queues.waiting_for(session, admin.id)
    assert hold is not None and hold.missing == ("At least one customer-trust KPI",)
    assert hold.assigned_to == admin.name and hold.resolved == ()
    assert [h.key for h in waiting.assigned.shown] == [key]
    assert [i.key for i in waiting.decisions_due.shown] == [key]
    assert waiting.decisions_due.shown[0].why == "On hold: 1 item still missing"

    with db.unit_of_work(engine) as session:
        results.define_kpi(
            session, admin, key, name="Satisfaction", kind="trust", unit="score 1-10", direction="higher"
        )
    with Session(engine) as session:
        hold = queues.hold_for(session, key)
        assert hold.missing == () and hold.resolved == ("At least one customer-trust KPI",)
        assert queues.decisions_due(session).shown[0].why == "On hold: every missing item is now met"

    decide(engine, admin, key)
    with Session(engine) as session:
        assert queues.hold_for(session, key) is None
        assert queues.waiting_for(session, admin.id).assigned.total == 0


def test_approvers_see_pilot_decisions_due_and_others_see_none(engine, admin):
    key = assessed(engine, admin)
    soon = CHARTER | {"decision_on": TODAY + timedelta(days=10)}
    soon["planned_end_on"] = TODAY + timedelta(days=5)
    decide(engine, admin, key, charter=soon)
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Cody", email="cody@example.org", roles=["contributor"])
        cody = people.actor_for(session, "cody@example.org")
    with Session(engine) as session:
        due = queues.decisions_due(session)
        assert [(i.key, i.why, i.due_on) for i in due.shown] == [
            (key, "Pilot decision due", soon["decision_on"])
        ]
        assert queues.waiting_for(session, cody.id).count == 0
        assert gates.owner_name(session, key) == admin.name


def test_holds_follow_the_pilots_and_count_where_the_list_has_no_room(engine, admin):
    held = assessed(engine, admin, customer_facing=True, ai_disclosure=True, human_path=True)
    decide(engine, admin, held, outcome="hold", charter=None, rationale="Needs a trust KPI first.")
    pilot = assessed(engine, admin)
    soon = CHARTER | {"decision_on": TODAY + timedelta(days=5), "planned_end_on": TODAY + timedelta(days=2)}
    decide(engine, admin, pilot, charter=soon)
    with Session(engine) as session:
        both = queues.decisions_due(session)
        first = queues.decisions_due(session, limit=1)
        waiting = queues.waiting_for(session, admin.id, limit=1)
    assert [(i.key, i.why) for i in both.shown] == [
        (pilot, "Pilot decision due"),
        (held, "On hold: 1 item still missing"),
    ]
    assert [i.key for i in first.shown] == [pilot] and first.total == 2 and first.more == 1
    assert waiting.decisions_due == first and waiting.count == 2 + waiting.to_score.total + 1
