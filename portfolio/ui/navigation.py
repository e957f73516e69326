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
    also_for: tuple[Role, ...] = ()  # other roles that open the page too
    sample_query: str = ""  # query string a smoke test opens the page with

    def open_to(self, roles: frozenset[str]) -> bool:
        """Whether someone holding `roles` has this page in their navigation."""
        return self.role in roles or any(role in roles for role in self.also_for)

    @property
    def path(self) -> str:
        """The page's address: the first page is the app's home, served at the root."""
        return "" if self is PAGES[0] else self.url_path


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/overview.py",
        "Overview",
        ":material/dashboard:",
        "overview",
        "Where the pipeline stands, what is stuck, what delivers value, where trust is at risk and whether the "
        "portfolio is balanced; every figure leads to the use cases behind it.",
    ),
    PageSpec(
        "pages/portfolio.py",
        "Portfolio",
        ":material/table_view:",
        "portfolio",
        "Every use case with its stage, owner, team, impact and risk. Search, filter and open one.",
    ),
    PageSpec(
        "pages/board.py",
        "Pipeline board",
        ":material/view_kanban:",
        "board",
        "The portfolio by stage with what needs a decision first; record gate decisions, pilot reviews, stops "
        "and retirements right there.",
    ),
    PageSpec(
        "pages/matrix.py",
        "Impact and risk",
        ":material/scatter_plot:",
        "matrix",
        "The portfolio on an impact-against-risk matrix, and the ranked backlog of what to pilot next.",
    ),
    PageSpec(
        "pages/trust.py",
        "Trust",
        ":material/verified_user:",
        "trust",
        "Customer-facing use cases: trust KPIs and their status, missing disclosure or path to a person, and trends.",
    ),
    PageSpec(
        "pages/snapshots.py",
        "Quarterly snapshots",
        ":material/photo_camera:",
        "snapshots",
        "Freeze the portfolio each quarter, download it for the board (Excel, CSV, HTML, PDF) and compare quarters.",
    ),
    PageSpec(
        "pages/lessons.py",
        "Lessons",
        ":material/school:",
        "lessons",
        "Our lessons, failures first, searchable and filterable, with their trend; and the public AI incident "
        "library. Contributors record and edit lessons here.",
    ),
    PageSpec(
        "pages/use_case.py",
        "Use case",
        ":material/description:",
        "use_case",
        "Everything recorded about one use case: facts, scores, KPIs, gate decisions, lessons and history.",
        sample_query="uc=UC-0001",
    ),
    PageSpec(
        "pages/propose.py",
        "Propose",
        ":material/add_circle:",
        "propose",
        "Propose a new AI use case: the problem, the goal, the EU AI Act tier and the first KPIs.",
        section="Contribute",
        role=Role.contributor,
    ),
    PageSpec(
        "pages/results.py",
        "Log results",
        ":material/add_chart:",
        "results",
        "Log KPI results one at a time, many at once or from a CSV file, and correct a result.",
        section="Contribute",
        role=Role.contributor,
        sample_query="uc=UC-0001",
    ),
    PageSpec(
        "pages/score.py",
        "Score",
        ":material/rate_review:",
        "score",
        "Score a use case on impact and risk against the active scoring model.",
        section="Contribute",
        role=Role.reviewer,
        sample_query="uc=UC-0011",
    ),
    PageSpec(
        "pages/import_export.py",
        "Import and export",
        ":material/swap_vert:",
        "import_export",
        "Import use cases from a CSV or Excel inventory (map columns and stages, preview, import); download the "
        "whole portfolio and the public AI register.",
        section="Contribute",
        role=Role.contributor,
        also_for=(Role.approver, Role.administrator),
    ),
    PageSpec(
        "pages/scoring_model.py",
        "Scoring model",
        ":material/tune:",
        "scoring_model",
        "Criteria, anchors, weights and quadrant thresholds; every change is a new version.",
        section="Administration",
        role=Role.administrator,
    ),
    PageSpec(
        "pages/people.py",
        "People and roles",
        ":material/group:",
        "people",
        "Add people and set their roles: viewer, contributor, reviewer, approver, administrator.",
        section="Administration",
        role=Role.administrator,
    ),
    PageSpec(
        "pages/gates_admin.py",
        "Gates and limits",
        ":material/rule:",
        "gates_admin",
        "Gate checklists and the time a use case may stay in each stage before it is flagged.",
        section="Administration",
        role=Role.administrator,
    ),
    PageSpec(
        "pages/audit.py",
        "Audit trail",
        ":material/history:",
        "audit",
        "Every recorded change: who made it, when, and before beside after; filter, page through and export.",
        section="Administration",
        role=Role.approver,
        also_for=(Role.administrator,),
    ),
)
