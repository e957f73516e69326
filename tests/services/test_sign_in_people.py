"""Finding the acting person only reads; a first sign-in is an explicit, audited write as a viewer."""

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import NotAllowed
from portfolio.models import AuditEvent, Person, Role
from portfolio.services import people
from tests.conftest import counts


def test_finding_a_person_never_writes(engine, admin):
    before = counts(engine)
    with Session(engine) as session:
        revision = db.read_revision(session)
        assert people.find_actor(session, "nobody@example.org") is None
        found = people.find_actor(session, admin.email.upper())
    assert found.id == admin.id and Role.administrator in found.roles
    assert counts(engine) == before
    with Session(engine) as session:
        assert db.read_revision(session) == revision


def test_an_unknown_email_gets_nobodys_roles(engine, admin):
    with Session(engine) as session:
        assert people.find_actor(session, "admin@example.org.evil.test") is None
        assert people.find_actor(session, "") is None


def test_a_first_sign_in_registers_a_viewer_under_their_own_name(engine, admin):
    with db.unit_of_work(engine) as session:
        newcomer = people.register_on_first_sign_in(session, email="Nia@Example.org", name="Nia Okafor")
    assert newcomer.email == "nia@example.org" and newcomer.roles == frozenset({Role.viewer})
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "person.registered")).one()
        assert event.actor_id == newcomer.id and event.actor_name == "Nia Okafor"
        assert event.after["roles"] == ["viewer"] and event.after["email"] == "nia@example.org"
        assert people.roles_of(session, newcomer.id) == {"viewer"}
    # Signing in again (or in a second tab at once) registers nobody twice.
    with db.unit_of_work(engine) as session:
        again = people.register_on_first_sign_in(session, email="nia@example.org", name="Nia Okafor")
    assert again.id == newcomer.id
    with Session(engine) as session:
        assert len(session.exec(select(Person).where(Person.email == "nia@example.org")).all()) == 1


def test_a_viewer_registered_at_sign_in_cannot_make_herself_an_administrator(engine, admin):
    with db.unit_of_work(engine) as session:
        nia = people.register_on_first_sign_in(session, email="nia@example.org", name="Nia Okafor")
    before = counts(engine)
    with pytest.raises(NotAllowed, match="administrator"), db.unit_of_work(engine) as session:
        people.set_roles(session, nia, nia.id, ["viewer", "administrator"])
    assert counts(engine) == before


def test_a_person_no_longer_active_cannot_act(engine, admin):
    with db.unit_of_work(engine) as session:
        person = people.create_person(session, admin, name="Old Timer", email="old@example.org")
        person.is_active = False
    with Session(engine) as session, pytest.raises(NotAllowed, match="no longer an active person"):
        people.find_actor(session, "old@example.org")
