"""Load test: concurrent browser sessions against the app at scale, counting errors, lost writes, page times
and the app processes' memory.

    .venv/bin/python -m benchmarks.load --database-url sqlite:///benchmarks/.data/portfolio-10000.db
    .venv/bin/python -m benchmarks.load --database-url postgresql://postgres@127.0.0.1:5432/portfolio_bench_10000 \
        --processes 2

It starts the app (`streamlit run`, one or more processes on free loopback ports, all on the same database),
then drives `--sessions` Playwright contexts in Debian's Chromium for `--minutes` minutes, each a person
browsing the overview pages, filtering the portfolio, opening use cases and logging a result, pausing about
`--think-seconds` (5 by default) between actions as a person reading the page does; sessions are spread over
the processes as a load balancer with sticky sessions would. Each session opens the app once and then moves
around it as a person does, by the navigation and the pages' own search boxes: loading the whole front end
again for every action (an address typed each time) would spend the machine's cores on the browsers. The loop is bounded by time and by
`--max-actions` per session, and only ever talks to 127.0.0.1. Afterwards it counts in the database the
results logged during the run and compares them with the writes the sessions saw succeed."""

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.script_runs import script_runs_js

ROOT = Path(__file__).resolve().parents[1]
SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# After an action: the runs the page asked for have started and ended (followed on the app's websocket by
# tests/e2e/script_runs.js), or, when the action asked for none, a second has passed.
RUN_DONE = """([finished, requested, since]) => {
  const runs = window.__portfolioRuns;
  if (runs.running || runs.answered < runs.requested) return false;
  return runs.finished > finished || (runs.requested === requested && performance.now() - since > 1000);
}"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]
BROWSE = ("Overview", "Portfolio", "Pipeline board", "Impact and risk", "Trust")
SEARCHES = ("chat", "forecast", "schedul", "triage", "fraud", "translation", "returns", "staff")


@dataclass
class Tally:
    page_times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # an exception the app showed a person
    timeouts: list[str] = field(default_factory=list)  # a page not ready in time (the machine overloaded)
    writes_seen: int = 0
    writes_refused: int = 0
    actions: int = 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(database_url: str, log_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    log = open(log_dir / f"app-{port}.log", "w")  # noqa: SIM115 (lives as long as the process)
    env = os.environ | {
        "PORTFOLIO_DATABASE_URL": database_url,
        "PORTFOLIO_DEMO_ON_FIRST_START": "false",
        "PORTFOLIO_REQUIRE_SIGN_IN": "false",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"The app did not start; see {log.name}")


def _memory_mb(pid: int) -> float:
    """Peak resident memory of a process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _settle(page, timeout: float = 120_000) -> None:
    """Wait for the app to finish its run, and fail on an exception the app shows."""
    await page.wait_for_selector(SETTLED, timeout=timeout)
    shown = page.locator('[data-testid="stException"]')
    if await shown.count():
        raise RuntimeError((await shown.first.inner_text())[:300])


async def _rerun(page, action) -> None:
    """Do `action` (a click or a key press) and wait for the run it starts to end."""
    before = await page.evaluate(
        "() => [window.__portfolioRuns.finished, window.__portfolioRuns.requested, performance.now()]"
    )
    await action()
    await page.wait_for_function(RUN_DONE, arg=before, polling=50, timeout=120_000)
    await _settle(page)


async def _go_to(page, title: str) -> None:
    """Open a page from the sidebar navigation, as a person does (the app is not loaded again)."""
    links = page.locator('[data-testid="stSidebarNav"]')
    link = links.get_by_role("link", name=title, exact=True)
    if not await link.count():  # a long navigation folds its last pages
        await links.get_by_text("more", exact=False).first.click()
    await _rerun(page, link.first.click)


async def _find(page, key: str) -> None:
    """Open a use case with the page's search box: a key typed in full opens it."""
    search = page.get_by_placeholder("Find by key or title")
    await search.fill(key)
    await _rerun(page, lambda: search.press("Enter"))
    # The address names the use case once it is open.
    await page.wait_for_url(re.compile(rf"[?&]uc={re.escape(key)}(&|$)"), timeout=120_000)
    await _settle(page)


async def session(
    browser,
    base: str,
    keys: list[str],
    deadline: float,
    max_actions: int,
    think_seconds: float,
    tally: Tally,
    rng: random.Random,
) -> None:
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    await context.add_init_script(script_runs_js())
    page = await context.new_page()
    page.set_default_timeout(120_000)
    try:
        started = time.perf_counter()
        await page.goto(base)
        await _settle(page)
        tally.page_times.append(time.perf_counter() - started)
        for _ in range(max_actions):
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think_seconds)  # a person reads the page
            if time.time() >= deadline:
                break
            tally.actions += 1
            roll = rng.random()
            key = rng.choice(keys)
            try:
                started = time.perf_counter()
                if roll < 0.35:
                    await _go_to(page, rng.choice(BROWSE))
                elif roll < 0.5:
                    await _go_to(page, "Portfolio")
                    search = page.get_by_placeholder("Title, problem, key, team or owner")
                    await search.fill(rng.choice(SEARCHES))
                    await _rerun(page, lambda search=search: search.press("Enter"))
                elif roll < 0.8:
                    await _go_to(page, "Use case")
                    await _find(page, key)
                else:
                    await _go_to(page, "Log results")
                    await _find(page, key)
                    await page.get_by_label("Value").first.fill(f"{rng.uniform(1, 9):.1f}")
                    await _rerun(page, page.get_by_role("button", name="Log result").first.click)
                    if await page.get_by_text("stored for").count():
                        tally.writes_seen += 1
                    else:
                        tally.writes_refused += 1  # e.g. a result for that day exists already
                tally.page_times.append(time.perf_counter() - started)
            except Exception as error:  # every failure is counted and reported, never hidden
                found = f"{type(error).__name__}: {str(error)[:200]}"
                (tally.timeouts if "Timeout" in type(error).__name__ else tally.errors).append(found)
    finally:
        await context.close()


async def drive(
    bases: list[str],
    keys: list[str],
    sessions: int,
    minutes: float,
    max_actions: int,
    think_seconds: float,
    seed: int,
) -> Tally:
    from playwright.async_api import async_playwright

    tally = Tally()
    deadline = time.time() + minutes * 60
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        await asyncio.gather(
            *(
                session(
                    browser,
                    bases[n % len(bases)],
                    keys,
                    deadline,
                    max_actions,
                    think_seconds,
                    tally,
                    random.Random(seed + n),
                )
                for n in range(sessions)
            )
        )
        await browser.close()
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--processes", type=int, default=1, help="App processes sharing the database.")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--max-actions", type=int, default=500, help="Upper bound of actions per session.")
    parser.add_argument(
        "--think-seconds",
        type=float,
        default=5.0,
        help="Mean pause between a session's actions (0.5 to 1.5 times this): a person reading the page.",
    )
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from portfolio.config import load_settings

    url = load_settings(database_url=args.database_url).effective_database_url
    engine = create_engine(url)
    with engine.connect() as connection:
        keys = [
            k
            for (k,) in connection.execute(
                text(
                    "SELECT u.key FROM use_case u WHERE u.stage IN ('pilot', 'scale_up', 'production') AND EXISTS "
                    "(SELECT 1 FROM kpi k WHERE k.use_case_id = u.id)"
                )
            )
        ]
    log_dir = ROOT / "benchmarks" / ".data"
    log_dir.mkdir(parents=True, exist_ok=True)
    apps = [start_app(url, log_dir) for _ in range(args.processes)]
    started_at = datetime.now(UTC)
    try:
        tally = asyncio.run(
            drive(
                [base for _, base in apps],
                keys,
                args.sessions,
                args.minutes,
                args.max_actions,
                args.think_seconds,
                args.seed,
            )
        )
        memory = [_memory_mb(process.pid) for process, _ in apps]
    finally:
        for process, _ in apps:
            process.terminate()
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT count(*) FROM measurement WHERE created_at >= :since"),
            {
                "since": started_at
                if engine.dialect.name == "postgresql"
                else started_at.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
            },
        ).scalar_one()
    times = sorted(tally.page_times)
    p95 = times[int(0.95 * (len(times) - 1))] if times else float("nan")
    print(
        f"# Load test: {args.sessions} sessions, {args.minutes:g} min, {args.processes} process(es), "
        f"{engine.dialect.name}\n"
    )
    print(
        f"- actions: {tally.actions:,} (a pause of about {args.think_seconds:g} s after each); page views timed: "
        f"{len(times):,}; errors shown by the app: {len(tally.errors)}; pages not ready within 120 s: "
        f"{len(tally.timeouts)}"
    )
    print(
        f"- time per action (a page opened from the sidebar, then any search or result on it): median "
        f"{statistics.median(times) if times else float('nan'):.2f} s, 95th percentile "
        f"{p95:.2f} s"
    )
    print(
        f"- results logged as seen by the sessions: {tally.writes_seen}; found in the database: {stored} "
        f"({'none lost' if stored >= tally.writes_seen else 'LOST WRITES'}); refused as duplicates: "
        f"{tally.writes_refused}"
    )
    print(f"- peak memory per app process: {', '.join(f'{m:.0f} MB' for m in memory)}")
    for error in [*tally.errors, *tally.timeouts][:10]:
        print(f"  - {error}")
    engine.dispose()
    if tally.errors or stored < tally.writes_seen:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
