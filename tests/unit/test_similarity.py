"""The duplicate check on Propose: unrelated proposals are not flagged (the demo), real near-duplicates are
(the 2024 US federal AI use case inventory, read in place from the shared data folder next to the project)."""

import os
from pathlib import Path

import pytest

from portfolio.demo.content import CASES
from portfolio.similarity import THRESHOLD, build_index, combined, similar, words

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = "us-federal-ai-use-case-inventory-2024.csv"


def demo_index():
    return build_index(
        (f"UC-{n:04d}", c["title"], c["problem"], "proposed", c["team"]) for n, c in enumerate(CASES, start=1)
    )


def test_words_drop_the_vocabulary_every_proposal_shares_and_meet_at_a_stem():
    assert words("An AI assistant for restaurant bookings") == ["restaurant", "book"]
    assert words("Booking") == words("booked") == ["book"]


def test_no_two_demo_use_cases_are_taken_for_each_other():
    index = demo_index()
    for n, case in enumerate(CASES, start=1):
        others = [m for m in similar(index, case["title"], case["problem"]) if m.key != f"UC-{n:04d}"]
        assert others == [], f"{case['title']} flagged as a duplicate of {[m.title for m in others]}"


@pytest.mark.parametrize(
    ("title", "problem"),
    [
        (
            "Restaurant booking chat assistant",
            "Guests want to book a table in our restaurants by chat at any hour; staff answering the phone "
            "during service miss bookings.",
        ),
        ("Cashier scheduling from footfall", "Queues at the tills at lunchtime while cashiers idle at 3 pm."),
        ("Hotel breakfast demand forecast", "Breakfast buffets waste food on quiet mornings."),
        ("Store camera shoplifting alerts", "Shoplifting in city stores rose 20% last year."),
    ],
)
def test_unrelated_proposals_are_not_flagged_on_the_demo(title, problem):
    assert similar(demo_index(), title, problem) == []


@pytest.mark.parametrize(
    ("title", "problem", "expected"),
    [
        (
            "Menu allergen assistant",
            "Guests with allergies ask waiters which dishes contain allergens; waiters look it up in binders.",
            "Allergen assistant for restaurant menus",
        ),
        (
            "Customer service assistant for simple questions",
            "",
            "Customer-service assistant for simple questions",
        ),
        (
            "Predict which restaurant bookings will not show up",
            "One in eight restaurant bookings is a no-show, leaving tables empty.",
            "Restaurant no-show prediction",
        ),
    ],
)
def test_the_same_idea_reworded_is_found_on_the_demo(title, problem, expected):
    assert [m.title for m in similar(demo_index(), title, problem)][:1] == [expected]


def test_a_match_needs_title_and_problem_to_agree_unless_one_is_nearly_identical():
    assert combined(0.6, 0.0) < THRESHOLD  # "Shelf-gap detection with store cameras" vs cashier stress
    assert combined(0.6, 0.5) >= THRESHOLD
    assert combined(0.0, 0.9) >= THRESHOLD  # the same problem under another name


def shared_data() -> Path:
    # ../shared/data beside the project; a git worktree one level further down, or PORTFOLIO_SHARED_DATA.
    candidates = [ROOT.parent / "shared" / "data", ROOT.parents[1] / "shared" / "data"]
    if os.environ.get("PORTFOLIO_SHARED_DATA"):
        candidates.insert(0, Path(os.environ["PORTFOLIO_SHARED_DATA"]))
    for folder in candidates:
        if (folder / INVENTORY).exists():
            return folder / INVENTORY
    pytest.skip(
        f"The 2024 US federal AI use case inventory ({INVENTORY}) is not in ../shared/data next to the project; "
        "put the shared data folder there to run the near-duplicate test on real data."
    )


# Real re-registrations in the inventory: the same idea entered twice, renamed or re-worded.
NEAR_DUPLICATES = [
    ("License Plate Reader 1", "License Plate Reader 2"),
    ("LexisNexis (AI assisted legal research)", "Westlaw (AI assisted legal research)"),
    ("Volcano SensorWeb", "SensorWeb: Volcano"),
    ("Facial Recognition Technology (Procurement", "Facial Recognition Technology and Data Mapping Tools"),
    ("Intelligent forecasting for Malaria products", "Intelligent forecasting for"),
    ("AskOEDI", "Ask"),
    ("Classifying GPS data to understand flight behavior of birds.", "Classifying GPS data"),
    ("Exiger Supply Chain Risk Management - DDIQ Research Engine", "Exiger Supply Chain Risk Management"),
    ("Hanford Procedure Search", "Hanford Search"),
    ("Predictions of PFAS Concentrations in Groundwater", "Predicting PFAS occurrence in groundwater"),
    ("EDGAR Filing Signature Review Solution", "EDGAR Filing Certification Review Solution"),
    ("Semantic group prediction in the UMLS Metathesaurus", "Synonymy prediction in the UMLS Metathesaurus"),
]


@pytest.fixture(scope="module")
def inventory():
    import pandas as pd

    frame = pd.read_csv(shared_data(), encoding="cp1252")
    titles = frame["Use Case Name"].fillna("").str.strip()
    problems = frame["What is the intended purpose and expected benefits of the AI?"].fillna("")
    return titles, problems


@pytest.mark.parametrize(("proposal", "twin"), NEAR_DUPLICATES)
def test_real_near_duplicates_in_the_2024_us_inventory_are_found(inventory, proposal, twin):
    titles, problems = inventory
    row = titles[titles.str.startswith(proposal)].index[0]
    others = build_index((str(i), titles[i], problems[i], "proposed", "") for i in titles.index if i != row)
    found = [titles[int(m.key)] for m in similar(others, titles[row], problems[row])]
    assert any(title.startswith(twin) for title in found), f"{proposal}: found {found}"
