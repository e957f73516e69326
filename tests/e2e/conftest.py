"""A real app server (`streamlit run`) on a free port and headless Chromium driven by Playwright."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_POSTGRES_URL, _drop_postgres_database, _postgres_database

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
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


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        executable = find_chromium()
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error as error:
            pytest.fail(f"{NO_CHROMIUM}\n({error.message.splitlines()[0]})")
        yield browser
        browser.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch_app(
    url: str, log_path: Path, *, port: int | None = None, args: tuple[str, ...] = (), **env: str
) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free loopback port (or `port`) against `url`; returns the process and its
    address. Fails the test with the app's log when it does not start. Local mode unless told otherwise, also
    on PostgreSQL (which otherwise requires sign-in): tests/e2e/test_sign_in.py configures sign-in. An `env`
    value "" removes that variable."""
    port = port or free_port()
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
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    else:
        process.kill()
    if process.poll() is not None:
        log.seek(0)
        pytest.fail(f"The app did not start:\n{log.read()[-3000:]}")
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


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def settle(page, timeout: int = 90_000) -> None:
    """Wait until the app's script has finished, then fail on any exception shown."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    # The sidebar's heading is written by app.py, so this also waits out a first start's migration and demo.
    page.locator('[data-testid="stSidebar"]').get_by_text("AI Pilot Portfolio").wait_for(timeout=timeout)
    page.wait_for_selector(SETTLED, timeout=timeout)
    page.wait_for_timeout(200)
    page.wait_for_selector(SETTLED, timeout=timeout)
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    assert page.get_by_text("Page not found").count() == 0, f"{page.url} is not a page of the app"
    assert page.locator('[data-testid="stSidebarNav"]').get_by_text("Portfolio", exact=True).count() == 1
