"""The board report's matrix on a large portfolio: the highest-priority use cases, not thousands of dots."""

from portfolio.reports import charts


def test_the_report_matrix_keeps_the_highest_priority_use_cases_when_there_are_many() -> None:
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
    assert len(rows) == charts.MATRIX_POINTS
    lowest_kept = min(r["impact"] - 0.5 * r["risk"] for r in rows)
    assert all(
        c["impact"] - 0.5 * c["risk"] <= lowest_kept
        for c in use_cases
        if c["key"] not in {r["key"] for r in rows}
    )
    assert "500 highest-priority of 6,000" in str(spec["title"])


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
