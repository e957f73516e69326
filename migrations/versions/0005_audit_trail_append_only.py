"""audit trail append-only: the database refuses UPDATE and DELETE on audit_event

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 17:00:00

A trigger on SQLite and on PostgreSQL, so not even a direct SQL session can rewrite history without first
dropping the trigger. TRUNCATE (used by the test suite to empty a PostgreSQL database) fires no row trigger.
A later migration that rebuilds audit_event (SQLite batch mode copies the table) must create these again.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Undoing this revision drops triggers only: nothing is lost.
DATA_LOST_ON_DOWNGRADE: dict[str, list[str] | None] = {}

MESSAGE = "The audit trail is append-only: recorded changes cannot be altered or deleted."


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_event_no_{verb}")
