"""The audit trail is append-only in the database itself: UPDATE and DELETE are refused by a trigger."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from portfolio import db


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor_name = 'Somebody else'",
        "UPDATE audit_event SET after = NULL WHERE action = 'person.created'",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE action = 'person.created'",
    ],
)
def test_a_direct_sql_session_cannot_rewrite_the_audit_trail(engine, admin, statement):
    with engine.connect() as connection:
        before = connection.execute(text("SELECT id, actor_name, after FROM audit_event ORDER BY id")).all()
    assert before, "the admin fixture records events"
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT id, actor_name, after FROM audit_event ORDER BY id")).all()
            == before
        )


def test_new_events_are_still_recorded(engine, admin):
    from portfolio.services import people

    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Ana New", email="ana@example.org")
    with engine.connect() as connection:
        actions = connection.execute(text("SELECT action FROM audit_event")).scalars().all()
    assert "person.created" in actions


def test_the_trigger_goes_with_a_downgrade_and_comes_back(engine, admin):
    db.downgrade(engine, "0004")  # the revision before the trigger, whatever comes after
    db.downgrade(engine, "0004")  # the revision before the trigger (later migrations stack on top)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET actor_name = actor_name"))  # allowed without it
    db.upgrade(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET actor_name = actor_name"))
