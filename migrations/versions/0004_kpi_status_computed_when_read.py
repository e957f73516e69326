"""KPI status computed when read: drop the stored kpi.status

A stored status went stale as days passed (no recent data after 45 days, target dates passing); the app now
computes it from the kept latest value and date whenever it is read. Downgrading restores the column, filled
with the status as of the day of the downgrade, so an older app finds what it expects.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 17:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Undoing this revision restores a column (filled from the kept values): nothing is lost.
DATA_LOST_ON_DOWNGRADE: dict[str, list[str] | None] = {}

STATUSES = "'achieved', 'on_track', 'at_risk', 'off_track', 'no_recent_data'"


def upgrade() -> None:
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_status"))
        batch_op.drop_constraint(batch_op.f("ck_kpi_status"), type_="check")
        batch_op.drop_column("status")


def downgrade() -> None:
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="no_recent_data")
        )
        batch_op.create_check_constraint(batch_op.f("ck_kpi_status"), f"status IN ({STATUSES})")
        batch_op.create_index(batch_op.f("ix_kpi_status"), ["status"], unique=False)
    _fill_statuses()


def _fill_statuses() -> None:
    """Store each KPI's status as of today, by the same pure rule the app reads with."""
    from portfolio.kpis import kpi_status

    connection = op.get_bind()
    kpi = sa.table(
        "kpi",
        sa.column("id", sa.Integer),
        sa.column("direction", sa.String),
        sa.column("baseline", sa.Float),
        sa.column("baseline_on", sa.Date),
        sa.column("target", sa.Float),
        sa.column("target_on", sa.Date),
        sa.column("latest_value", sa.Float),
        sa.column("latest_on", sa.Date),
        sa.column("status", sa.String),
    )
    today = datetime.now(UTC).date()
    rows = connection.execute(sa.select(kpi).where(kpi.c.latest_on.is_not(None))).mappings().all()
    by_status: dict[str, list[int]] = {}
    for row in rows:
        status = kpi_status(**{k: v for k, v in row.items() if k not in ("id", "status")}, today=today)
        by_status.setdefault(status.value, []).append(row["id"])
    for status, ids in by_status.items():
        for start in range(0, len(ids), 1000):
            connection.execute(
                kpi.update().where(kpi.c.id.in_(ids[start : start + 1000])).values(status=status)
            )
