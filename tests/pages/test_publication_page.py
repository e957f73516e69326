"""The use case page's public-register toggle (AppTest)."""

from sqlmodel import Session, select

from portfolio import db
from portfolio.models import AuditEvent, UseCase
from portfolio.services import people
from tests.services.factories import propose


def test_an_approver_shows_a_use_case_on_the_public_register(app_for, database_url):
    engine = db.make_engine(database_url)
    with db.unit_of_work(engine) as session:
        admin = people.ensure_local_person(session, email="admin@example.org", name="Local administrator")
    key = propose(engine, admin, title="Claims triage")
    at = app_for(database_url, "pages/use_case.py")
    assert not at.exception
    toggle = at.toggle(key="publish_1_1")
    assert toggle.value is False
    toggle.set_value(True).run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        stored = session.exec(select(UseCase).where(UseCase.key == key)).one()
        assert stored.publish and stored.version == 2
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "use_case.updated")).one()
    # The page now shows the new version's toggle, on.
    assert at.toggle(key="publish_1_2").value is True
    engine.dispose()
