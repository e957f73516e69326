"""KPI retirement and the person a gate hold assigns its missing items to

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What `portfolio db downgrade` warns about: undoing this revision drops these columns.
DATA_LOST_ON_DOWNGRADE: dict[str, list[str] | None] = {
    "kpi": ["retired_on", "retired_reason <> ''"],
    "gate_decision": ["assigned_to_id"],
}


def upgrade() -> None:
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "retired_reason",
                sqlmodel.sql.sqltypes.AutoString(length=5000),
                nullable=False,
                server_default="",
            )
        )
    with op.batch_alter_table("gate_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_gate_decision_assigned_to_id_person",
            "person",
            ["assigned_to_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("gate_decision", schema=None) as batch_op:
        batch_op.drop_constraint("fk_gate_decision_assigned_to_id_person", type_="foreignkey")
        batch_op.drop_column("assigned_to_id")
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.drop_column("retired_reason")
        batch_op.drop_column("retired_on")
