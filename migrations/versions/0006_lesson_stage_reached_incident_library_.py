"""lesson stage reached, incident library, full-text search over lessons and incidents

Revision ID: 0006
Revises: 0008
Create Date: 2026-11-23 16:50:17.145079

SQLite: FTS5 tables over lesson and incident (external content, kept in step by triggers). PostgreSQL: GIN
indexes over tsvector expressions; the expressions are those in portfolio/search.py and must stay identical.
A later SQLite batch migration that rebuilds `lesson` or `incident` drops these triggers: recreate them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy import Text  # noqa: F401 (autogenerate writes Text() for JSONB)

revision: str = "0006"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGES = ("proposed", "assessed", "pilot", "scale_up", "production", "retired", "rejected", "stopped")

# table: (FTS5 table, indexed columns, PostgreSQL document expression)
SEARCHED = {
    "lesson": (
        "lesson_search",
        ("title", "tried", "happened", "root_cause", "do_differently", "tags"),
        "(setweight(to_tsvector('english', title), 'A') || "
        "setweight(to_tsvector('english', happened || ' ' || root_cause || ' ' || do_differently), 'B') || "
        "setweight(jsonb_to_tsvector('english', tags, '[\"string\"]'), 'B') || "
        "to_tsvector('english', tried))",
    ),
    "incident": (
        "incident_search",
        ("title", "description", "deployers", "developers", "harmed_parties"),
        "(setweight(to_tsvector('english', title), 'A') || to_tsvector('english', description || ' ' || "
        "deployers || ' ' || developers || ' ' || harmed_parties))",
    ),
}


def _create_search(table: str) -> None:
    fts, columns, document = SEARCHED[table]
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_{fts} ON {table} USING gin ({document})")
        return
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _drop_search(table: str) -> None:
    fts = SEARCHED[table][0]
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS ix_{fts}")
        return
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
    op.execute(f"DROP TABLE IF EXISTS {fts}")


# What the downgrade deletes (see portfolio/db.py): the stage each lesson was written at, and the incident
# library (reference data, loaded again from the shipped file on the next start after an upgrade).
DATA_LOST_ON_DOWNGRADE: dict[str, list[str] | None] = {"lesson": ["stage"], "incident": None}


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("deployers", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("developers", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("harmed_parties", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("risk_domain", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("risk_subdomain", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.CheckConstraint("id > 0", name=op.f("ck_incident_id_positive")),
        sa.CheckConstraint("length(trim(title)) > 0", name=op.f("ck_incident_title_not_blank")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        allowed = ", ".join(f"'{s}'" for s in STAGES)
        batch_op.create_check_constraint("stage_reached", f"stage IN ({allowed})")
    # Lessons written before: the stage their use case is in, or for a stopped one the stage it stopped in.
    op.execute(
        "UPDATE lesson SET stage = (SELECT CASE WHEN u.stage = 'stopped' THEN (SELECT sc.from_stage "
        "FROM stage_change sc WHERE sc.use_case_id = u.id AND sc.to_stage = 'stopped' "
        "ORDER BY sc.changed_at DESC, sc.id DESC LIMIT 1) ELSE u.stage END "
        "FROM use_case u WHERE u.id = lesson.use_case_id)"
    )
    _create_search("lesson")
    _create_search("incident")


def downgrade() -> None:
    _drop_search("incident")
    _drop_search("lesson")
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.drop_constraint("stage_reached", type_="check")
        batch_op.drop_column("stage")
    op.drop_table("incident")
