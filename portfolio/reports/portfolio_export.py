"""The whole live portfolio (not a snapshot) as one table: every field of every use case and its other
attributes, as CSV or an Excel workbook, through the shared spreadsheet writer.

The headers are the importer's field names (`title`, `owner`, `risk_tier`, …) and `extra: NAME` for each
other attribute, so the file imports back into an empty database with nothing lost. People are written as
`Name <e-mail>`, which the importer matches by e-mail (and adds when missing)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from portfolio.errors import InvalidInput
from portfolio.imports.mapping import EXTRA_PREFIX
from portfolio.models import Person, UseCase
from portfolio.reports.spreadsheet import csv_bytes, xlsx_bytes

FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
SHEET = "Use cases"
# Import field name -> use-case column, in the order the file shows them.
FIELD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("key", "key"),
    ("title", "title"),
    ("problem", "problem"),
    ("audience", "audience"),
    ("team", "team"),
    ("business_unit", "business_unit"),
    ("sector", "sector"),
    ("stage", "stage"),
    ("owner", "owner_id"),
    ("sponsor", "sponsor_id"),
    ("monitoring_owner", "monitoring_owner_id"),
    ("goal", "measurable_goal"),
    ("ai_kind", "ai_kind"),
    ("customer_facing", "customer_facing"),
    ("affects_people", "decisions_about_people"),
    ("personal_data", "personal_data"),
    ("sensitive_data", "sensitive_data"),
    ("data_completeness", "data_completeness"),
    ("data_accuracy", "data_accuracy"),
    ("data_currency", "data_currency"),
    ("risk_tier", "ai_act_tier"),
    ("ai_act_reason", "ai_act_reason"),
    ("ai_disclosure", "ai_disclosure"),
    ("human_path", "human_path"),
    ("external_id", "external_id"),
    ("started_on", "started_on"),
    ("one_off_cost", "one_off_cost"),
    ("running_cost_per_month", "running_cost_per_month"),
    ("publish", "publish"),
    ("import_key", "import_key"),
)
# Kept by the portfolio itself: written for reading, skipped by the importer (mapping.EXPORT_ONLY_COLUMNS).
COMPUTED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("stage_entered_at", "stage_entered_at"),
    ("impact", "impact_score"),
    ("risk", "risk_score"),
    ("reviewers", "reviewer_count"),
    ("source", "source"),
    ("source_file", "source_file"),
    ("source_row", "source_row"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
)
PEOPLE_FIELDS = ("owner", "sponsor", "monitoring_owner")


@dataclass(frozen=True)
class ExportFile:
    file_name: str
    mime: str
    data: bytes
    use_cases: int


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidInput({"format": f"“{fmt}” is not an export format; choose {' or '.join(FORMATS)}."})
    return fmt


def person_cell(name: str | None, email: str | None) -> str | None:
    """A person as the importer reads one back: `Name <e-mail>`."""
    if email is None:
        return None
    return f"{name} <{email}>" if name else email


def _extra_text(value: Any) -> str:
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def portfolio_frame(session: Session) -> pd.DataFrame:
    """One row per use case, ordered by key: the field columns, the computed columns, then `extra: NAME`
    for every other attribute any use case has (in order of first appearance). Read in one query."""
    owner, sponsor, monitor = aliased(Person), aliased(Person), aliased(Person)
    table = UseCase.__table__
    # Plain columns, not ORM objects: a large portfolio exports several times faster.
    statement = (
        select(
            *table.columns,
            owner.name.label("owner_name"),
            owner.email.label("owner_email"),
            sponsor.name.label("sponsor_name"),
            sponsor.email.label("sponsor_email"),
            monitor.name.label("monitoring_owner_name"),
            monitor.email.label("monitoring_owner_email"),
        )
        .outerjoin(owner, owner.id == table.c.owner_id)
        .outerjoin(sponsor, sponsor.id == table.c.sponsor_id)
        .outerjoin(monitor, monitor.id == table.c.monitoring_owner_id)
        .order_by(table.c.key)
    )
    records: list[dict[str, Any]] = []
    extra_names: dict[str, None] = {}
    for row in session.execute(statement).mappings():
        record: dict[str, Any] = {}
        for name, column in FIELD_COLUMNS:
            if name in PEOPLE_FIELDS:
                record[name] = person_cell(row[f"{name}_name"], row[f"{name}_email"])
            else:
                record[name] = row[column]
        for name, column in COMPUTED_COLUMNS:
            record[name] = row[column]
        for attribute, value in (row["extra"] or {}).items():
            extra_names.setdefault(attribute)
            record[EXTRA_PREFIX + attribute] = _extra_text(value)
        records.append(record)
    columns = [n for n, _ in FIELD_COLUMNS] + [n for n, _ in COMPUTED_COLUMNS]
    columns += [EXTRA_PREFIX + name for name in extra_names]
    # Object columns keep Python values: None stays None (an empty cell), whole numbers stay whole.
    return pd.DataFrame(records, columns=columns, dtype=object)


def export_portfolio(session: Session, fmt: str, *, today: date | None = None) -> ExportFile:
    """The live portfolio as a CSV file or an Excel workbook (one sheet, "Use cases")."""
    check_format(fmt)
    frame = portfolio_frame(session)
    extension, mime = FORMATS[fmt]
    name = f"portfolio-{(today or date.today()).isoformat()}.{extension}"
    data = csv_bytes(frame) if fmt == "csv" else xlsx_bytes({SHEET: frame}, frozen_columns={SHEET: 2})
    return ExportFile(name, mime, data, len(frame))
