"""Each run reads the portfolio revision once, so a page never mixes two revisions, and writes clear no cache."""

from portfolio import db


def test_a_run_reads_the_revision_once(app_for, demo_url, monkeypatch):
    at = app_for(demo_url, "pages/use_case.py", uc="UC-0001")
    calls = []
    original = db.read_revision

    def counting(session):
        calls.append(1)
        return original(session)

    monkeypatch.setattr(db, "read_revision", counting)
    at.run()
    assert not at.exception
    assert len(calls) == 1


def test_a_write_elsewhere_is_seen_on_the_next_run(app_for, database_url, engine, admin):
    from portfolio.services import use_cases

    with db.unit_of_work(engine) as session:
        use_cases.propose_use_case(
            session,
            admin,
            title="First title",
            problem="A problem.",
            team="Customer service",
            sector="services",
            owner_id=admin.id,
            ai_kind="generative",
        )
    at = app_for(database_url, "pages/use_case.py")
    at.query_params["uc"] = "UC-0001"
    at.run()
    assert at.title[0].value == "First title"
    with db.unit_of_work(engine) as session:
        current = use_cases.get_use_case(session, "UC-0001")
        use_cases.update_use_case(
            session, admin, "UC-0001", expected_version=current.version, title="Second title"
        )
    at.run()
    assert at.title[0].value == "Second title"
