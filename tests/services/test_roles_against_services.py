"""Each role against each write service: the person holding the role needed may, everyone else (even someone
holding every other role) is refused with a sentence naming the role, and nothing is stored."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import NotAllowed
from portfolio.models import Measurement, Role, utc_now
from portfolio.services import assessments, gates, kpi_edits, lessons, people, pipeline, results, use_cases
from tests.conftest import counts
from tests.services.factories import propose, score_all
from tests.services.test_propose_and_score import criteria_rows
from tests.services.test_scoring_gates_results import assessed, decide

TODAY = utc_now().date()
LESSON = {
    "title": "Customers wanted a person",
    "tried": "A chat assistant.",
    "happened": "Customers asked for a person.",
    "outcome": "failure",
    "category": "adoption",
}


@dataclass
class World:
    proposed: str
    ready_for_gate: str
    in_pilot: str
    kpi_id: int
    measurement_id: int


def build(engine, admin) -> World:
    proposed = propose(engine, admin, title="Menu allergen assistant")
    ready = assessed(engine, admin, title="Shelf labels")
    piloting = assessed(engine, admin, title="Service desk assistant")
    decide(engine, admin, piloting)
    with db.unit_of_work(engine) as session:
        kpi_id = results.kpi_choices(session, piloting)[0][0]
        results.log_measurements(
            session, admin, kpi_id, [{"measured_on": TODAY - timedelta(days=2), "value": 8}]
        )
    with Session(engine) as session:
        measurement_id = session.exec(select(Measurement.id).where(Measurement.kpi_id == kpi_id)).one()
    return World(proposed, ready, piloting, kpi_id, measurement_id)


SERVICES: dict[str, tuple[Role, Callable[[Session, Any, World], Any]]] = {
    "propose a use case": (
        Role.contributor,
        lambda s, a, w: use_cases.propose_use_case(
            s, a, **propose.fields(a, owner_id=1, title="Price labels")
        ),
    ),
    "edit a use case": (
        Role.contributor,
        lambda s, a, w: use_cases.update_use_case(
            s, a, w.proposed, expected_version=1, team="Front of house"
        ),
    ),
    "define a KPI": (
        Role.contributor,
        lambda s, a, w: results.define_kpi(
            s, a, w.proposed, name="Complaints", kind="trust", unit="count", direction="lower", baseline=10
        ),
    ),
    "log results": (
        Role.contributor,
        lambda s, a, w: results.log_measurements(s, a, w.kpi_id, [{"measured_on": TODAY, "value": 7.5}]),
    ),
    "correct a result": (
        Role.contributor,
        lambda s, a, w: results.correct_measurement(
            s, a, w.measurement_id, expected_version=1, value=7.9, reason="Typo"
        ),
    ),
    "write a lesson": (Role.contributor, lambda s, a, w: lessons.record_lesson(s, a, w.in_pilot, **LESSON)),
    "score a use case": (
        Role.reviewer,
        lambda s, a, w: assessments.record_assessment(s, a, w.proposed, score_all(3)),
    ),
    "record a gate decision": (
        Role.approver,
        lambda s, a, w: gates.record_gate_decision(
            s,
            a,
            w.ready_for_gate,
            gate="pilot",
            outcome="hold",
            rationale="Wait for the second region.",
            decided_on=TODAY,
        ),
    ),
    "decide on a pilot": (
        Role.approver,
        lambda s, a, w: gates.extend_or_pause_pilot(
            s,
            a,
            w.in_pilot,
            decision="pause",
            reason="Peak season",
            decided_on=TODAY,
            new_decision_on=TODAY + timedelta(days=200),
        ),
    ),
    "stop a use case": (
        Role.approver,
        lambda s, a, w: lessons.stop_with_lesson(s, a, w.in_pilot, reason="No uptake", **LESSON),
    ),
    "add a person": (
        Role.administrator,
        lambda s, a, w: people.create_person(s, a, name="Ana New", email="ana.new@example.org"),
    ),
    "change roles": (Role.administrator, lambda s, a, w: people.set_roles(s, a, 1, list(Role))),
    "change the scoring model": (
        Role.administrator,
        lambda s, a, w: assessments.create_model_version(
            s, a, criteria=criteria_rows(), expected_version=1, name="Model v2"
        ),
    ),
    "change a gate checklist": (
        Role.administrator,
        lambda s, a, w: gates.replace_checklist(
            s, a, "pilot", [{"key": "sign_off", "label": "Board sign-off"}]
        ),
    ),
    "change time limits": (
        Role.administrator,
        lambda s, a, w: pipeline.set_stage_limits(s, a, {"pilot": 150}),
    ),
    "edit a KPI": (
        Role.contributor,
        lambda s, a, w: kpi_edits.edit_kpi(
            s, a, w.kpi_id, expected_version=results.get_kpi(s, w.kpi_id).version, method="Weekly survey"
        ),
    ),
    "retire a KPI": (
        Role.contributor,
        lambda s, a, w: kpi_edits.retire_kpi(
            s, a, w.kpi_id, expected_version=results.get_kpi(s, w.kpi_id).version, reason="Replaced"
        ),
    ),
    "change the hourly rate": (Role.administrator, lambda s, a, w: results.set_hourly_rate(s, a, 50)),
}


def person_with(engine, admin, roles: list[str], email: str):
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name=email.split("@")[0].title(), email=email, roles=roles)
        return people.actor_for(session, email)


@pytest.mark.parametrize("service", list(SERVICES))
def test_only_the_role_needed_may_use_the_service(engine, admin, service):
    needed, call = SERVICES[service]
    world = build(engine, admin)
    others = [r.value for r in Role if r != needed]
    everything_else = person_with(engine, admin, others, "everything.else@example.org")
    viewer = person_with(engine, admin, ["viewer"], "viewer@example.org")
    holder = person_with(engine, admin, [needed.value], "holder@example.org")

    before = counts(engine)
    for refused in (viewer, everything_else):
        with (
            pytest.raises(NotAllowed, match=f"needs the {needed.label.lower()} role"),
            db.unit_of_work(engine) as session,
        ):
            call(session, refused, world)
        assert counts(engine) == before, f"{service}: something was stored for a refused person"

    with db.unit_of_work(engine) as session:
        call(session, holder, world)
    with Session(engine) as session:
        assert db.read_revision(session) > 0
    assert counts(engine)["audit_event"] > before["audit_event"], f"{service}: no audit event"
