"""Sign-in and local mode as the app shows them (AppTest). A real provider and browser: tests/e2e/test_sign_in.py."""

import re

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from portfolio import db
from portfolio.models import AuditEvent, Person
from portfolio.services import people
from tests.conftest import counts
from tests.pages.conftest import APP, LOCAL_EMAIL, seed
from tests.unit.test_identity import COMPLETE


@pytest.fixture
def app_signed_in(monkeypatch):
    """`app_signed_in(url, user, page=None, auth=COMPLETE, **env)`: the app with sign-in configured, `user` as
    st.user gives it (None: nobody signed in)."""

    def run(
        url: str, user: dict | None, page: str | None = None, auth: dict | None = COMPLETE, **env
    ) -> AppTest:
        monkeypatch.setenv("PORTFOLIO_DATABASE_URL", url)
        monkeypatch.setenv("PORTFOLIO_DEMO_ON_FIRST_START", "false")
        monkeypatch.setenv("PORTFOLIO_LOCAL_PERSON_EMAIL", LOCAL_EMAIL)
        monkeypatch.delenv("PORTFOLIO_REQUIRE_SIGN_IN", raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        seed(url)
        at = AppTest.from_file(APP, default_timeout=60)
        if auth is not None:
            at.secrets["auth"] = auth
        at.user = {"is_logged_in": False} if user is None else {"is_logged_in": True} | user
        if page:
            at.switch_page(page)
        return at.run()

    return run


def nia(**claims) -> dict:
    return {"email": "nia@example.org", "email_verified": True, "name": "Nia Okafor"} | claims


def unmarked(text: str) -> str:
    """Markdown as read: escapes and bold marks removed."""
    return re.sub(r"\\(.)", r"\1", text).replace("**", "")


def sidebar_text(at: AppTest) -> str:
    return unmarked(" ".join(str(e.value) for e in [*at.sidebar.markdown, *at.sidebar.caption]))


def captions(at: AppTest) -> str:
    return unmarked(" ".join(c.value for c in at.caption))


def test_nobody_signed_in_sees_only_the_sign_in_screen(app_signed_in, database_url):
    at = app_signed_in(database_url, None)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert at.title[0].value == "AI Pilot Portfolio"
    assert not at.selectbox  # no "Acting as", no portfolio
    at = app_signed_in(database_url, None, page="pages/people.py")
    assert [b.label for b in at.button] == ["Sign in"] and not at.dataframe


def test_a_first_sign_in_registers_a_viewer(app_signed_in, database_url, engine):
    seed(database_url)
    before = counts(engine)
    at = app_signed_in(database_url, nia())
    assert not at.exception
    assert at.title[0].value == "Overview"  # the home page
    assert "Nia Okafor" in sidebar_text(at) and "Viewer" in sidebar_text(at)
    assert [b.label for b in at.sidebar.button] == ["Sign out"]
    assert not [s for s in at.selectbox if s.label == "Acting as"]
    assert "Local mode" not in captions(at)
    after = counts(engine)
    assert after["person"] == before["person"] + 1 and after["audit_event"] == before["audit_event"] + 1
    with Session(engine) as session:
        person = session.exec(select(Person).where(Person.email == "nia@example.org")).one()
        assert people.roles_of(session, person.id) == {"viewer"}
        event = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.actor_name) == ("person.registered", "Nia Okafor")
    # The next visit finds her and writes nothing.
    again = counts(engine)
    app_signed_in(database_url, nia())
    assert counts(engine) == again


def test_a_viewer_cannot_reach_administrator_or_approver_pages(app_signed_in, database_url):
    at = app_signed_in(database_url, nia(), page="pages/people.py")
    assert not at.exception
    assert at.title[0].value == "Overview"  # the people page is not in her navigation: the app opens its home
    at = app_signed_in(database_url, nia(), page="pages/propose.py")
    assert at.title[0].value == "Overview"


def test_the_local_administrators_email_signs_in_as_the_administrator(app_signed_in, database_url):
    at = app_signed_in(
        database_url, {"email": LOCAL_EMAIL, "email_verified": True, "name": "Admin"}, "pages/people.py"
    )
    assert not at.exception
    assert at.title[0].value == "People and roles"
    assert "Administrator" in sidebar_text(at)


def test_a_deployment_that_admits_no_new_people_refuses_an_unknown_email(app_signed_in, database_url, engine):
    seed(database_url)
    before = counts(engine)
    at = app_signed_in(database_url, nia(), PORTFOLIO_ADMIT_NEW_PEOPLE="false")
    assert not at.exception
    assert "nobody with that e-mail is registered" in at.error[0].value
    assert [b.label for b in at.button] == ["Sign out"]
    assert counts(engine) == before


def test_an_unverified_email_is_refused_and_gets_nobodys_roles(app_signed_in, database_url, engine):
    seed(database_url)
    before = counts(engine)
    at = app_signed_in(database_url, nia(email=LOCAL_EMAIL, email_verified=False))
    assert "has not verified" in at.error[0].value
    assert not at.dataframe and counts(engine) == before


def test_an_expired_sign_in_asks_to_sign_in_again(app_signed_in, database_url):
    at = app_signed_in(database_url, nia(exp=1_000_000_000))
    assert "expired" in at.error[0].value
    assert [b.label for b in at.button] == ["Sign in"]


def test_sign_in_required_but_not_configured_refuses_to_start(app_signed_in, database_url, engine, backend):
    if backend == "sqlite":
        at = app_signed_in(database_url, None, auth=None, PORTFOLIO_REQUIRE_SIGN_IN="true")
        assert "PORTFOLIO_REQUIRE_SIGN_IN is true" in at.error[0].value
    else:  # PostgreSQL requires sign-in unless told otherwise
        at = app_signed_in(database_url, None, auth=None)
        assert "the database is PostgreSQL" in at.error[0].value
    assert not at.exception
    assert at.title[0].value == "AI Pilot Portfolio cannot start"
    assert "[auth] section to .streamlit/secrets.toml" in at.error[0].value
    assert not at.button and not at.dataframe


def test_an_incomplete_sign_in_setup_refuses_to_start(app_signed_in, database_url):
    broken = {k: v for k, v in COMPLETE.items() if k != "client_secret"}
    at = app_signed_in(database_url, nia(), auth=broken)
    assert "Missing: [auth] client_secret" in at.error[0].value
    assert not at.dataframe


def test_local_mode_says_who_is_acting_on_every_page_and_writes_nothing(app_for, demo_url):
    from portfolio.ui.navigation import PAGES

    engine = db.make_engine(demo_url)
    app_for(demo_url)  # the app has started on this database (and the fixture set the environment)
    before = counts(engine)
    with Session(engine) as session:
        revision = db.read_revision(session)
    for spec in PAGES:
        at = AppTest.from_file(APP, default_timeout=60)
        at.switch_page(spec.script).run()
        assert not at.exception, spec.script
        assert "Local mode: acting as Local administrator" in captions(at), spec.script
    assert counts(engine) == before
    with Session(engine) as session:
        assert db.read_revision(session) == revision  # not one write, not even an empty one
    engine.dispose()


def test_local_mode_acts_as_the_person_in_the_address(app_for, database_url, admin, engine, monkeypatch):
    with db.unit_of_work(engine) as session:
        people.create_person(
            session, admin, name="Rita Reviewer", email="rita@example.org", roles=["reviewer"]
        )
    at = AppTest.from_file(APP, default_timeout=60)
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", database_url)
    monkeypatch.setenv("PORTFOLIO_REQUIRE_SIGN_IN", "false")
    monkeypatch.setenv("PORTFOLIO_LOCAL_PERSON_EMAIL", LOCAL_EMAIL)
    at.query_params["as"] = "rita@example.org"
    at.run()
    assert not at.exception
    assert at.selectbox(key="acting_as").value == "rita@example.org"
    assert "acting as Rita Reviewer" in captions(at)
    assert at.query_params["as"] == "rita@example.org"
    # Choosing the local administrator again takes the person out of the address.
    at.selectbox(key="acting_as").set_value(LOCAL_EMAIL).run()
    assert "as" not in at.query_params


def test_local_mode_with_an_unknown_person_in_the_address_says_so(app_for, database_url, monkeypatch):
    app_for(database_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as"] = "ghost@example.org"
    at.run()
    assert not at.exception
    assert "Nobody with the e-mail ghost@example.org is registered" in unmarked(at.sidebar.warning[0].value)
    assert "acting as Local administrator" in captions(at)
