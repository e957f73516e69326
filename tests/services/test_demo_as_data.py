"""The demo organisation read from data files (portfolio/demo/data/*.json) loads the same portfolio the Python
literal it replaced loaded: the same counts, keys and titles (the expected figures and digests below were
taken from the demo as loaded before the move)."""

import hashlib

from sqlalchemy import create_engine, text

from portfolio.demo import content

EXPECTED_COUNTS = {
    "use_case": 36,
    "person_role": 36,
    "assessment": 98,
    "assessment_score": 1078,
    "gate_decision": 47,
    "kpi": 53,
    "measurement": 2232,
    "lesson": 21,
    "pilot_charter": 24,
    "pilot_review": 17,
    "stage_change": 121,
    "audit_event": 431,
    "snapshot": 2,
}
KEYS_AND_TITLES = "103944444ae609e816c89633a2af846ac1e1a9e977b3dd08ed6c9922ce2c29bb"
LESSON_TITLES = "bdbf8c5c59ecc83d97e26917b53fe2f0be43910e70f8e280a257dfda7bb0bfa9"
KPI_NAMES = "c09662001a4463492cae6224318ed5763bb5b64a293eaaeb0067ab1405167052"


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def test_the_data_files_keep_the_shapes_the_loader_reads() -> None:
    assert len(content.PEOPLE) == 14 and all(isinstance(p, tuple) and len(p) == 4 for p in content.PEOPLE)
    assert len(content.CASES) == 36
    for case in content.CASES:
        if "impact" in case:  # a use case not yet scored has none
            assert isinstance(case["impact"], tuple) and len(case["impact"]) == 5
        assert all(isinstance(step, tuple) for step in case["history"])
    assert sum("impact" in case for case in content.CASES) == 34
    titles = {case["title"] for case in content.CASES}
    assert (
        set(content.COSTS) <= titles and set(content.VALUE_KPIS) <= titles and set(content.LESSONS) <= titles
    )
    assert all(isinstance(cost, tuple) and len(cost) == 2 for cost in content.COSTS.values())


def test_the_demo_loads_the_same_portfolio_as_before_its_move_to_data_files(demo_url) -> None:
    engine = create_engine(demo_url)
    try:
        with engine.connect() as connection:

            def rows(sql: str) -> list:
                return list(connection.execute(text(sql)))

            found = {table: rows(f"SELECT count(*) FROM {table}")[0][0] for table in EXPECTED_COUNTS}
            keys_and_titles = [f"{key}\t{title}" for key, title in rows("SELECT key, title FROM use_case")]
            lessons = [title for (title,) in rows("SELECT title FROM lesson")]
            kpis = [name for (name,) in rows("SELECT name FROM kpi")]
    finally:
        engine.dispose()
    assert found == EXPECTED_COUNTS
    assert _digest(keys_and_titles) == KEYS_AND_TITLES
    assert _digest(lessons) == LESSON_TITLES
    assert _digest(kpis) == KPI_NAMES
