"""A real app server (`streamlit run`) on a free port and headless Chromium driven by Playwright."""

import itertools
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_POSTGRES_URL, _drop_postgres_database, _postgres_database
from tests.e2e.script_runs import script_runs_js

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Tests wait for what they expect next with expect(...); a loaded machine (CI runs two workers, each with an
# app server and Chromium, on two cores) can take far longer than Playwright's 5 s to draw it.
expect.set_options(timeout=60_000)
NO_CHROMIUM = (
    "No Chromium found for the browser tests. Install one: on Debian or Ubuntu `sudo apt-get install chromium`; "
    "elsewhere `.venv/bin/playwright install chromium`. Or point PORTFOLIO_CHROMIUM at a Chromium or Chrome binary."
)


def find_chromium() -> str | None:
    """A Chromium executable: PORTFOLIO_CHROMIUM, the system's, or None to use one Playwright installed."""
    for candidate in (
        os.environ.get("PORTFOLIO_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


class RunFollowingBrowser:
    """Chromium, whose every new context follows the app's script runs in its pages (settle() needs that)."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.add_init_script(script_runs_js())
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        page.context.add_init_script(script_runs_js())
        return page

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser() -> Iterator[RunFollowingBrowser]:
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        executable = find_chromium()
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error as error:
            pytest.fail(f"{NO_CHROMIUM}\n({error.message.splitlines()[0]})")
        yield RunFollowingBrowser(browser)
        browser.close()


def _worker_index() -> int:
    """0 outside xdist; N for xdist's worker gwN."""
    match = re.fullmatch(r"gw(\d+)", os.environ.get("PYTEST_XDIST_WORKER", ""))
    return int(match[1]) + 1 if match else 0


# Each xdist worker draws ports from a block of its own, so two workers of one run never pick the same port;
# within the block the start is random, so runs started side by side (other worktrees) rarely meet either.
_PORT_BLOCK = 500
_ports = itertools.count(random.randrange(_PORT_BLOCK))


def free_port() -> int:
    """A loopback port that nothing listens on now, from this worker's own block (20000-29999), for a server
    whose port must be known before it starts. It may still be taken before then: launch_app raises PortTaken."""
    base = 20_000 + (_worker_index() % 20) * _PORT_BLOCK
    for _ in range(_PORT_BLOCK):
        port = base + next(_ports) % _PORT_BLOCK
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port between {base} and {base + _PORT_BLOCK - 1}")


class PortTaken(Exception):
    """Another process took the port between free_port() and the app's start."""


def launch_app(
    url: str, log_path: Path, *, port: int | None = None, args: tuple[str, ...] = (), **env: str
) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` against `url` on a loopback port that the system assigns as it binds (so no
    other server, such as another xdist worker's, can be given it too), or on `port` (a sign-in redirect
    names it), raising PortTaken when another process holds that one. Returns the process and its address;
    fails the test with the app's log when it does not start. Local mode unless told otherwise, also on
    PostgreSQL (which otherwise requires sign-in): tests/e2e/test_sign_in.py configures sign-in. An `env`
    value "" removes that variable."""
    port = port or 0
    log = open(log_path, "w+")  # noqa: SIM115 (closed by stop_app)
    environment = (
        os.environ
        | {
            "PORTFOLIO_DATABASE_URL": url,
            "PORTFOLIO_DEMO_ON_FIRST_START": "true",
            "PORTFOLIO_REQUIRE_SIGN_IN": "false",
        }
        | env
    )
    environment = {name: value for name, value in environment.items() if value != ""}  # "": unset it
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
            *args,
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log = log  # type: ignore[attr-defined]
    # Streamlit names its address once it listens on the port it bound itself (the assigned one for port 0),
    # and says "Port N is not available" and exits when another process holds the port.
    listening = re.compile(r"URL: \S*http://127\.0\.0\.1:(\d+)")
    deadline = time.time() + 90
    while time.time() < deadline and process.poll() is None:
        log.seek(0)
        if found := listening.search(log.read()):
            port = int(found[1])
            break
        time.sleep(0.3)
    else:
        if process.poll() is None:
            process.kill()
            process.wait()
    log.seek(0)
    output = log.read()
    if process.poll() is not None:
        log.close()
        if f"Port {port} is not available" in output:
            raise PortTaken(port)
        pytest.fail(f"The app did not start:\n{output[-3000:]}")
    return process, f"http://127.0.0.1:{port}"


def stop_app(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
    process.log.close()  # type: ignore[attr-defined]


def fresh_database(backend: str, tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp(name) / 'portfolio.db'}"
    return _postgres_database(name)


@pytest.fixture(scope="session")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a fresh database, loading the demo on first start as a new user's would."""
    url = fresh_database(backend, tmp_path_factory, "e2e")
    process, address = launch_app(url, tmp_path_factory.mktemp("e2e-log") / "streamlit.log")
    yield address
    stop_app(process)
    if backend == "postgresql" and TEST_POSTGRES_URL:
        _drop_postgres_database(url)


def open_context(browser: RunFollowingBrowser, width: int = 1400, height: int = 1000):
    """A browser context with a window of `width` by `height`."""
    return browser.new_context(viewport={"width": width, "height": height})


@pytest.fixture
def page(browser, server):
    context = open_context(browser)
    page = context.new_page()
    yield page
    context.close()


_waits = itertools.count()


def wait_for_app_run(page, timeout: int = 90_000) -> None:
    """Wait until every script run the page asked for (by an action just taken, or by opening it) has started
    and ended and the page has drawn it. Needs a page of the `browser` fixture's. After an action that asks for no run
    (an expander or a menu opened) this is a short quiet wait."""
    from playwright.sync_api import Error
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    arguments = {"token": next(_waits), "quietMs": 300, "severalQuietMs": 1_000, "startLimitMs": 30_000}
    deadline = time.monotonic() + timeout / 1000
    while True:
        left = int((deadline - time.monotonic()) * 1000)
        try:
            if not page.evaluate("() => Boolean(window.__portfolioRuns)"):
                pytest.fail("settle() needs a page of the `browser` fixture's, which follows script runs")
            page.wait_for_function(
                "arguments => window.__portfolioSettled(arguments)",
                arg=arguments,
                polling=50,
                timeout=max(left, 1),
            )
            return
        except PlaywrightTimeout:
            seen = page.evaluate(
                """() => ({runs: window.__portfolioRuns, app: document.querySelector('[data-testid="stApp"]')
                    ?.dataset})"""
            )
            pytest.fail(f"{page.url} did not settle within {timeout // 1000} s: {seen}")
        except Error as error:  # the page navigated while waiting (a sign-in redirect): wait on the new one
            if "context was destroyed" not in error.message or left <= 0:
                raise


def settle(page, timeout: int = 90_000) -> None:
    """Wait until the app has run what the page asked for, then fail on any exception shown."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    # The sidebar's heading is written by app.py, so this also waits out a first start's migration and demo.
    page.locator('[data-testid="stSidebar"]').get_by_text("AI Pilot Portfolio").wait_for(timeout=timeout)
    wait_for_app_run(page, timeout)
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    assert page.get_by_text("Page not found").count() == 0, f"{page.url} is not a page of the app"
    assert page.locator('[data-testid="stSidebarNav"]').get_by_text("Portfolio", exact=True).count() == 1
