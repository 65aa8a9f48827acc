"""kept results compressed with LZ4 on PostgreSQL

A 2,000-task project's schedule is a 1.8 MB document, stored again for every revision
that is read.  PostgreSQL compresses such a value with its own pglz by default, which
took about 28 ms of each store; LZ4 takes about 10.  SQLite stores the text as it is,
and a PostgreSQL built without LZ4 keeps pglz.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 17:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

HAS_LZ4 = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"


def _set_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.execute(sa.text(HAS_LZ4)).scalar():
        op.execute(f"ALTER TABLE result_cache ALTER COLUMN body SET COMPRESSION {method}")


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("pglz")
