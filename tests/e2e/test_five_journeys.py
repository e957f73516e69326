"""The five journeys a new user takes, each as the role it needs, in a real browser on the demo: propose a use
case (a contributor), score it twice (two reviewers), gate it into a pilot from the board (an approver), log
results by form and by CSV and correct a KPI by editing one and retiring another (the contributor), and stop
the pilot with its lesson (the approver). Asserts the stumbles seen when this was first tried are gone: the
acting person is kept across a reload and named in the address (`?as=`), unavailable actions say why and who
can take them, the gate dialog preselects no decision, labels every field distinctly and lists every problem
at once, and no page shows a stored key, "None" or a machine timestamp."""

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_POSTGRES_URL, _drop_postgres_database
from tests.e2e.conftest import fresh_database, launch_app, open_context, settle, stop_app
from tests.e2e.test_gate_journey import decide
from tests.e2e.test_propose_and_score_journey import choose
from tests.pages.test_labels_on_every_page import _problems

pytestmark = pytest.mark.e2e

CONTRIBUTOR = ("Tomás Ferreira", "tomas.ferreira@meridian.example")
REVIEWERS = (
    ("Amira Haddad", "amira.haddad@meridian.example"),
    ("Jonas Weber", "jonas.weber@meridian.example"),
)
APPROVER = ("Sofia Marín", "sofia.marin@meridian.example")
TITLE = "Shift handover notes drafted from the ward log"


@pytest.fixture(scope="module")
def journeys_server(backend, tmp_path_factory) -> Iterator[str]:
    """The app on a demo database of its own: the use case proposed here never shifts the keys that other
    journeys, sharing the demo server, expect."""
    url = fresh_database(backend, tmp_path_factory, "journeys")
    process, address = launch_app(url, tmp_path_factory.mktemp("journeys-log") / "streamlit.log")
    yield address
    stop_app(process)
    if backend == "postgresql" and TEST_POSTGRES_URL:
        _drop_postgres_database(url)


@pytest.fixture
def page(browser, journeys_server):
    context = open_context(browser)
    page = context.new_page()
    yield page
    context.close()


def open_as(page, server: str, path: str, person: tuple[str, str]) -> None:
    """Open a page as a person, through the address (a shared link works the same way)."""
    joiner = "&" if "?" in path else "?"
    page.goto(f"{server}/{path}{joiner}as={quote(person[1])}")
    settle(page)
    assert_acting(page, person[0])


def assert_acting(page, name: str) -> None:
    line = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').filter(
        has_text="Local mode"
    )
    expect(line.first).to_contain_text(f"acting as {name}")


def assert_reads_in_words(page, where: str = '[data-testid="stMain"]') -> None:
    """No stored key, "None" or machine timestamp in what the page (or dialog) shows."""
    text = page.locator(where).first.inner_text()
    assert not _problems(text), (page.url, _problems(text))


def main(page):
    return page.locator('[data-testid="stMain"]')


def test_five_journeys_as_the_roles_they_need(page, journeys_server, tmp_path):
    server = journeys_server
    # 1. Propose, as a contributor. The person stays across a reload (kept in the address).
    open_as(page, server, "propose", CONTRIBUTOR)
    page.reload()
    settle(page)
    assert_acting(page, CONTRIBUTOR[0])
    page.get_by_label("Title *").fill(TITLE)
    page.get_by_label("Problem and who it serves *").fill(
        "Nurses spend 25 minutes a shift writing handover notes from the ward log, and details get lost."
    )
    page.get_by_label("Team *").fill("Nursing")
    page.get_by_label("Team *").press("Tab")
    settle(page)
    choose(page, "Sector *", "Healthcare")
    choose(page, "Kind of AI *", "Generative AI")
    main(page).get_by_text("Employees", exact=True).click()
    settle(page)
    assert_reads_in_words(page)
    page.get_by_role("button", name="Propose use case").click()
    page.wait_for_url(re.compile(r"/use_case\?.*uc=UC-\d{4}"), timeout=60_000)
    settle(page)
    key = re.search(r"uc=(UC-\d{4})", page.url).group(1)
    expect(page.locator("h1").first).to_have_text(TITLE)
    assert_acting(page, CONTRIBUTOR[0])

    # Two KPIs with a baseline and a target, added by the contributor on the use case.
    page.get_by_role("tab", name="KPIs and results").click()
    settle(page)
    kpis = (("Minutes per handover", "minutes", 25, 10), ("Handover notes missing a detail", "count", 12, 3))
    for name, unit, baseline, target in kpis:
        adding = '[data-testid="stForm"]:has(button:has-text("Add KPI"))'
        form = page.locator(adding)
        if not form.get_by_label("KPI name *").is_visible():  # the expander stays open after an added KPI
            main(page).get_by_text("Add a KPI", exact=True).click()
        form.get_by_label("KPI name *").fill(name)
        choose(page, "Unit", unit, within=adding)
        choose(page, "Better when", "Lower is better", within=adding)
        form.get_by_label("Baseline", exact=True).fill(str(baseline))
        form.get_by_label("Target", exact=True).fill(str(target))
        form.get_by_role("button", name="Add KPI").click()
        settle(page)
        main(page).get_by_text(name, exact=True).first.wait_for()
    assert_reads_in_words(page)

    # 2. Scored twice, by two reviewers; the second sees the first's score counted.
    for number, reviewer in enumerate(REVIEWERS, start=1):
        open_as(page, server, f"score?uc={key}", reviewer)
        if number == 2:
            expect(main(page).get_by_text("So far 1 reviewer:")).to_have_count(1)
        assert_reads_in_words(page)
        page.get_by_role("button", name="Save my scores").click()
        settle(page)
        page.get_by_text(re.compile(rf"Scores saved for {key}\.")).first.wait_for()

    # 3. Into the pilot from the board. The approver cannot mark it assessed, and the card says who can.
    open_as(page, server, "board", APPROVER)
    card = page.locator(f".st-key-card_{key}")
    more = page.get_by_role("button", name=re.compile(r"^Show \d+ more$"))
    while card.count() == 0 and more.count():
        more.first.click()
        settle(page)
    expect(card).to_contain_text("Mark as assessed: a contributor's step")
    expect(
        main(page).get_by_text(re.compile(r"Contributors mark use cases as assessed: .*Tomás Ferreira"))
    ).not_to_have_count(0)
    open_as(page, server, "board", CONTRIBUTOR)
    dialog = decide(page, key, "Mark as assessed")
    dialog.get_by_role("button", name="Move to Assessed").click()
    settle(page)
    page.get_by_text(f"{key} moved to Assessed.").wait_for()

    open_as(page, server, "board", APPROVER)
    dialog = decide(page, key, "Gate decision")
    expect(dialog).to_contain_text("Pilot gate")
    for decision in ("Go", "No-go", "Hold"):  # nothing preselected
        assert not dialog.get_by_role("radio", name=decision, exact=True).is_checked()
    dialog.get_by_role("button", name="Record decision").click()  # with nothing chosen or written
    settle(page)
    # Every problem at once, each beside its field and counted by the button, not one at a time.
    expect(dialog).to_contain_text(re.compile(r"Please fix these \d+ problems"))
    problems = dialog.inner_text()
    assert "Decision" in problems and "Rationale" in problems, problems
    dialog.get_by_text("Go", exact=True).click()
    settle(page)
    labels = [text.strip() for text in dialog.locator('[data-testid="stWidgetLabel"]').all_inner_texts()]
    labels = [text for text in labels if text]
    assert len(labels) == len(set(labels)), labels  # two fields never share a label
    assert_reads_in_words(page, '[role="dialog"]')
    dialog.get_by_label("Hypothesis *").fill(
        "Drafted notes cut handover writing to 10 minutes with no detail lost."
    )
    dialog.get_by_label("Scope (sites, channels or customers) *").fill("Two surgical wards.")
    dialog.get_by_label("Minimum evidence before the result counts *").fill("Six weeks on both wards.")
    dialog.get_by_label("Rationale *").fill("Clear time saving, low risk, owner and KPIs in place.")
    dialog.get_by_label("Rationale *").press("Tab")
    settle(page)
    for field in dialog.get_by_label(re.compile(r"^Override: ")).all():
        field.fill("Accepted by the steering committee.")
        field.press("Tab")
        settle(page)
    dialog.get_by_role("button", name="Record decision").click()
    settle(page)
    page.get_by_text(f"Go recorded for {key} at the Pilot gate.").wait_for()

    # 4. Results by form and by CSV, as the contributor; then one KPI edited and the other retired.
    open_as(page, server, f"results?uc={key}", CONTRIBUTOR)
    choose(page, "KPI", "Minutes per handover (minutes)")
    one = (
        main(page).locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name="Log result"))
    )
    one.get_by_label("Value", exact=True).fill("18")
    one.get_by_role("button", name="Log result").click()
    settle(page)
    page.get_by_text("The result is stored for Minutes per handover").wait_for()
    csv = tmp_path / "handover.csv"
    csv.write_text("date,value,note\n2026-01-05,16,week 1\n2026-01-12,14,week 2\n")
    page.get_by_role("tab", name="Upload a CSV").click()
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv))
    # The button shows once the upload has ended and its run drawn it (the upload asks for no run before).
    page.get_by_role("button", name="Check the file").click()
    settle(page)
    expect(page.get_by_text("2 rows ready to store.")).to_have_count(1)
    assert_reads_in_words(page)  # the preview reads "Date", not measured_on
    page.get_by_role("button", name="Store 2 good rows").click()
    page.get_by_text("2 results are stored for Minutes per handover").wait_for()

    open_as(page, server, f"use_case?uc={key}", CONTRIBUTOR)
    page.get_by_role("tab", name="KPIs and results").click()
    settle(page)

    def edit_panel(name: str):
        """The "Edit or retire this KPI" panel of the KPI called `name` (its form holds the name)."""
        panel = (
            main(page)
            .locator('[data-testid="stExpander"]')
            .filter(has=page.locator(f'input[value="{name}"]'))
        )
        panel.get_by_text("Edit or retire this KPI").click()
        return panel

    minutes = edit_panel("Minutes per handover")
    minutes.get_by_label("Target", exact=True).fill("12")
    minutes.get_by_role("button", name="Save KPI").click()
    settle(page)
    # Saved (the confirmation is a passing toast): the form opens again on the new version, target 12.
    target = (
        main(page)
        .locator('[data-testid="stExpander"]')
        .filter(has=page.locator('input[value="Minutes per handover"]'))
    )
    expect(target.get_by_label("Target", exact=True)).to_have_value(re.compile(r"^12(\.0*)?$"))
    missing = edit_panel("Handover notes missing a detail")
    missing.get_by_label("Why is it retired? *").fill("Counted by the ward audit instead.")
    missing.get_by_role("button", name="Retire KPI").click()
    settle(page)
    main(page).get_by_text(re.compile(r"Retired KPIs \(1\)")).wait_for()
    assert_reads_in_words(page)

    # 5. Stopped with its lesson, by the approver, from the board.
    open_as(page, server, "board", APPROVER)
    dialog = decide(page, key, "Stop")
    dialog.get_by_label("Why stop now *").fill("The ward log format changes next quarter.")
    dialog.get_by_label("Lesson title *").fill("Wait for a stable source before drafting from it")
    dialog.get_by_label("What we tried *").fill("Drafting handover notes from the current ward log.")
    dialog.get_by_label("What happened *").fill("Time fell, but the log format is about to change.")
    dialog.get_by_role("button", name="Stop and save the lesson").click()
    settle(page)
    page.get_by_text(f"{key} stopped; its lesson is recorded.").wait_for()

    open_as(page, server, f"use_case?uc={key}", APPROVER)
    for tab in ("Decisions and history", "Lessons"):
        page.get_by_role("tab", name=tab).click()
        settle(page)
        assert_reads_in_words(page)
    expect(main(page).get_by_text("Wait for a stable source before drafting from it")).not_to_have_count(0)
