"""The public register: the use cases marked for publication, in the layout of a public algorithm register
(the UK Algorithmic Transparency Recording Standard's tier 1 and the Dutch national algorithm register:
name, organisation, purpose, status, human oversight, impact assessment, contact), as CSV and as one static
HTML page an organisation can put on its website. Both are built from the live portfolio, so the public
promise and the internal portfolio say the same.

The HTML page is self-contained: inline style, no scripts, no fonts, images or links to other sites; every
text people typed is escaped, so it shows exactly as typed."""

import html
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from portfolio.errors import InvalidInput
from portfolio.models import AiActTier, AiKind, Person, Stage, UseCase
from portfolio.reports.spreadsheet import csv_bytes
from portfolio.views.overview_queries import pilot_gate_checklists

FORMATS: dict[str, tuple[str, str]] = {"csv": ("csv", "text/csv"), "html": ("html", "text/html")}
# The register's status words: the ATRS phases and the Dutch register's states, in plain English.
STATUS = {
    Stage.proposed: "Planned",
    Stage.assessed: "Pre-deployment",
    Stage.pilot: "Pilot",
    Stage.scale_up: "Being rolled out",
    Stage.production: "In use",
    Stage.retired: "Retired",
    Stage.rejected: "Not pursued",
    Stage.stopped: "Stopped",
}
COLUMNS = (
    "Name",
    "Reference",
    "Organisation",
    "Team",
    "Purpose",
    "Expected benefit",
    "Status",
    "Type of AI",
    "Makes or informs decisions about people",
    "Human oversight",
    "Risk classification (EU AI Act)",
    "Impact assessment",
    "Personal data",
    "Contact",
    "Last updated",
)


@dataclass(frozen=True)
class RegisterFile:
    file_name: str
    mime: str
    data: bytes
    entries: int


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidInput({"format": f"“{fmt}” is not a register format; choose {' or '.join(FORMATS)}."})
    return fmt


def _oversight(decides_about_people: bool, human_path: bool, monitored: bool) -> str:
    parts = [
        "People it concerns can reach a person instead of the AI."
        if human_path
        else "No path to a person is recorded.",
        "A named person monitors how it performs." if monitored else "No monitoring owner is named yet.",
    ]
    if decides_about_people:
        parts.insert(0, "It makes or informs decisions about people.")
    return " ".join(parts)


def _impact_assessment(tier: str | None, reason: str, dpia_recorded: bool, personal_data: str) -> str:
    parts = [
        f"EU AI Act: {AiActTier(tier).label}" + (f" ({reason.rstrip('.')})" if reason else "") + "."
        if tier
        else "EU AI Act risk tier not classified yet."
    ]
    if dpia_recorded:
        parts.append("A data protection impact assessment was recorded at a gate decision.")
    elif personal_data:
        parts.append("No data protection impact assessment is recorded yet.")
    return " ".join(parts)


def published_count(session: Session) -> int:
    """How many use cases are marked for the public register."""
    from sqlmodel import func

    return session.exec(select(func.count()).where(UseCase.publish == True)).one()  # noqa: E712


def register_entries(session: Session) -> list[dict[str, Any]]:
    """One entry per use case marked for publication, by key, with the register's columns."""
    owner, monitor = aliased(Person), aliased(Person)
    rows = session.exec(
        select(UseCase, owner.name, owner.email, monitor.id)
        .outerjoin(owner, owner.id == UseCase.owner_id)
        .outerjoin(monitor, monitor.id == UseCase.monitoring_owner_id)
        .where(UseCase.publish == True)  # noqa: E712 (SQL comparison)
        .order_by(UseCase.key)
    ).all()
    checklists = pilot_gate_checklists(session, [row[0].key for row in rows])
    entries = []
    for use_case, owner_name, owner_email, monitor_id in rows:
        dpia = any(
            item.get("key") == "dpia" and item.get("met")
            for items in checklists.get(use_case.key, [])
            for item in items
        )
        entries.append(
            {
                "Name": use_case.title,
                "Reference": use_case.external_id or use_case.key,
                "Organisation": use_case.business_unit or use_case.team,
                "Team": use_case.team,
                "Purpose": use_case.problem,
                "Expected benefit": use_case.measurable_goal,
                "Status": STATUS[Stage(use_case.stage)],
                "Type of AI": AiKind(use_case.ai_kind).label,
                "Makes or informs decisions about people": "Yes" if use_case.decisions_about_people else "No",
                "Human oversight": _oversight(
                    use_case.decisions_about_people, use_case.human_path, monitor_id is not None
                ),
                "Risk classification (EU AI Act)": AiActTier(use_case.ai_act_tier).label
                if use_case.ai_act_tier
                else "Not classified yet",
                "Impact assessment": _impact_assessment(
                    use_case.ai_act_tier, use_case.ai_act_reason, dpia, use_case.personal_data
                ),
                "Personal data": use_case.personal_data or "None recorded",
                "Contact": f"{owner_name} <{owner_email}>" if owner_email else "",
                "Last updated": use_case.updated_at.date(),
            }
        )
    return entries


def register_csv(entries: list[dict[str, Any]]) -> bytes:
    return csv_bytes(entries, list(COLUMNS))


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #1d2433; line-height: 1.5; }
h1 { font-size: 1.8rem; margin-bottom: .25rem; }
.intro { color: #4a5568; }
article { border: 1px solid #d8dee9; border-radius: .5rem; padding: 1rem 1.25rem; margin: 1.25rem 0; }
article h2 { font-size: 1.25rem; margin: 0 0 .25rem; }
.status { display: inline-block; background: #e8eef7; border-radius: 1rem; padding: 0 .6rem; font-size: .9rem; }
dl { display: grid; grid-template-columns: 14rem 1fr; gap: .35rem 1rem; margin: .75rem 0 0; }
dt { font-weight: 600; color: #4a5568; }
dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
@media (max-width: 40rem) { dl { grid-template-columns: 1fr; } }
@media (prefers-color-scheme: dark) { body { background: #11151c; color: #e2e8f0; }
  article { border-color: #2d3748; } dt, .intro { color: #a0aec0; } .status { background: #2d3748; } }
"""


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    return html.escape("" if value is None else str(value), quote=True)


def register_html(entries: list[dict[str, Any]], *, published_on: date, title: str = "AI register") -> bytes:
    """One static page: a heading, what the register is, then one section per published use case."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{_text(title)}</h1>",
        '<p class="intro">The AI systems we use or are preparing to use, what they are for, who is accountable '
        "and how people stay in control. Published on "
        f"{_text(published_on)}; {len(entries)} system{'s' if len(entries) != 1 else ''}.</p>",
    ]
    if not entries:
        parts.append("<p>No AI system is published in this register yet.</p>")
    for entry in entries:
        parts.append("<article>")
        parts.append(f"<h2>{_text(entry['Name'])}</h2>")
        parts.append(f'<span class="status">{_text(entry["Status"])}</span>')
        parts.append("<dl>")
        for column in COLUMNS:
            if column in ("Name", "Status"):
                continue
            parts.append(f"<dt>{_text(column)}</dt><dd>{_text(entry[column]) or '—'}</dd>")
        parts.append("</dl>")
        parts.append("</article>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")


def publish_register(session: Session, fmt: str, *, today: date | None = None) -> RegisterFile:
    """The register of the use cases marked for publication, as CSV or as a static HTML page."""
    check_format(fmt)
    today = today or date.today()
    entries = register_entries(session)
    extension, mime = FORMATS[fmt]
    data = register_csv(entries) if fmt == "csv" else register_html(entries, published_on=today)
    return RegisterFile(f"ai-register-{today.isoformat()}.{extension}", mime, data, len(entries))
