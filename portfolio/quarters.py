"""Calendar quarters, as the portfolio counts them: labels like "2026-Q4", first and last days. Pure."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    @property
    def starts_at(self) -> datetime:
        """Midnight UTC on the first day: timestamps at or after it fall in this quarter or later."""
        return datetime.combine(self.first_day, time(), tzinfo=UTC)

    @property
    def ends_at(self) -> datetime:
        """Midnight UTC after the last day: timestamps before it fall in this quarter or earlier."""
        return self.next().starts_at

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def start_of_day(day: date) -> datetime:
    """Midnight UTC at the start of `day`."""
    return datetime.combine(day, time(), tzinfo=UTC)
