"""Domain errors: each carries a message written for the person using the tool."""


class PortfolioError(Exception):
    """Base class. `str(error)` is safe to show to a user."""


class InvalidInput(PortfolioError):
    """One or more fields are wrong. `problems` maps a field name to what to fix."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


class NotFound(PortfolioError):
    pass


class NotAllowed(PortfolioError):
    """The acting person lacks the role for this action."""


class Conflict(PortfolioError):
    """Someone else changed the record first, or a unique value is taken."""


class StaleEditError(Conflict):
    """An edit made on an out-of-date copy: someone else saved first. The message says who changed what
    and that nothing of this edit was saved; `changes` lists those changes, one readable line each."""

    def __init__(self, message: str, changes: list[str] | None = None):
        self.changes = changes or []
        super().__init__(message)


class RuleViolation(PortfolioError):
    """A domain rule forbids this (e.g. a prohibited-tier use case entering a pilot)."""


class DatabaseUnavailable(PortfolioError):
    """The database cannot be used: unreachable, not a database, read-only, or at an unknown schema."""


class DatabaseBusy(DatabaseUnavailable):
    """Another change held the database for longer than the busy timeout; trying again usually works."""


class DataLossRefused(PortfolioError):
    """A schema downgrade would delete stored data and was not explicitly allowed."""
