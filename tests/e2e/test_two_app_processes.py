"""A shared deployment: two app processes on one PostgreSQL database, as behind a load balancer."""

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text

from portfolio import db
from portfolio.config import load_settings
from portfolio.services import people, use_cases
from portfolio.startup import prepare_database
from tests.conftest import ADMIN_EMAIL, _drop_postgres_database, _postgres_database
from tests.e2e.conftest import ROOT, launch_app, open_context, settle, stop_app

pytestmark = pytest.mark.e2e

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date, timedelta
    from portfolio import db
    from portfolio.services import people, results
    url, kpi_id, parity = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    engine = db.make_engine(url)
    first = date(2025, 1, 1)
    for n in range(parity, 60, 2):  # one process the even days, the other the odd ones
        with db.unit_of_work(engine) as session:
            actor = people.actor_for(session, "tomas.ferreira@meridian.example")
            results.log_measurements(session, actor, kpi_id, [{"measured_on": first + timedelta(days=n), "value": 50.0}])
    """
)


def test_a_write_is_seen_by_both_processes_and_concurrent_writes_lose_nothing(backend, browser, tmp_path):
    if backend != "postgresql":
        pytest.skip("Several app processes share a database in a PostgreSQL deployment.")
    url = _postgres_database("two_processes")
    engine = prepare_database(
        load_settings(database_url=url, demo_on_first_start=True, local_person_email=ADMIN_EMAIL)
    )
    apps = [
        launch_app(
            url,
            tmp_path / f"app-{n}.log",
            PORTFOLIO_REQUIRE_SIGN_IN="false",
            PORTFOLIO_DEMO_ON_FIRST_START="false",
        )
        for n in (1, 2)
    ]
    contexts = [open_context(browser) for _ in apps]
    try:
        pages = [context.new_page() for context in contexts]
        with db.unit_of_work(engine) as session:
            original = use_cases.get_use_case(session, "UC-0001").title
        for page, (_, address) in zip(pages, apps, strict=True):
            page.goto(f"{address}/use_case?uc=UC-0001")
            settle(page)
            assert page.locator("h1").first.inner_text().strip() == original

        # Both processes now hold the page's reads in their caches; a write elsewhere must reach both.
        with db.unit_of_work(engine) as session:
            actor = people.actor_for(session, ADMIN_EMAIL)
            current = use_cases.get_use_case(session, "UC-0001")
            use_cases.update_use_case(
                session,
                actor,
                "UC-0001",
                expected_version=current.version,
                title="Renamed by another process",
            )
        for page in pages:
            page.reload()
            settle(page)
            assert page.locator("h1").first.inner_text().strip() == "Renamed by another process"

        with engine.connect() as connection:
            kpi_id = connection.execute(
                text(
                    "SELECT k.id FROM kpi k JOIN use_case u ON u.id = k.use_case_id WHERE u.key = 'UC-0001' LIMIT 1"
                )
            ).scalar_one()
            connection.execute(text("DELETE FROM measurement WHERE kpi_id = :k"), {"k": kpi_id})
            connection.commit()
        writers = [
            subprocess.Popen([sys.executable, "-c", WRITER, url, str(kpi_id), str(parity)], cwd=ROOT)
            for parity in (0, 1)
        ]
        assert [w.wait(180) for w in writers] == [0, 0]
        with engine.connect() as connection:
            stored = connection.execute(
                text("SELECT count(*), max(measured_on) FROM measurement WHERE kpi_id = :k"), {"k": kpi_id}
            ).one()
            latest_on = connection.execute(
                text("SELECT latest_on FROM kpi WHERE id = :k"), {"k": kpi_id}
            ).scalar_one()
        assert stored[0] == 60
        assert latest_on == stored[1]  # the kept latest value followed every write, whichever process made it
    finally:
        for context in contexts:
            context.close()
        for process, _ in apps:
            stop_app(process)
        engine.dispose()
        _drop_postgres_database(url)
