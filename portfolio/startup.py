"""Bring a database to a usable state: newest schema, default scoring model, the local person, and the demo
portfolio on first start. Shared by the app and the CLI."""

from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from portfolio import db
from portfolio.config import Settings
from portfolio.demo import load_demo
from portfolio.models import UseCase
from portfolio.services import assessments, gates, incidents, people
from portfolio.services.audit import Actor


def prepare_database(settings: Settings, *, progress: Callable[[float, str], None] | None = None) -> Engine:
    """Raises DatabaseUnavailable with a message for the user when the database cannot be reached."""
    engine = db.make_engine(settings.effective_database_url, busy_timeout_ms=settings.busy_timeout_ms)
    db.upgrade(engine)
    with db.unit_of_work(engine) as session:
        seed(session, settings)
        incidents.ensure_library(session)  # the public incident library ships with the app
        # Inside the write transaction, so two processes starting at once load the demo only once.
        if settings.demo_on_first_start and not session.exec(select(func.count()).select_from(UseCase)).one():
            load_demo(session, progress=progress)
    return engine


def seed(session: Session, settings: Settings) -> Actor:
    """What every portfolio needs: a scoring model, gate checklists and the local person (each only if missing)."""
    assessments.ensure_default_scoring_model(session)
    gates.ensure_default_checklists(session)
    return people.ensure_local_person(
        session, email=settings.local_person_email, name=settings.local_person_name
    )
