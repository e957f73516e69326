"""imports: owner may be missing, imported identity, external id, start date, publication flag

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-23 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What `portfolio db downgrade` warns about: undoing this revision drops these columns (publish only matters where set).
DATA_LOST_ON_DOWNGRADE: dict[str, list[str] | None] = {
    "use_case": ["external_id", "started_on", "import_key", "publish = true"]
}


def upgrade() -> None:
    with op.batch_alter_table("use_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("started_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("import_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("publish", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_unique_constraint(batch_op.f("uq_use_case_import_key"), ["import_key"])
        batch_op.alter_column("owner_id", existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f("ck_use_case_problem_not_blank"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_use_case_team_not_blank"), type_="check")


def downgrade() -> None:
    # An imported use case without an owner, problem or team cannot live in the older schema: refuse
    # rather than delete someone's records.
    incomplete = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT count(*) FROM use_case "
                "WHERE owner_id IS NULL OR length(trim(problem)) = 0 OR length(trim(team)) = 0"
            )
        )
        .scalar_one()
    )
    if incomplete:
        raise RuntimeError(
            f"{incomplete} use case(s) have no owner, problem or team; complete them before downgrading."
        )
    with op.batch_alter_table("use_case", schema=None) as batch_op:
        batch_op.create_check_constraint("team_not_blank", "length(trim(team)) > 0")
        batch_op.create_check_constraint("problem_not_blank", "length(trim(problem)) > 0")
        batch_op.alter_column("owner_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_use_case_import_key"), type_="unique")
        batch_op.drop_column("publish")
        batch_op.drop_column("import_key")
        batch_op.drop_column("started_on")
        batch_op.drop_column("external_id")
