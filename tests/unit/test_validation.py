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


@pytest.mark.parametrize(
    ("text", "words"),
    [("abc\u202edef", "text-direction character (U+202E)"), ("bell\x07", "control character (U+0007)")],
)
def test_invisible_characters_are_refused_but_line_breaks_and_tabs_are_not(text, words):
    assert words in text_problem(text)
    assert text_problem("Line one\nline two\twith a tab\r\n") is None


def test_numbers_must_be_finite_and_bounded():
    from portfolio.validation import Measure, Money

    class Amounts(Input):
        value: Measure = Field(title="Value")
        cost: Money | None = Field(default=None, title="Cost")

    def refused(**data):
        with pytest.raises(InvalidInput) as error:
            validate(Amounts, {"value": 1} | data)
        return " ".join(error.value.problems.values())

    assert "ordinary number" in refused(value=float("nan"))
    assert "ordinary number" in refused(value=float("inf"))
    assert "at most 1,000,000,000,000" in refused(value=1e308)
    assert "at most 10,000,000,000" in refused(cost=1e308)
    assert "at least 0" in refused(cost=-1)
    assert "ordinary number" in refused(value=True)


def test_dates_lie_between_1970_and_2100():
    from datetime import date

    from portfolio.validation import Day

    class When(Input):
        day: Day = Field(title="Date")

    for far in (date(1, 1, 1), date(9999, 12, 31)):
        with pytest.raises(InvalidInput, match="between 1970 and 2100"):
            validate(When, {"day": far})
    assert validate(When, {"day": "2026-03-31"}).day == date(2026, 3, 31)


def test_wrong_kinds_of_value_are_named_not_dumped():
    with pytest.raises(InvalidInput) as error:
        validate(Example, {"title": {"a": object()}, "sector": "retail"})
    assert error.value.problems["title"] == "Title must be text (got a set of named values)."
    with pytest.raises(InvalidInput, match="named fields"):
        validate(Example, None)


@pytest.mark.parametrize("email", ["x@.", "x@y", "a b@c.org", "x@-y.org", "x@@example.org", "@example.org"])
def test_malformed_emails_are_refused(email):
    from portfolio.services.people import PersonInput

    with pytest.raises(InvalidInput, match="full e-mail address"):
        validate(PersonInput, {"name": "Pat", "email": email})


def test_ordinary_emails_are_accepted():
    from portfolio.services.people import PersonInput

    assert validate(PersonInput, {"name": "Pat", "email": "Pat.O'Neil+ai@sub.Example.co.uk"}).email == (
        "pat.o'neil+ai@sub.example.co.uk"
    )
