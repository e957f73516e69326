"""Common KPIs to start from: the trust catalogue every customer-facing pilot draws on, and starter packs per
sector for typical AI use cases. Teams pick one and adjust it."""

from dataclasses import dataclass

from portfolio.models.enums import Direction, KpiKind, Sector


@dataclass(frozen=True)
class KpiTemplate:
    name: str
    kind: KpiKind
    unit: str
    direction: Direction
    method: str


def _t(name: str, kind: KpiKind, unit: str, direction: Direction, method: str) -> KpiTemplate:
    return KpiTemplate(name, kind, unit, direction, method)


H, L = Direction.higher, Direction.lower
TRUST, BUSINESS, EMPLOYEE, QUALITY, FAIRNESS = (
    KpiKind.trust,
    KpiKind.business,
    KpiKind.employee,
    KpiKind.model_quality,
    KpiKind.fairness,
)

TRUST_CATALOGUE: tuple[KpiTemplate, ...] = (
    _t("Customer satisfaction", TRUST, "score 1-10", H, "Post-interaction survey, 1 to 10, mean per week."),
    _t("Net Promoter Score", TRUST, "NPS", H, "Share of promoters minus share of detractors, per month."),
    _t(
        "Customers told they are dealing with AI",
        TRUST,
        "%",
        H,
        "Share of AI interactions that open with a clear disclosure.",
    ),
    _t(
        "Conversations handed to a person",
        TRUST,
        "%",
        L,
        "Share of AI conversations handed over to an employee.",
    ),
    _t(
        "Time to reach a person",
        TRUST,
        "minutes",
        L,
        "Median minutes from asking for a person to one answering.",
    ),
    _t("Complaints about the AI", TRUST, "count", L, "Complaints that mention the AI system, per month."),
    _t("Opt-outs from the AI", TRUST, "%", L, "Share of customers who choose not to use the AI channel."),
    _t(
        "Fairness gap between groups",
        FAIRNESS,
        "%",
        L,
        "Largest difference in outcome rate between customer groups (age, sex, language), after case mix.",
    ),
    _t("Employee adoption", EMPLOYEE, "%", H, "Share of intended users using the tool each week."),
    _t(
        "Employee sentiment", EMPLOYEE, "score 1-5", H, "Pulse survey: 'The tool helps me do my job', 1 to 5."
    ),
    _t("Automated resolution rate", BUSINESS, "%", H, "Share of cases resolved without a person."),
)

VALUE_TEMPLATES: tuple[KpiTemplate, ...] = (
    _t(
        "Hours saved", BUSINESS, "hours per month", H, "Time no longer spent on the task, from a time sample."
    ),
    _t("Money saved or earned", BUSINESS, "EUR per month", H, "Cost avoided or margin earned, per month."),
)

STARTER_PACKS: dict[Sector, tuple[KpiTemplate, ...]] = {
    Sector.retail: (
        _t("Online conversion rate", BUSINESS, "%", H, "Orders divided by sessions."),
        _t("Return rate", BUSINESS, "%", L, "Returned items as a share of items sold."),
        _t("Average basket value", BUSINESS, "EUR", H, "Revenue per order."),
        _t("Recommendations shown with a reason", TRUST, "%", H, "Share of recommendations explaining why."),
    ),
    Sector.hospitality: (
        _t("Guest satisfaction", TRUST, "score 1-10", H, "Post-stay survey, overall satisfaction."),
        _t("Response time to guests", BUSINESS, "minutes", L, "Median minutes to answer a guest request."),
        _t("Direct bookings", BUSINESS, "count", H, "Bookings made directly, per month."),
        _t("Reviews answered within 48 hours", BUSINESS, "%", H, "From the review platforms."),
    ),
    Sector.healthcare: (
        _t("Time to triage", BUSINESS, "minutes", L, "Median minutes from arrival to triage."),
        _t(
            "Clinician override rate",
            QUALITY,
            "%",
            L,
            "Recommendations a clinician changed, with the reason.",
        ),
        _t("Missed appointments", BUSINESS, "%", L, "Did-not-attend rate."),
        _t(
            "Fairness gap between patient groups",
            FAIRNESS,
            "%",
            L,
            "Difference in recommendation rate between groups.",
        ),
    ),
    Sector.services: (
        _t("First-contact resolution", BUSINESS, "%", H, "Cases resolved in the first contact."),
        _t("Average handling time", BUSINESS, "minutes", L, "Mean minutes per case."),
        _t("Automated resolution rate", BUSINESS, "%", H, "Share of cases resolved without a person."),
        _t("Customer satisfaction", TRUST, "score 1-10", H, "Post-contact survey, 1 to 10."),
    ),
    Sector.other: (),
}


def templates_for(sector: Sector | str | None) -> list[KpiTemplate]:
    """The sector's starter pack first, then the trust catalogue and value templates (no duplicate names)."""
    pack = STARTER_PACKS.get(Sector(sector), ()) if sector else ()
    seen: set[str] = set()
    ordered = []
    for template in (*pack, *TRUST_CATALOGUE, *VALUE_TEMPLATES):
        if template.name not in seen:
            seen.add(template.name)
            ordered.append(template)
    return ordered
