"""Is a proposal the same idea as a use case already in the portfolio? Pure.

Words are weighed by how rare they are in the portfolio (TF-IDF): sharing "assistant", "customer" or
"restaurant" says little when many use cases use them, sharing "allergen" says a lot. Titles and problem
statements are compared separately (cosine similarity, 0 to 1) and a match needs both to agree, unless one
of them is nearly identical:

    score = max(0.55 × title + 0.45 × problem, title if title ≥ 0.85, problem if problem ≥ 0.85)

A score of 0.5 or more is shown as a possible duplicate. Before a problem is written, titles alone are
compared, and only a title similarity of 0.6 or more counts. Tuned on the demo (no two of its 36 use cases reach
it; a restaurant booking chat assistant is not taken for the menu allergen assistant) and on the 2024 US
federal AI use case inventory (its re-registered and re-worded use cases reach it)."""

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

THRESHOLD = 0.5
TITLE_ONLY_THRESHOLD = 0.6
NEAR_IDENTICAL = 0.85
TITLE_WEIGHT = 0.55

# Words that say nothing about which idea a use case is: grammar, and the vocabulary every AI proposal uses.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "without",
        "not",
        "no",
        "can",
        "could",
        "would",
        "should",
        "may",
        "might",
        "than",
        "then",
        "there",
        "these",
        "those",
        "each",
        "every",
        "all",
        "any",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "so",
        "too",
        "very",
        "just",
        "also",
        "about",
        "after",
        "before",
        "over",
        "under",
        "between",
        "through",
        "during",
        "per",
        "via",
        "using",
        "use",
        "used",
        "uses",
        "based",
        "new",
        "current",
        "currently",
        "ai",
        "artificial",
        "intelligence",
        "machine",
        "learning",
        "ml",
        "model",
        "models",
        "tool",
        "tools",
        "system",
        "systems",
        "solution",
        "solutions",
        "application",
        "applications",
        "automated",
        "automation",
        "automatic",
        "automatically",
        "assistant",
        "assistants",
        "help",
        "helps",
        "support",
        "supports",
        "provide",
        "provides",
        "allow",
        "allows",
        "enable",
        "enables",
        "improve",
        "improves",
        "make",
        "makes",
    ]
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "s", "ed")


@lru_cache(maxsize=65_536)  # a portfolio's vocabulary repeats: stem each word once
def _stem(word: str) -> str:
    """A light stemmer: "bookings", "booking" and "booked" meet at "book"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def words(text: str) -> list[str]:
    return [
        _stem(word)
        for word in re.findall(r"[a-z0-9]+", (text or "").lower())
        if word not in STOPWORDS and len(word) > 1 and not word.isdigit()
    ]


Vector = dict[str, float]


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    stage: str
    team: str
    title_vector: Vector
    problem_vector: Vector


@dataclass(frozen=True)
class Index:
    """The portfolio's use cases as weighted word vectors, built once per portfolio revision."""

    entries: tuple[Entry, ...]
    document_frequency: dict[str, int]
    size: int

    def weight(self, word: str) -> float:
        return math.log((self.size + 1) / (self.document_frequency.get(word, 0) + 1)) + 1

    def vector(self, text: str) -> Vector:
        return self.vector_of(words(text))

    def vector_of(self, tokens: list[str]) -> Vector:
        counts = Counter(tokens)
        raw = {w: (1 + math.log(n)) * self.weight(w) for w, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {w: v / norm for w, v in raw.items()}


@dataclass(frozen=True)
class Match:
    key: str
    title: str
    stage: str
    team: str
    score: float
    title_score: float
    problem_score: float


def build_index(rows: Iterable[tuple[str, str, str, str, str]]) -> Index:
    """`rows`: (key, title, problem, stage, team) of every use case to compare with."""
    # Each text is split into words once, for the frequencies and for its vector.
    rows = [
        (key, title, words(title), words(problem), stage, team) for key, title, problem, stage, team in rows
    ]
    frequency: Counter[str] = Counter()
    for _key, _title, title_words, problem_words, _stage, _team in rows:
        frequency.update(set(title_words) | set(problem_words))
    bare = Index((), dict(frequency), len(rows))
    entries = tuple(
        Entry(key, title, stage, team, bare.vector_of(title_words), bare.vector_of(problem_words))
        for key, title, title_words, problem_words, stage, team in rows
    )
    return Index(entries, dict(frequency), len(rows))


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def combined(title_score: float, problem_score: float) -> float:
    return max(
        TITLE_WEIGHT * title_score + (1 - TITLE_WEIGHT) * problem_score,
        title_score if title_score >= NEAR_IDENTICAL else 0.0,
        problem_score if problem_score >= NEAR_IDENTICAL else 0.0,
    )


def similar(
    index: Index, title: str, problem: str = "", *, limit: int = 5, threshold: float = THRESHOLD
) -> list[Match]:
    """The use cases that look like the same idea as (title, problem), most similar first."""
    title_vector, problem_vector = index.vector(title), index.vector(problem)
    if not title_vector and not problem_vector:
        return []
    title_only = not problem_vector
    if title_only:
        threshold = max(threshold, TITLE_ONLY_THRESHOLD)
    found = []
    for entry in index.entries:
        title_score = _cosine(title_vector, entry.title_vector)
        problem_score = _cosine(problem_vector, entry.problem_vector)
        score = title_score if title_only else combined(title_score, problem_score)
        if score >= threshold:
            found.append(
                Match(entry.key, entry.title, entry.stage, entry.team, score, title_score, problem_score)
            )
    found.sort(key=lambda m: (-m.score, m.key))
    return found[:limit]
