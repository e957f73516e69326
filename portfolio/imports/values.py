"""Reading one cell as the value a field holds. Each reader returns the value, or raises ValueError with
what is wrong in words a manager understands."""

import re
from datetime import date, datetime

from portfolio.models import AiActTier, AiKind, Audience, Sector

TRUE_WORDS = {"yes", "y", "true", "1", "ja", "oui", "x", "✓"}
FALSE_WORDS = {"no", "n", "false", "0", "nee", "non", "none", "neither", "n/a", "na", ""}
# Ids that registers write when they have none.
PLACEHOLDER_IDS = {
    "tbd",
    "tbc",
    "n/a",
    "na",
    "none",
    "null",
    "-",
    "--",
    "?",
    "0",
    "unknown",
    "pending",
    "x",
    "nan",
}

TIER_WORDS: dict[str, AiActTier] = {
    "prohibited": AiActTier.prohibited,
    "prohibited practice": AiActTier.prohibited,
    "unacceptable": AiActTier.prohibited,
    "unacceptable risk": AiActTier.prohibited,
    "high": AiActTier.high,
    "high-risk": AiActTier.high,
    "high risk": AiActTier.high,
    "limited": AiActTier.limited,
    "limited risk": AiActTier.limited,
    "transparency": AiActTier.limited,
    "minimal": AiActTier.minimal,
    "minimal risk": AiActTier.minimal,
    "low": AiActTier.minimal,
    "low risk": AiActTier.minimal,
}
SECTOR_WORDS: dict[str, Sector] = {
    **{s.value: s for s in Sector},
    "retailer": Sector.retail,
    "e-commerce": Sector.retail,
    "hotel": Sector.hospitality,
    "hotels": Sector.hospitality,
    "restaurants": Sector.hospitality,
    "health": Sector.healthcare,
    "health care": Sector.healthcare,
    "hospital": Sector.healthcare,
    "service": Sector.services,
    "professional services": Sector.services,
}
AI_KIND_WORDS: dict[str, AiKind] = {
    **{k.value: k for k in AiKind},
    **{k.label.casefold(): k for k in AiKind},
    "genai": AiKind.generative,
    "gen ai": AiKind.generative,
    "llm": AiKind.generative,
    "prediction": AiKind.predictive,
    "forecasting": AiKind.predictive,
    "classifier": AiKind.classification,
    "recommender": AiKind.recommendation,
    "rpa": AiKind.automation,
}
AUDIENCE_WORDS: dict[str, Audience] = {
    **{a.value: a for a in Audience},
    "customer": Audience.customers,
    "employee": Audience.employees,
    "staff": Audience.employees,
}

DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%Y%m%d",
)
SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")


def words(text: str) -> str:
    return " ".join(text.split()).casefold()


def read_bool(text: str) -> bool:
    value = words(text)
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    first = re.split(r"[\s,.;:–-]+", value, maxsplit=1)[0]
    if first in {"yes", "true"}:
        return True
    if first in {"no", "false", "none", "neither"}:
        return False
    raise ValueError(f"“{text[:60]}” is not a yes or no")


def read_tier(text: str) -> AiActTier:
    tier = TIER_WORDS.get(words(text))
    if tier is None:
        raise ValueError(
            f"“{text[:60]}” is not an EU AI Act tier (prohibited, high-risk, limited or minimal risk)"
        )
    return tier


def read_choice(text: str, table: dict, fallback: object | None = None) -> object:
    """A value from a vocabulary; `fallback` (e.g. "other") when the word is unknown, else ValueError."""
    value = table.get(words(text))
    if value is not None:
        return value
    if fallback is not None:
        return fallback
    raise ValueError(f"“{text[:60]}” is not one of: {', '.join(sorted({str(v) for v in table.values()}))}")


def day_first(values: list[str]) -> bool:
    """Whether a column's slashed dates are day/month/year: only when some first part cannot be a month
    and no second part needs to be one (a US register writes 7/16/2024)."""
    firsts, seconds = [], []
    for value in values:
        match = SLASH_DATE.match(value.strip())
        if match:
            firsts.append(int(match[1]))
            seconds.append(int(match[2]))
    return any(f > 12 for f in firsts) and not any(s > 12 for s in seconds)


def read_date(text: str, *, dayfirst: bool = False) -> date:
    value = text.strip()
    match = SLASH_DATE.match(value)
    if match:
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        year = year + 2000 if year < 100 else year
        day, month = (first, second) if dayfirst else (second, first)
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"“{value}” is not a real date") from None
    head = value.split("T")[0].split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", value) else value
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(head, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{value[:40]}” is not a date (write it as 2026-03-31)")


def read_number(text: str) -> float:
    cleaned = text.strip().replace("€", "").replace("$", "").replace("£", "").replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", cleaned):  # 1.234,56
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"“{text[:40]}” is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"“{text[:40]}” is not a number")
    if number < 0:
        raise ValueError(f"{text} is below zero")
    return number


def read_score(text: str) -> int:
    number = read_number(text)
    if not number.is_integer() or not 1 <= number <= 5:
        raise ValueError(f"“{text}” is not a whole number from 1 to 5")
    return int(number)


def external_id(text: str) -> str | None:
    """The id as given, or None for a blank or a placeholder such as "TBD"."""
    value = " ".join(text.split())
    return None if words(value) in PLACEHOLDER_IDS else value


def shorten(text: str, limit: int) -> str:
    """Text cut to `limit` characters at a word, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"
