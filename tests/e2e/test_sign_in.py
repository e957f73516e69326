"""Sign-in through a real OpenID Connect provider, run locally for the test (oidc-provider-mock), in a real
browser: a first-time visitor lands as a viewer and cannot reach or trigger what needs more; an administrator
changes a role, recorded under their name; both sign out. On SQLite and on PostgreSQL (which requires
sign-in by default, so this server runs without PORTFOLIO_REQUIRE_SIGN_IN)."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.conftest import TEST_POSTGRES_URL, _drop_postgres_database
from tests.e2e.conftest import (
    PortTaken,
    free_port,
    fresh_database,
    launch_app,
    open_context,
    settle,
    stop_app,
    wait_for_app_run,
)
from tests.e2e.test_propose_and_score_journey import choose

pytestmark = pytest.mark.e2e

VIEWER = {"email": "nia.okafor@meridian.example", "email_verified": True, "name": "Nia Okafor"}
ADMINISTRATOR = {"email": "admin@example.org", "email_verified": True, "name": "Local administrator"}


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A real OpenID Connect provider on a port the system assigns, offering two people to sign in as with one
    click."""
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub="nia", claims=VIEWER), User(sub="admin", claims=ADMINISTRATOR)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the provider is served over http on localhost
        with run_server_in_thread(port=0, user_claims=users) as server:
            yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def signed_in_server(backend, provider, tmp_path_factory) -> Iterator[dict]:
    """The app with sign-in configured in a secrets file of its own, on a fresh database with the demo."""
    url = fresh_database(backend, tmp_path_factory, "signin")
    secrets = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    log = tmp_path_factory.mktemp("signin-log") / "streamlit.log"
    for attempt in range(5):  # the redirect names the app's port, so it is chosen first; another may take it
        port = free_port()
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-long-random-cookie-secret-for-the-browser-test"\n'
            'client_id = "ai-pilot-portfolio"\n'
            'client_secret = "not-a-real-secret"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        )
        try:
            # PORTFOLIO_REQUIRE_SIGN_IN as a shared deployment leaves it: unset (required on PostgreSQL).
            process, address = launch_app(
                url,
                log,
                port=port,
                args=("--secrets.files", str(secrets)),
                PORTFOLIO_REQUIRE_SIGN_IN="",
                AUTHLIB_INSECURE_TRANSPORT="1",
            )
            break
        except PortTaken:
            if attempt == 4:
                raise
    yield {"address": address, "url": url}
    stop_app(process)
    if backend == "postgresql" and TEST_POSTGRES_URL:
        _drop_postgres_database(url)


@pytest.fixture
def browser_page(browser):
    context = open_context(browser)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, address: str, who: str) -> None:
    page.goto(address)
    wait_for_app_run(page)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=who, exact=True).click()  # the provider's page: one click per person
    page.wait_for_url(re.compile(re.escape(address) + r"/?(\?.*)?$"), timeout=60_000)
    settle(page)


def sign_out(page, address: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    end_session = page.get_by_role("button", name="End session")  # the provider asks to confirm
    end_session.click(timeout=30_000)
    page.wait_for_url(re.compile(re.escape(address)), timeout=60_000)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    wait_for_app_run(page)
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)


def sidebar(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def nav_titles(page) -> set[str]:
    return set(page.locator('[data-testid="stSidebarNav"] a').all_inner_texts())


def test_a_first_sign_in_lands_as_a_viewer_who_cannot_do_more(browser_page, signed_in_server):
    page, address = browser_page, signed_in_server["address"]
    page.goto(address)
    wait_for_app_run(page)
    assert page.get_by_role("button", name="Sign in").count() == 1
    assert (
        page.locator('[data-testid="stSidebarNav"]').count() == 0
    )  # nothing of the portfolio before sign-in

    sign_in(page, address, "nia")
    assert "Signed in as Nia Okafor" in sidebar(page)
    assert "Viewer" in sidebar(page)
    assert "Acting as" not in sidebar(page) and "Local mode" not in page.inner_text("body")
    titles = {t.strip() for t in nav_titles(page)}
    assert "Portfolio" in " ".join(titles)
    for page_title in (
        "Propose",
        "Log results",
        "Score",
        "Scoring model",
        "People and roles",
        "Gates and limits",
    ):
        assert not any(page_title in t for t in titles), page_title

    # Approver actions are not offered on the board...
    page.goto(f"{address}/board")
    settle(page)
    assert page.get_by_text("Decide…").count() == 0
    # ...and the administrator's page cannot be reached by its address.
    page.goto(f"{address}/people")
    wait_for_app_run(page)
    assert page.get_by_role("heading", name="People and roles").count() == 0
    assert page.get_by_role("button", name="Save roles").count() == 0

    with create_engine(signed_in_server["url"]).connect() as connection:
        roles = (
            connection.execute(
                text(
                    "SELECT r.role FROM person p JOIN person_role r ON r.person_id = p.id WHERE p.email = :email"
                ),
                {"email": VIEWER["email"]},
            )
            .scalars()
            .all()
        )
    assert roles == ["viewer"]

    page.goto(address)
    settle(page)
    sign_out(page, address)


def test_an_administrator_signs_in_and_changes_a_role(browser_page, signed_in_server):
    page, address = browser_page, signed_in_server["address"]
    sign_in(page, address, "admin")
    assert "Signed in as Local administrator" in sidebar(page)
    nav = page.locator('[data-testid="stSidebarNav"]')
    more = nav.get_by_text(re.compile(r"^View \d+ more$"))  # a long navigation folds its last pages
    if more.count():
        more.first.click()
    nav.get_by_role("link", name="People and roles").click()
    settle(page)
    choose(page, "Person", "Amira Haddad")
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name="Save roles"))
    form.get_by_label("Roles").click()
    page.get_by_role("option", name="Approver", exact=True).click()
    page.keyboard.press("Escape")
    form.get_by_role("button", name="Save roles").click()
    settle(page)

    engine = create_engine(signed_in_server["url"])
    with engine.connect() as connection:
        actor, after = connection.execute(
            text(
                "SELECT actor_name, after FROM audit_event WHERE action = 'person.roles_changed' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).one()
    engine.dispose()
    assert actor == "Local administrator"
    assert "approver" in str(after)
    sign_out(page, address)
