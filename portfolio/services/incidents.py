"""The public incident library: the AI Incident Database's incidents (incidentdatabase.ai, Responsible AI
Collaborative, CC BY-SA 4.0) with the MIT AI Risk Repository's risk domains. It ships with the app as
data/incidents/aiid-incidents.csv.gz, is loaded on first start, and is replaced as a whole by a refresh."""

import csv
import gzip
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field
from sqlalchemy import delete, insert
from sqlmodel import Session, func, select

from portfolio.errors import InvalidInput
from portfolio.models import Incident, Role
from portfolio.models.tables import LONG, SHORT
from portfolio.services.audit import SYSTEM, Actor, record_event
from portfolio.services.people import require_role
from portfolio.validation import Input, validate

SHIPPED_LIBRARY = Path(__file__).resolve().parents[2] / "data" / "incidents" / "aiid-incidents.csv.gz"
CREDIT = (
    "Public incidents from the AI Incident Database (incidentdatabase.ai) by the Responsible AI "
    "Collaborative, licensed CC BY-SA 4.0; risk domains from the MIT AI Risk Repository's classification."
)


def incident_link(incident_id: int) -> str:
    return f"https://incidentdatabase.ai/cite/{int(incident_id)}"


class IncidentInput(Input):
    id: int = Field(title="Incident id", ge=1)
    occurred_on: date | None = Field(default=None, title="Date")
    title: str = Field(title="Title", min_length=1, max_length=500)
    description: str = Field(default="", title="Description", max_length=LONG)
    deployers: str = Field(default="", title="Deployer", max_length=LONG)
    developers: str = Field(default="", title="Developer", max_length=LONG)
    harmed_parties: str = Field(default="", title="Harmed parties", max_length=LONG)
    risk_domain: str = Field(default="", title="Risk domain", max_length=SHORT)
    risk_subdomain: str = Field(default="", title="Risk subdomain", max_length=SHORT)


FIELDS = tuple(IncidentInput.model_fields)

# Columns of the AI Incident Database's incidents export and of its MIT classification file.
AIID_COLUMNS = {
    "incident_id": "id",
    "date": "occurred_on",
    "title": "title",
    "description": "description",
    "Alleged deployer of AI system": "deployers",
    "Alleged developer of AI system": "developers",
    "Alleged harmed or nearly harmed parties": "harmed_parties",
}
MIT_COLUMNS = {"Incident ID": "id", "Risk Domain": "risk_domain", "Risk Subdomain": "risk_subdomain"}
_NUMBERING = re.compile(r"^\s*\d+(\.\d+)*\.?\s*")


def _names(cell: str) -> str:
    """`["keolis-north-america","navya"]` → "Keolis North America, Navya"."""
    cell = cell.strip()
    try:
        items = json.loads(cell) if cell.startswith("[") else [cell]
    except json.JSONDecodeError:
        items = cell.strip("[]").split(",")
    names = [str(item).strip().strip('"').replace("-", " ").strip() for item in items]
    return ", ".join(name.title() if name.islower() else name for name in names if name)


def _read_csv(content: bytes | str | Path, what: str) -> pd.DataFrame:
    try:
        source = io.BytesIO(content) if isinstance(content, bytes) else content
        return pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InvalidInput({"file": f"The {what} could not be read as a UTF-8 CSV file: {reason}."}) from None


def _require(frame: pd.DataFrame, columns: dict[str, str], what: str) -> None:
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise InvalidInput(
            {"file": f"The {what} lacks the column(s) {', '.join(missing)}; use a file of the same shape."}
        )


def _checked(rows: list[dict[str, Any]], what: str) -> list[dict[str, Any]]:
    """Every row through the one validation path; a file with any bad row is refused whole."""
    records, problems, seen = [], [], set()
    for number, row in enumerate(rows, start=2):  # row 1 holds the column names
        try:
            record = validate(IncidentInput, row).model_dump()
        except InvalidInput as error:
            problems.append(f"row {number}: {' '.join(error.problems.values())}")
            continue
        if record["id"] in seen:
            problems.append(f"row {number}: incident {record['id']} appears twice.")
        seen.add(record["id"])
        records.append(record)
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise InvalidInput(
            {"file": f"The {what} has {len(problems)} bad row(s), so nothing was loaded: {shown}"}
        )
    if not records:
        raise InvalidInput({"file": f"The {what} holds no incidents."})
    return records


def read_aiid(
    incidents: bytes | Path, classifications: bytes | Path | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """Incidents from an AI Incident Database export (and its MIT classification file, if given), checked.
    Also says whether risk domains were given."""
    frame = _read_csv(incidents, "incidents file")
    _require(frame, AIID_COLUMNS, "incidents file")
    frame = frame[list(AIID_COLUMNS)].rename(columns=AIID_COLUMNS)
    for column in ("deployers", "developers", "harmed_parties"):
        frame[column] = frame[column].map(_names)
    domains: dict[str, tuple[str, str]] = {}
    if classifications is not None:
        mit = _read_csv(classifications, "classifications file")
        _require(mit, MIT_COLUMNS, "classifications file")
        for row in mit.rename(columns=MIT_COLUMNS).itertuples():
            domains[str(row.id).strip()] = (
                _NUMBERING.sub("", row.risk_domain).strip(),
                _NUMBERING.sub("", row.risk_subdomain).strip(),
            )
    rows = []
    for row in frame.to_dict("records"):
        domain, subdomain = domains.get(str(row["id"]).strip(), ("", ""))
        rows.append(
            row
            | {"occurred_on": row["occurred_on"] or None, "risk_domain": domain, "risk_subdomain": subdomain}
        )
    return _checked(rows, "incidents file"), classifications is not None


def read_library(path: Path = SHIPPED_LIBRARY) -> list[dict[str, Any]]:
    """The library as shipped: a gzipped CSV with one column per IncidentInput field."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = [
            {name: (value or None) if name == "occurred_on" else value for name, value in row.items()}
            for row in csv.DictReader(handle)
        ]
    return _checked(rows, "shipped incident library")


def write_library(records: list[dict[str, Any]], path: Path = SHIPPED_LIBRARY) -> None:
    """Write the library file as shipped (byte-for-byte the same for the same records)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in sorted(records, key=lambda r: r["id"]):
        writer.writerow({name: "" if record[name] is None else record[name] for name in FIELDS})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0))


def incident_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Incident)).one()


def _replace(session: Session, records: list[dict[str, Any]]) -> None:
    session.execute(delete(Incident))
    for start in range(0, len(records), 500):
        session.execute(insert(Incident), records[start : start + 500])


def ensure_library(session: Session, path: Path = SHIPPED_LIBRARY) -> int:
    """Load the shipped library into an empty incident table (first start). Returns the incidents added."""
    if incident_count(session) or not path.exists():
        return 0
    records = read_library(path)
    _replace(session, records)
    record_event(
        session, SYSTEM, "incidents.loaded", "incident_library", "aiid", after={"incidents": len(records)}
    )
    return len(records)


@dataclass(frozen=True)
class Refreshed:
    before: int
    after: int
    new: int


def refresh_library(
    session: Session,
    actor: Actor,
    incidents: bytes | Path,
    classifications: bytes | Path | None = None,
    *,
    source: str = "",
) -> Refreshed:
    """Replace the library with a newer export of the same shape. Without a classifications file, each
    incident already known keeps its risk domain."""
    require_role(session, actor, Role.administrator, "refresh the incident library")
    records, classified = read_aiid(incidents, classifications)
    known = {
        row.id: row
        for row in session.exec(select(Incident.id, Incident.risk_domain, Incident.risk_subdomain)).all()
    }
    if not classified:
        for record in records:
            if old := known.get(record["id"]):
                record |= {"risk_domain": old.risk_domain, "risk_subdomain": old.risk_subdomain}
    _replace(session, records)
    result = Refreshed(before=len(known), after=len(records), new=sum(r["id"] not in known for r in records))
    record_event(
        session,
        actor,
        "incidents.refreshed",
        "incident_library",
        "aiid",
        before={"incidents": result.before},
        after={"incidents": result.after, "new": result.new, "source": source},
    )
    return result
