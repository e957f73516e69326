"""The read side on a generated portfolio: what the pages show matches plain SQL written here."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session

from portfolio.demo.scale import generate_scale_portfolio
from portfolio.kpis import kpi_status
from portfolio.models import utc_now
from portfolio.services import pipeline, trust

TODAY = date(2026, 11, 23)


@pytest.fixture
def scaled(engine, admin):
    generate_scale_portfolio(engine, 150, measurements=8_000, today=TODAY)
    return engine


def _rows(engine, sql: str, **params) -> list:
    with engine.connect() as connection:
        return list(connection.execute(text(sql), params))


def test_board_lists_every_use_case_with_its_stage(scaled) -> None:
    with Session(scaled) as session:
        board = pipeline.board(session, today=TODAY)
    expected = dict(_rows(scaled, "SELECT key, stage FROM use_case"))
    assert dict(zip(board["key"], board["stage"], strict=True)) == expected


def test_trust_kpis_and_their_statuses_match_plain_sql(scaled) -> None:
    with Session(scaled) as session:
        listed = trust.trust_kpis(session, today=TODAY)
    rows = _rows(
        scaled,
        """SELECT k.id, k.direction, k.baseline, k.baseline_on, k.target, k.target_on, k.latest_value, k.latest_on
           FROM kpi k JOIN use_case u ON u.id = k.use_case_id
           WHERE k.kind IN ('trust', 'fairness') AND u.customer_facing
             AND u.stage IN ('proposed', 'assessed', 'pilot', 'scale_up', 'production')""",
    )
    assert len(rows) > 20

    def as_date(value):
        return date.fromisoformat(value[:10]) if isinstance(value, str) else value

    expected = {
        r[0]: kpi_status(
            direction=r[1],
            baseline=r[2],
            baseline_on=as_date(r[3]),
            target=r[4],
            target_on=as_date(r[5]),
            latest_value=r[6],
            latest_on=as_date(r[7]),
            today=TODAY,
        ).value
        for r in rows
    }
    assert dict(zip(listed["kpi_id"], listed["status"], strict=True)) == expected
    severity = ["off_track", "at_risk", "no_recent_data", "on_track", "achieved"]
    ranks = [severity.index(s) for s in listed["status"]]
    assert ranks == sorted(ranks)


def test_trends_are_monthly_means_of_the_chosen_kpis(scaled) -> None:
    with Session(scaled) as session:
        listed = trust.trust_kpis(session, today=TODAY)
        chosen = tuple(int(i) for i in listed["kpi_id"][:5])
        trends = trust.trust_trends(session, kpi_ids=chosen)
    assert set(trends["kpi_id"]) <= set(chosen)
    since = (utc_now().date() - timedelta(days=31 * 12)).isoformat()  # the trends' window
    sums: dict[tuple[int, str], list[float]] = defaultdict(list)
    for kpi_id, measured_on, value in _rows(
        scaled,
        f"SELECT kpi_id, measured_on, value FROM measurement WHERE kpi_id IN ({', '.join(map(str, chosen))})",
    ):
        if str(measured_on)[:10] >= since:
            sums[(kpi_id, str(measured_on)[:7])].append(value)
    for row in trends.itertuples():
        values = sums[(row.kpi_id, f"{row.month:%Y-%m}")]
        assert row.value == pytest.approx(sum(values) / len(values))


def test_trust_counts_and_pages_match_the_whole_listing(scaled) -> None:
    with Session(scaled) as session:
        whole = trust.trust_overview(session, today=TODAY)
        counts = trust.trust_counts(session)
        pages = [
            trust.trust_overview(session, trust.TrustFilter(), first, 20, today=TODAY) for first in (0, 20)
        ]
        rest = trust.trust_overview(session, trust.TrustFilter(), 40, len(whole), today=TODAY)
    gaps = whole["gaps"].tolist()
    assert counts == trust.TrustCounts(
        customer_facing=len(whole),
        without_trust_kpi=sum("No trust KPI" in g for g in gaps),
        not_told=sum(not told for told in whole["ai_disclosure"]),
        no_path_to_person=sum(not path for path in whole["human_path"]),
        with_gaps=sum(bool(g) for g in gaps),
    )
    expected_customer_facing = _rows(
        scaled,
        "SELECT count(*) FROM use_case WHERE customer_facing "
        "AND stage IN ('proposed', 'assessed', 'pilot', 'scale_up', 'production')",
    )[0][0]
    assert counts.customer_facing == expected_customer_facing > 40
    paged = [row for page in [*pages, rest] for row in page.to_dict("records")]
    assert paged == whole.to_dict("records")
    assert [len(g) for g in gaps] == sorted((len(g) for g in gaps), reverse=True)


def test_matrix_counts_points_and_backlog_pages_match_plain_sql(scaled, monkeypatch) -> None:
    from portfolio import scoring
    from portfolio.services import assessments
    from portfolio.services.assessments import matrix

    monkeypatch.setattr(matrix, "MAX_POINTS", 40)  # fewer points than scored use cases: the cut is tested
    monkeypatch.setattr(matrix, "BACKLOG_PER_PAGE", 7)
    scored = _rows(
        scaled,
        "SELECT key, stage, impact_score, risk_score FROM use_case "
        "WHERE impact_score IS NOT NULL AND risk_score IS NOT NULL",
    )
    assert len(scored) > 40
    with Session(scaled) as session:
        view = assessments.matrix_view(session)
        impact_threshold, risk_threshold = view.impact_threshold, view.risk_threshold
        expected_counts = defaultdict(int)
        for _, _, impact, risk in scored:
            expected_counts[scoring.quadrant(impact, risk, impact_threshold, risk_threshold).value] += 1
        assert view.scored == len(scored)
        assert {q: n for q, n in view.quadrant_counts.items() if n} == dict(expected_counts)

        ids = dict(_rows(scaled, "SELECT key, id FROM use_case"))
        step = -(-len(scored) // 40)
        sample = sorted((r for r in scored if ids[r[0]] % step == 0), key=lambda r: ids[r[0]])
        assert (
            view.points["key"].tolist() == [r[0] for r in sample][:40]
        )  # every n-th: the chart keeps its shape
        assert all(
            row.quadrant == scoring.quadrant(row.impact, row.risk, impact_threshold, risk_threshold).value
            and row.priority == scoring.priority(row.impact, row.risk)
            for row in view.points.itertuples()
        )

        prohibited = {
            k for (k,) in _rows(scaled, "SELECT key FROM use_case WHERE ai_act_tier = 'prohibited'")
        }
        waiting = sorted(
            (r for r in scored if r[1] in ("proposed", "assessed") and r[0] not in prohibited),
            key=lambda r: (-(r[2] - 0.5 * r[3]), -r[2], r[0]),
        )
        assert view.backlog_total == len(waiting) and view.backlog_pages == -(-len(waiting) // 7)
        paged = []
        for page in range(1, view.backlog_pages + 1):
            shown = assessments.matrix_view(session, backlog_page=page)
            assert shown.backlog_first == (page - 1) * 7 + 1
            paged += shown.backlog["key"].tolist()
        assert paged == [r[0] for r in waiting]
        beyond = assessments.matrix_view(session, backlog_page=view.backlog_pages + 5)
        assert beyond.backlog_page == view.backlog_pages  # a backlog that shrank shows its last page
