"""What a use case still lacks to be governed: an imported row is stored however incomplete, and its gaps
are shown until someone closes them. Pure: plain values in, labelled gaps out."""

NO_OWNER = "No accountable owner"
NO_TIER = "EU AI Act tier not classified"
NOT_SCORED = "Not scored"
NO_KPI = "No KPIs"
NO_PROBLEM = "Problem not described"
NO_TEAM = "No team"


def gaps(
    *, owner_named: bool, tier: str | None, reviewer_count: int, kpi_count: int, problem: str, team: str
) -> list[str]:
    """The gaps in the order a portfolio office would close them: accountability first."""
    found = []
    if not owner_named:
        found.append(NO_OWNER)
    if not tier:
        found.append(NO_TIER)
    if not reviewer_count:
        found.append(NOT_SCORED)
    if not kpi_count:
        found.append(NO_KPI)
    if not problem.strip():
        found.append(NO_PROBLEM)
    if not team.strip():
        found.append(NO_TEAM)
    return found
