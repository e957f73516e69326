import pytest
from pydantic import Field

from portfolio.errors import InvalidInput
from portfolio.models import Sector
from portfolio.validation import Input, text_problem, validate


class Example(Input):
    title: str = Field(title="Title", min_length=1, max_length=20)
    sector: Sector = Field(title="Sector")
    score: int = Field(default=3, ge=1, le=5, title="Score")


def problems(**data) -> dict[str, str]:
    with pytest.raises(InvalidInput) as error:
        validate(Example, {"title": "A", "sector": "retail"} | data)
    return error.value.problems


def test_valid_input_is_trimmed():
    assert validate(Example, {"title": "  Chatbot  ", "sector": "retail"}).title == "Chatbot"


def test_messages_name_the_field_and_the_fix():
    assert problems(title="") == {"title": "Title is required."}
    assert problems(title="   ") == {"title": "Title is required."}
    assert (
        problems(title="x" * 100_000)["title"]
        == "Title is too long: keep it to 20 characters (it has 100,000)."
    )
    assert problems(sector="space")["sector"].startswith("Sector: choose one of")
    assert problems(score=9)["score"] == "Score must be at most 5 (got 9)."
    assert problems(score="high")["score"] == "Score must be a whole number (got 'high')."
    assert problems(colour="red")["colour"] == "Colour is not a field here; remove it."


def test_every_problem_is_reported_at_once():
    assert set(problems(title="", sector="space", score=0)) == {"title", "sector", "score"}


@pytest.mark.parametrize("broken", ["bad \ud800 text", "null\x00byte"])
def test_broken_text_is_refused(broken):
    assert text_problem(broken)
    assert "retype it" in problems(title=broken)["title"]


def test_ordinary_unicode_is_fine():
    assert text_problem("Café – 顧客 😊") is None


def test_a_missing_choice_is_required_not_a_type_error():
    assert problems(sector=None) == {"sector": "Sector is required."}
    # a blank optional field takes its default
    assert validate(Example, {"title": "A", "sector": "retail", "score": None}).score == 3
