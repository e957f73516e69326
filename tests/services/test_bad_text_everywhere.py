"""Every service refuses text no one should store (too long, broken, with a null byte) and stores nothing."""

from datetime import timedelta

import pytest

from portfolio import db
from portfolio.errors import InvalidInput
from portfolio.models import utc_now
from portfolio.services import lessons, people, results
from tests.conftest import counts
from tests.services.factories import propose
from tests.services.test_scoring_gates_results import LESSON, assessed, decide

BAD_TEXT = {"100,000 characters": "x" * 100_000, "broken unicode": "Caf\udce9", "null byte": "a\x00b"}


@pytest.fixture(params=list(BAD_TEXT), ids=list(BAD_TEXT))
def bad(request):
    return BAD_TEXT[request.param]


def refused(engine, write):
    before = counts(engine)
    with pytest.raises(InvalidInput) as error, db.unit_of_work(engine) as session:
        write(session)
    assert all(message.strip() for message in error.value.problems.values())
    assert counts(engine) == before


def test_people(engine, admin, bad):
    refused(engine, lambda s: people.create_person(s, admin, name=bad, email="new@example.org"))


def test_lessons(engine, admin, bad):
    key = propose(engine, admin)
    refused(engine, lambda s: lessons.record_lesson(s, admin, key, **(LESSON | {"happened": bad})))


def test_kpis_and_results(engine, admin, bad):
    key = propose(engine, admin)
    refused(
        engine,
        lambda s: results.define_kpi(s, admin, key, name=bad, kind="business", unit="%", direction="higher"),
    )
    with db.unit_of_work(engine) as session:
        kpi_id = results.define_kpi(
            session, admin, key, name="Resolution", kind="business", unit="%", direction="higher"
        ).id
    refused(
        engine,
        lambda s: results.log_measurements(
            s, admin, kpi_id, [{"measured_on": utc_now().date() - timedelta(days=1), "value": 5, "note": bad}]
        ),
    )


def test_gate_rationale(engine, admin, bad):
    key = assessed(engine, admin)
    before = counts(engine)
    with pytest.raises(InvalidInput):
        decide(engine, admin, key, rationale=bad)
    assert counts(engine) == before
