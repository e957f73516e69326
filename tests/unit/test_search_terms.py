"""What a person types becomes plain words before any database sees it."""

from hypothesis import given
from hypothesis import strategies as st

from portfolio.search import MAX_TERM_LENGTH, MAX_TERMS, made_by_migration, match_expression, search_terms


def test_words_are_lower_cased_deduplicated_and_stripped_of_syntax():
    assert search_terms('The "Chatbot" AND hand-over; DROP TABLE lesson; -- 100% _x_') == [
        "chatbot",
        "hand",
        "drop",
        "table",
        "lesson",
        "100",
    ]
    assert search_terms("%_%") == [] and search_terms(None) == [] and search_terms("the and or") == []


def test_similarity_also_leaves_out_words_every_ai_use_case_holds():
    assert search_terms("AI chatbot system for customers", similar=True) == ["chatbot", "customers"]
    assert search_terms("AI chatbot") == ["ai", "chatbot"]


def test_very_long_text_is_bounded():
    words = search_terms(" ".join(f"word{n}" for n in range(10_000)) + " " + "x" * 10_000)
    assert len(words) == MAX_TERMS
    assert max(len(w) for w in search_terms("y" * 10_000)) == MAX_TERM_LENGTH


@given(st.text(max_size=300))
def test_any_text_gives_only_letters_and_digits(typed):
    for word in search_terms(typed):
        assert word.isalnum() and word == word.lower() and 1 < len(word) <= MAX_TERM_LENGTH
    for dialect in ("sqlite", "postgresql"):
        for any_term in (False, True):
            query = match_expression(dialect, search_terms(typed), any_term=any_term)
            assert "'" not in query and ";" not in query


def test_the_search_tables_are_known_to_the_schema_comparison():
    assert made_by_migration("lesson_search_data") and made_by_migration("ix_incident_search")
    assert not made_by_migration("lesson") and not made_by_migration("incident")
