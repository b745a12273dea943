"""Rounds of a proposal and each person's language (issue 14).

Revision ID: 0003_rounds_and_language
Revises: 0002_anonymity
Create Date: 2026-12-07

``poll.follows``: the poll this one is a new round of (``amend #N``), or NULL for a first
round. ``member_setting.language``: the language a person chose with ``language cy`` or
``language en``, or NULL (the platform's locale, else the space's language).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_rounds_and_language"
down_revision: str | Sequence[str] | None = "0002_anonymity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases, so no table is rebuilt and no row moves. (No
    # foreign key: SQLite cannot add one without rebuilding ``poll``; polls are never deleted.)
    op.add_column("poll", sa.Column("follows", sa.Integer(), nullable=True))
    op.add_column("member_setting", sa.Column("language", sa.String(), nullable=True))


def downgrade() -> None:
    op.drop_column("member_setting", "language")
    op.drop_column("poll", "follows")
