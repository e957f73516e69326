"""The app's pages: one list, read by app.py to build the navigation and by the tests to open every page."""

from dataclasses import dataclass

from portfolio.models import Role


@dataclass(frozen=True)
class PageSpec:
    script: str
    title: str
    icon: str
    url_path: str
    help: str
    section: str = "Overview"
    role: Role = Role.viewer
    visible: bool = True
    sample_query: str = ""  # query string a smoke test opens the page with

    @property
    def path(self) -> str:
        """The page's address: the first page is the app's home, served at the root."""
        return "" if self is PAGES[0] else self.url_path


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/portfolio.py",
        "Portfolio",
        ":material/table_view:",
        "portfolio",
        "Every use case with its stage, owner, team, impact and risk. Search, filter and open one.",
    ),
    PageSpec(
        "pages/use_case.py",
        "Use case",
        ":material/description:",
        "use_case",
        "Everything recorded about one use case: facts, scores, KPIs, gate decisions, lessons and history.",
        sample_query="uc=UC-0001",
    ),
)
