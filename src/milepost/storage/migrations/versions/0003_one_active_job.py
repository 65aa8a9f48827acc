"""one queued or running job of a kind per project, enforced by the database

Two requests to level the same project at the same moment both found no job running and
both queued one; a partial unique index makes the second insert fail instead.  Jobs
already doubled are ended first (the newer one of each pair, as failed).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 06:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('queued', 'running')"


def upgrade() -> None:
    op.execute(
        "UPDATE jobs SET status = 'failed', message = 'Ended: another levelling of the project was already running' "
        f"WHERE {ACTIVE} AND id NOT IN (SELECT MIN(id) FROM jobs WHERE {ACTIVE} GROUP BY project_id, kind)"
    )
    op.create_index(
        "ux_jobs_one_active",
        "jobs",
        ["project_id", "kind"],
        unique=True,
        postgresql_where=sa.text(ACTIVE),
        sqlite_where=sa.text(ACTIVE),
    )


def downgrade() -> None:
    op.drop_index("ux_jobs_one_active", table_name="jobs")
