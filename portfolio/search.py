"""Full-text search over lessons and public incidents with each database's own facility: SQLite FTS5 tables
kept in step by triggers, PostgreSQL tsvector expressions with GIN indexes (both created by migration 0006).

What a person types never reaches the database as syntax: it is cut into plain words first (letters and
digits only, common English words dropped, a bounded number), so quotes, `%`, `_`, SQL fragments and very
long text all give a sane search, never an error. SQLite stems with the Porter stemmer and PostgreSQL with its
English dictionary, so "chatbots" finds "chatbot" on both."""

import re
from dataclasses import dataclass

from sqlalchemy import Float, Integer, Subquery, text

MAX_TERMS = 32
MAX_TERM_LENGTH = 40
_WORD = re.compile(r"[^\W_]+")

# PostgreSQL's English stop words: dropped here too so that both databases read a query the same way.
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "did",
        "do",
        "does",
        "doing",
        "don",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "t",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
    ]
)


# Words nearly every AI use case and incident holds: they say nothing about which are alike.
GENERIC_WORDS = frozenset(
    [
        "ai",
        "artificial",
        "intelligence",
        "system",
        "systems",
        "tool",
        "tools",
        "using",
        "use",
        "used",
        "based",
    ]
)


def search_terms(typed: str | None, *, limit: int = MAX_TERMS, similar: bool = False) -> list[str]:
    """The distinct searchable words of `typed`, lower-cased, in the order typed, at most `limit`. To find
    similar text (`similar`), words common to all AI use cases are left out too."""
    found: list[str] = []
    dropped = STOP_WORDS | GENERIC_WORDS if similar else STOP_WORDS
    for word in _WORD.findall((typed or "").lower()):
        word = word[:MAX_TERM_LENGTH]
        if len(word) > 1 and word not in dropped and word not in found:
            found.append(word)
            if len(found) == limit:
                break
    return found


@dataclass(frozen=True)
class SearchIndex:
    """One searchable table: its SQLite FTS5 table (with bm25 column weights) and PostgreSQL document."""

    table: str
    sqlite_table: str
    sqlite_weights: tuple[float, ...]
    postgres_document: str


# The PostgreSQL documents are the exact expressions of the GIN indexes in migration 0006: a query uses the
# index only when it repeats the expression.
LESSONS = SearchIndex(
    table="lesson",
    sqlite_table="lesson_search",
    # title, tried, happened, root_cause, do_differently, tags
    sqlite_weights=(4.0, 1.0, 2.0, 2.0, 2.0, 3.0),
    postgres_document=(
        "(setweight(to_tsvector('english', title), 'A') || "
        "setweight(to_tsvector('english', happened || ' ' || root_cause || ' ' || do_differently), 'B') || "
        "setweight(jsonb_to_tsvector('english', tags, '[\"string\"]'), 'B') || "
        "to_tsvector('english', tried))"
    ),
)
INCIDENTS = SearchIndex(
    table="incident",
    sqlite_table="incident_search",
    # title, description, deployers, developers, harmed_parties
    sqlite_weights=(4.0, 1.0, 1.0, 1.0, 1.0),
    postgres_document=(
        "(setweight(to_tsvector('english', title), 'A') || to_tsvector('english', description || ' ' || "
        "deployers || ' ' || developers || ' ' || harmed_parties))"
    ),
)
SEARCH_TABLE_PREFIXES = (LESSONS.sqlite_table, INCIDENTS.sqlite_table)


def match_expression(dialect: str, terms: list[str], *, any_term: bool) -> str:
    """The query handed to the database: every term (a search) or any term (finding similar text). Terms
    hold only letters and digits, so quoting them cannot be broken out of."""
    if dialect == "sqlite":
        return (" OR " if any_term else " ").join(f'"{term}"' for term in terms)
    # websearch_to_tsquery never raises on any input; "or" is its operator, and a stop word, never a term.
    return (" or " if any_term else " ").join(terms)


def matches(index: SearchIndex, dialect: str, terms: list[str], *, any_term: bool = False) -> Subquery:
    """A subquery of (id, relevance) for the rows matching `terms`; higher is a better match."""
    query = match_expression(dialect, terms, any_term=any_term)
    if dialect == "sqlite":
        weights = ", ".join(str(w) for w in index.sqlite_weights)
        sql = (
            f"SELECT rowid AS id, -bm25({index.sqlite_table}, {weights}) AS relevance "
            f"FROM {index.sqlite_table} WHERE {index.sqlite_table} MATCH :search_query"
        )
    else:
        document = index.postgres_document
        sql = (
            f"SELECT {index.table}.id AS id, ts_rank({document}, search_query) AS relevance "
            f"FROM {index.table}, websearch_to_tsquery('english', :search_query) AS search_query "
            f"WHERE {document} @@ search_query"
        )
    return (
        text(sql)
        .bindparams(search_query=query)
        .columns(id=Integer, relevance=Float)
        .subquery(f"{index.table}_matches")
    )


def made_by_migration(name: str | None, type_: str = "", parent_names: object = None) -> bool:
    """Whether `name` is one of the search tables (SQLite FTS5 and their shadow tables) or GIN indexes
    (PostgreSQL) that migration 0006 creates outside the models; Alembic's comparison leaves them out."""
    return bool(name) and any(
        str(name).startswith(prefix) or str(name) == f"ix_{prefix}" for prefix in SEARCH_TABLE_PREFIXES
    )
