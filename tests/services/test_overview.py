"""The overview's figures against independent counts on the demo: the SQL here is the test's own, written
without the service's queries, and run on SQLite and PostgreSQL."""

import json
import statistics
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from portfolio import db
from portfolio.kpis import kpi_status
from portfolio.models import Snapshot, utc_now
from portfolio.quarters import quarter_of
from portfolio.views.overview import overview
from portfolio.views.overview_headline import previous_snapshot
from portfolio.views.overview_model import Overview, OverviewFilter, previous_figures, to_content
from tests.services.factories import propose

TODAY = utc_now().date()
ACTIVE = "('proposed', 'assessed', 'pilot', 'scale_up', 'production')"
QUARTER = quarter_of(TODAY)


@pytest.fixture(scope="module")
def demo_engine(demo_url: str) -> Iterator[Engine]:
    engine = db.make_engine(demo_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def page(demo_engine: Engine) -> Overview:
    with Session(demo_engine) as session:
        return overview(session, OverviewFilter(), today=TODAY)


def scalar(engine: Engine, sql: str, **params) -> object:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar_one()


def column(engine: Engine, sql: str, **params) -> list:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(text(sql), params)]


def rows(engine: Engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


STAGE_BEFORE = """(SELECT sc.to_stage FROM stage_change sc WHERE sc.use_case_id = u.id AND sc.changed_at < :moment
                   ORDER BY sc.changed_at DESC, sc.id DESC LIMIT 1)"""


def test_headline_counts_match_the_database(demo_engine, page):
    count = lambda where: scalar(demo_engine, f"SELECT count(*) FROM use_case WHERE {where}")  # noqa: E731
    assert page.figure("active").value == count(f"stage IN {ACTIVE}") == 28
    assert page.figure("pilots").value == count("stage = 'pilot'")
    assert page.figure("scaled_or_live").value == count("stage IN ('scale_up', 'production')")
    stopped = column(
        demo_engine,
        "SELECT DISTINCT u.key FROM use_case u JOIN stage_change sc ON sc.use_case_id = u.id "
        "WHERE sc.to_stage = 'stopped' AND sc.changed_at >= :start",
        start=at(QUARTER.first_day),
    )
    assert page.figure("stopped_this_quarter").value == len(stopped)
    assert sorted(page.keys_behind("stopped_this_quarter")) == sorted(stopped)
    assert page.portfolio_size == page.use_cases == 36


def test_previous_quarter_from_the_stage_history(demo_engine, page):
    def then(stages: str) -> int:
        return scalar(
            demo_engine,
            f"SELECT count(*) FROM use_case u WHERE {STAGE_BEFORE} IN {stages}",
            moment=at(QUARTER.first_day),
        )

    assert page.figure("active").previous == then(ACTIVE)
    assert page.figure("pilots").previous == then("('pilot')")
    assert page.figure("scaled_or_live").previous == then("('scale_up', 'production')")
    previous = QUARTER.previous()
    assert page.figure("stopped_this_quarter").previous == scalar(
        demo_engine,
        "SELECT count(DISTINCT use_case_id) FROM stage_change WHERE to_stage = 'stopped' "
        "AND changed_at >= :start AND changed_at < :end",
        start=at(previous.first_day),
        end=at(QUARTER.first_day),
    )
    # The demo carries last quarter's snapshot, taken from this same history: the overview reads its figures,
    # and they are the history's.
    assert {f.previous_basis for f in page.headline} == {f"snapshot {QUARTER.previous().label}"}
    assert page.figure("active").change == page.figure("active").value - page.figure("active").previous


VALUE_PER_CASE = """
    SELECT u.key, coalesce(u.running_cost_per_month, 0) AS running, coalesce(u.one_off_cost, 0) AS one_off,
           (SELECT sum(CASE k.unit WHEN 'EUR per month' THEN k.latest_value
                                   WHEN 'hours per month' THEN k.latest_value * 45 END)
            FROM kpi k WHERE k.use_case_id = u.id AND k.kind = 'business' AND k.retired_on IS NULL) AS per_month
    FROM use_case u WHERE u.stage IN """


def test_value_and_net_value_match_the_kept_kpi_values(demo_engine, page):
    cases = rows(demo_engine, VALUE_PER_CASE + ACTIVE)
    # A use case with no value KPI holding a value is not measured: it counts in neither total (not as €0).
    measured = [case for case in cases if case[3] is not None]
    assert 0 < len(measured) < len(cases)
    per_year = 12 * sum(per_month for _, _, _, per_month in measured)
    net = sum(12 * (per_month - running) - one_off for _, running, one_off, per_month in measured)
    assert page.figure("value_per_year").value == pytest.approx(per_year, abs=0.05)
    assert page.figure("net_value_first_year").value == pytest.approx(net, abs=0.05)
    assert per_year > 0
    assert set(page.keys_behind("value")) == {
        key for key, running, one_off, per_month in cases if running or one_off or per_month
    }
    assert f"Value measured for {len(measured)} of the {len(cases)} active use cases;" in (
        page.figure("value_per_year").explanation
    )


def test_value_last_quarter_reads_the_measurements_then(demo_engine, page):
    last_day = QUARTER.previous().last_day
    cases = rows(
        demo_engine,
        f"""SELECT u.key, coalesce(u.running_cost_per_month, 0), coalesce(u.one_off_cost, 0),
               (SELECT sum(CASE k.unit WHEN 'EUR per month' THEN m.value
                                        WHEN 'hours per month' THEN m.value * 45 END)
                FROM kpi k JOIN measurement m ON m.kpi_id = k.id
                WHERE k.use_case_id = u.id AND k.kind = 'business'
                  AND m.measured_on = (SELECT max(m2.measured_on) FROM measurement m2
                                       WHERE m2.kpi_id = k.id AND m2.measured_on <= :last_day))
           FROM use_case u WHERE {STAGE_BEFORE} IN {ACTIVE}""",
        last_day=last_day,
        moment=at(QUARTER.first_day),
    )
    measured = [c for c in cases if c[3] is not None]  # not measured then: in neither total
    assert page.figure("value_per_year").previous == pytest.approx(12 * sum(c[3] for c in measured), abs=0.05)
    assert page.figure("net_value_first_year").previous == pytest.approx(
        sum(12 * (v - r) - o for _, r, o, v in measured), abs=0.05
    )


def test_pilot_decisions_on_time(demo_engine, page):
    exits = rows(
        demo_engine,
        "SELECT u.key, sc.changed_at, c.decision_on FROM stage_change sc JOIN use_case u ON u.id = sc.use_case_id "
        "LEFT JOIN pilot_charter c ON c.use_case_id = u.id WHERE sc.from_stage = 'pilot' AND sc.changed_at >= :start",
        start=at(QUARTER.first_day),
    )
    waiting = column(
        demo_engine,
        "SELECT u.key FROM use_case u JOIN pilot_charter c ON c.use_case_id = u.id "
        "WHERE u.stage = 'pilot' AND c.decision_on < :today",
        today=TODAY,
    )
    due = len(exits) + len(waiting)
    assert due > 0
    on_time = sum(
        1 for _, left, decision_on in exits if decision_on is None or str(left)[:10] <= str(decision_on)
    )
    assert page.figure("pilot_decisions_on_time").value == round(100 * on_time / due, 1)
    assert sorted(page.keys_behind("pilot_decisions_due")) == sorted([e[0] for e in exits] + waiting)


def test_funnel_counts_every_stage(demo_engine, page):
    expected = dict(rows(demo_engine, "SELECT stage, count(*) FROM use_case GROUP BY stage"))
    assert {s.stage: s.count for s in page.funnel if s.count} == expected
    assert [s.stage for s in page.funnel] == [
        "proposed",
        "assessed",
        "pilot",
        "scale_up",
        "production",
        "retired",
        "rejected",
        "stopped",
    ]
    assert all(s.drill.stages == (s.stage,) for s in page.funnel)


def test_flow_moves_and_median_days_in_stage(demo_engine, page):
    since = at(TODAY - timedelta(days=page.flow_window_days))
    moves = rows(
        demo_engine,
        "SELECT u.key, sc.from_stage, sc.to_stage FROM stage_change sc JOIN use_case u ON u.id = sc.use_case_id "
        "WHERE sc.from_stage IS NOT NULL AND sc.changed_at >= :since",
        since=since,
    )
    assert page.moves_in_window == len(moves) > 0
    for flow in page.flow:
        assert flow.entered == sum(1 for _, _, target in moves if target == flow.stage)
        assert flow.left == sum(1 for _, source, _ in moves if source == flow.stage)
    # Median stay per stage, from the raw history: each change starts a stay that the next one ends.
    history = rows(
        demo_engine,
        "SELECT use_case_id, to_stage, changed_at FROM stage_change ORDER BY use_case_id, changed_at, id",
    )
    stays: dict[str, list[int]] = {}
    year_ago = TODAY - timedelta(days=365)
    for index, (case, stage, entered) in enumerate(history):
        following = history[index + 1] if index + 1 < len(history) else None
        left = following[2] if following and following[0] == case else None
        entered_day = date.fromisoformat(str(entered)[:10])
        left_day = date.fromisoformat(str(left)[:10]) if left else None
        if left_day is not None and left_day < year_ago:
            continue
        stays.setdefault(stage, []).append(((left_day or TODAY) - entered_day).days)
    for flow in page.flow:
        assert flow.median_days == (statistics.median(stays[flow.stage]) if stays.get(flow.stage) else None)
    pilot = next(f for f in page.flow if f.stage == "pilot")
    assert pilot.limit_days == 180


def test_pilot_purgatory_lists_overdue_and_over_limit_pilots(demo_engine, page):
    expected = column(
        demo_engine,
        "SELECT u.key FROM use_case u LEFT JOIN pilot_charter c ON c.use_case_id = u.id "
        "WHERE u.stage = 'pilot' AND (c.decision_on < :today OR u.stage_entered_at < :limit)",
        today=TODAY,
        limit=at(TODAY - timedelta(days=180)),
    )
    assert sorted(p.key for p in page.purgatory) == sorted(expected)
    assert len(expected) >= 3
    first = page.purgatory[0]
    assert first.decision_overdue and first.owner and first.decision_on < TODAY
    overdue = [p.decision_overdue for p in page.purgatory]
    assert overdue == sorted(overdue, reverse=True), "overdue decisions come first"


def test_kpi_health_files_each_use_case_under_its_worst_status(demo_engine, page):
    kpis = rows(
        demo_engine,
        "SELECT u.key, u.stage, k.direction, k.baseline, k.baseline_on, k.target, k.target_on, k.latest_value, "
        "k.latest_on, k.name FROM kpi k JOIN use_case u ON u.id = k.use_case_id "
        "WHERE u.stage IN ('pilot', 'scale_up', 'production')",
    )
    order = ["off_track", "at_risk", "no_recent_data", "on_track", "achieved"]
    worst: dict[str, tuple[str, str]] = {}
    alerts = set()
    for key, stage, direction, baseline, baseline_on, target, target_on, latest, latest_on, name in kpis:
        day = lambda v: v if v is None or isinstance(v, date) else date.fromisoformat(str(v)[:10])  # noqa: E731
        status = kpi_status(
            direction=direction,
            baseline=baseline,
            baseline_on=day(baseline_on),
            target=target,
            target_on=day(target_on),
            latest_value=latest,
            latest_on=day(latest_on),
            today=TODAY,
        ).value
        if key not in worst or order.index(status) < order.index(worst[key][1]):
            worst[key] = (stage, status)
        if status in ("off_track", "no_recent_data"):
            alerts.add((key, name))
    for cell in page.kpi_health:
        keys = sorted(
            k for k, (stage, status) in worst.items() if (stage, status) == (cell.stage, cell.status)
        )
        assert cell.count == len(keys)
        assert sorted(page.keys_behind(cell.drill.subset)) == keys
    assert {(a.key, a.kpi) for a in page.kpi_alerts} == alerts and alerts
    in_stages = scalar(
        demo_engine, "SELECT count(*) FROM use_case WHERE stage IN ('pilot', 'scale_up', 'production')"
    )
    assert page.without_kpis == in_stages - len(worst)


def test_trust_health_of_customer_facing_use_cases(demo_engine, page):
    facing = f"FROM use_case u WHERE u.customer_facing AND u.stage IN {ACTIVE}"
    assert page.trust.customer_facing == scalar(demo_engine, f"SELECT count(*) {facing}")
    gaps = {g.key: g for g in page.trust.gaps}
    assert gaps["no_disclosure"].count == scalar(
        demo_engine, f"SELECT count(*) {facing} AND NOT u.ai_disclosure"
    )
    assert gaps["no_human_path"].count == scalar(
        demo_engine, f"SELECT count(*) {facing} AND NOT u.human_path"
    )
    no_trust = column(
        demo_engine,
        f"SELECT u.key {facing} AND NOT EXISTS (SELECT 1 FROM kpi k WHERE k.use_case_id = u.id AND k.kind = 'trust')",
    )
    assert sorted(page.keys_behind(gaps["no_trust_kpi"].drill.subset)) == sorted(no_trust)
    assert gaps["no_disclosure"].count > 0


def test_matrix_backlog_and_balance(demo_engine, page):
    assert len(page.matrix) == scalar(
        demo_engine, f"SELECT count(*) FROM use_case WHERE impact_score IS NOT NULL AND stage IN {ACTIVE}"
    )
    top = column(
        demo_engine,
        "SELECT key FROM use_case WHERE impact_score IS NOT NULL AND stage IN ('proposed', 'assessed') "
        "ORDER BY impact_score - 0.5 * risk_score DESC, impact_score DESC, key LIMIT 5",
    )
    assert [b.key for b in page.backlog] == top
    for dimension, sql_column in (
        ("sector", "sector"),
        ("team", "team"),
        ("tier", "coalesce(ai_act_tier, 'not_classified')"),
    ):
        expected = {
            (value, stage): n
            for value, stage, n in rows(
                demo_engine,
                f"SELECT {sql_column}, stage, count(*) FROM use_case GROUP BY {sql_column}, stage",
            )
        }
        assert {(c.value, c.stage): c.count for c in page.balance if c.dimension == dimension} == expected
    retail_pilots = next(
        c for c in page.balance if (c.dimension, c.value, c.stage) == ("sector", "retail", "pilot")
    )
    assert retail_pilots.drill.sectors == ("retail",) and retail_pilots.drill.stages == ("pilot",)


def test_governance_gaps(demo_engine, page):
    gaps = {g.key: g for g in page.governance}
    assert sorted(i.key for i in gaps["prohibited"].items) == column(
        demo_engine,
        f"SELECT key FROM use_case WHERE ai_act_tier = 'prohibited' AND stage IN {ACTIVE} ORDER BY key",
    )
    assert sorted(i.key for i in gaps["single_reviewer"].items) == column(
        demo_engine, f"SELECT key FROM use_case WHERE reviewer_count = 1 AND stage IN {ACTIVE} ORDER BY key"
    )
    assert gaps["prohibited"].items and gaps["single_reviewer"].items
    assert gaps["no_owner"].items == []  # every demo owner is active
    # The demo confirms the DPIA at every pilot gate where it applies; a high-risk pilot using no personal
    # data has no DPIA item, so it is listed.
    running_high = column(
        demo_engine,
        "SELECT key FROM use_case WHERE ai_act_tier = 'high' AND stage IN ('pilot', 'scale_up', 'production') "
        "AND personal_data = '' ORDER BY key",
    )
    assert sorted(i.key for i in gaps["high_risk_without_dpia"].items) == running_high


def test_recent_lessons_put_failures_first(demo_engine, page):
    outcomes = [lesson.outcome for lesson in page.lessons]
    order = ["failure", "partial", "success"]
    assert outcomes == sorted(outcomes, key=order.index)
    assert outcomes[0] == "failure"
    assert len(page.lessons) == min(6, scalar(demo_engine, "SELECT count(*) FROM lesson"))


def test_filters_narrow_every_figure(demo_engine):
    with Session(demo_engine) as session:
        retail = overview(session, OverviewFilter(sectors=("retail",)), today=TODAY)
        high = overview(session, OverviewFilter(tiers=("high",), teams=("Clinical innovation",)), today=TODAY)
    assert retail.use_cases == scalar(demo_engine, "SELECT count(*) FROM use_case WHERE sector = 'retail'")
    assert retail.figure("active").value == scalar(
        demo_engine, f"SELECT count(*) FROM use_case WHERE sector = 'retail' AND stage IN {ACTIVE}"
    )
    assert {p.key for p in retail.purgatory} <= set(
        column(demo_engine, "SELECT key FROM use_case WHERE sector = 'retail'")
    )
    assert high.use_cases == scalar(
        demo_engine,
        "SELECT count(*) FROM use_case WHERE ai_act_tier = 'high' AND team = 'Clinical innovation'",
    )
    assert retail.portfolio_size == 36


def test_the_overview_is_json_content_a_snapshot_can_freeze(page):
    content = to_content(page)
    assert json.loads(json.dumps(content)) == content
    assert content["headline"][0]["key"] == "active"
    assert previous_figures(content)["active"] == page.figure("active").value
    assert previous_figures({"overview": content})["pilots"] == page.figure("pilots").value
    assert previous_figures({"something": "else"}) == {}


def test_a_snapshot_of_last_quarter_gives_the_previous_figures(engine, admin):
    propose(engine, admin)
    with db.unit_of_work(engine) as session:
        session.add(
            Snapshot(
                quarter=QUARTER.previous().label,
                taken_by_id=admin.id,
                content={"headline": [{"key": "active", "value": 7}, {"key": "pilots", "value": 2}]},
                checksum="0" * 64,
            )
        )
    with Session(engine) as session:
        unfiltered = overview(session, today=TODAY)
        filtered = overview(session, OverviewFilter(sectors=("services",)), today=TODAY)
    active = unfiltered.figure("active")
    assert (active.value, active.previous, active.previous_basis) == (
        1,
        7,
        f"snapshot {QUARTER.previous().label}",
    )
    assert unfiltered.figure("pilots").previous == 2
    # A figure the snapshot does not hold, and any filtered view, come from the history.
    assert unfiltered.figure("stopped_this_quarter").previous_basis in ("history", "")
    assert filtered.figure("active").previous_basis != f"snapshot {QUARTER.previous().label}"


@pytest.mark.parametrize(
    "content",
    [
        {"headline": [{"key": "active", "value": 7}], "use_cases": [{"key": "UC-0001"}]},
        {"overview": {"headline": [{"key": "active", "value": 7}]}},  # the overview nested in the content
    ],
)
def test_only_the_headline_of_last_quarters_snapshot_is_read(engine, admin, content):
    propose(engine, admin)
    with db.unit_of_work(engine) as session:
        session.add(
            Snapshot(
                quarter=QUARTER.previous().label, taken_by_id=admin.id, content=content, checksum="0" * 64
            )
        )
    with Session(engine) as session:
        read = previous_snapshot(session, QUARTER.previous().label)
        assert previous_figures(read) == {"active": 7.0}
        assert "use_cases" not in read  # the rest of the snapshot stays in the database
        assert previous_snapshot(session, QUARTER.previous().previous().label) is None
        assert overview(session, today=TODAY).figure("active").previous == 7


def test_an_empty_portfolio_is_empty_not_broken(engine, admin):
    with Session(engine) as session:
        empty = overview(session, today=TODAY)
    assert empty.is_empty and empty.use_cases == 0
    assert all(s.count == 0 for s in empty.funnel)
    assert empty.purgatory == [] and empty.matrix == [] and empty.lessons == []
    assert empty.figure("pilot_decisions_on_time").value is None
    assert empty.figure("active").previous is None
    json.dumps(to_content(empty))


def test_today_decides_what_is_overdue(demo_engine, page):
    later = TODAY + timedelta(days=400)
    with Session(demo_engine) as session:
        future = overview(session, today=later)
    pilots = scalar(demo_engine, "SELECT count(*) FROM use_case WHERE stage = 'pilot'")
    assert len(future.purgatory) == pilots > len(page.purgatory)
    assert all(p.over_limit for p in future.purgatory)


def test_long_lists_keep_the_most_pressing_and_say_how_many(demo_engine, page, monkeypatch):
    from portfolio.views import overview as module

    monkeypatch.setattr(module, "LIST_LIMIT", 2)
    monkeypatch.setattr(module, "MATRIX_POINTS", 3)
    with Session(demo_engine) as session:
        short = overview(session, today=TODAY)
    assert short.purgatory == page.purgatory[:2] and short.purgatory_total == len(page.purgatory) > 2
    assert short.kpi_alerts == page.kpi_alerts[:2] and short.kpi_alerts_total == len(page.kpi_alerts)
    assert short.matrix_total == len(page.matrix)
    step = -(-short.matrix_total // 3)  # an even sample: every n-th by id, so the chart keeps its shape
    assert [p.key for p in short.matrix] == column(
        demo_engine,
        f"SELECT key FROM use_case WHERE impact_score IS NOT NULL AND stage IN {ACTIVE} AND id % {step} = 0 "
        "ORDER BY id LIMIT 3",
    )
    single = next(g for g in short.governance if g.key == "single_reviewer")
    assert single.count == len(page.keys_behind("governance:single_reviewer")) and len(single.items) <= 2
