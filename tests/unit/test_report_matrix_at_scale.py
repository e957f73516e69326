"""The board report's matrix on a large portfolio: an even sample of the use cases, not thousands of dots."""

from portfolio.reports import charts


def test_the_report_matrix_keeps_an_even_sample_when_there_are_many() -> None:
    use_cases = [
        {
            "key": f"UC-{n:05d}",
            "title": f"Case {n}",
            "stage": "pilot",
            "impact": n % 100,
            "risk": (n * 7) % 100,
            "active": True,
        }
        for n in range(6_000)
    ]
    spec = charts.matrix(use_cases, 50, 50).to_dict()  # raised Altair's MaxRowsError past 5,000 rows
    dots = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "circle")
    rows = spec["datasets"][dots["data"]["name"]]
    # Every 12th by key: 500 of 6,000, spread over the whole portfolio (the highest-priority alone would all sit
    # in the high-impact, low-risk corner and hide the risky quadrants).
    assert [r["key"] for r in rows] == [f"UC-{n:05d}" for n in range(0, 6_000, 12)]
    assert {r["impact"] >= 50 for r in rows} == {True, False} and {r["risk"] >= 50 for r in rows} == {
        True,
        False,
    }
    assert "An even sample of 500 of 6,000" in str(spec["title"])


def test_a_small_portfolio_shows_every_active_scored_use_case() -> None:
    use_cases = [
        {"key": "UC-1", "title": "A", "stage": "pilot", "impact": 70, "risk": 20, "active": True},
        {"key": "UC-2", "title": "B", "stage": "retired", "impact": 70, "risk": 20, "active": False},
        {"key": "UC-3", "title": "C", "stage": "proposed", "impact": None, "risk": None, "active": True},
    ]
    spec = charts.matrix(use_cases, 50, 50).to_dict()
    dots = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "circle")
    assert [r["key"] for r in spec["datasets"][dots["data"]["name"]]] == ["UC-1"]
    assert spec["title"] == "Active use cases: impact against risk"
