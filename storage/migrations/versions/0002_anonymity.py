"""Anonymity that holds (issue 11): ended polls' ballots apart, idea authors apart.

Revision ID: 0002_anonymity
Revises: 0001_first_release
Create Date: 2026-12-07

New tables: ``closed_ballot`` (the ballots of ended polls, in plain text, with no tag
and no groups) and ``idea_author`` (who added ideas to an open round, never which).
Then the data written by the first release is brought in line: ended polls' ballots
move from ``ballot`` to ``closed_ballot`` in random order, and contribution counts of
kind ``reason`` (which said who blocked or disagreed) are deleted.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_anonymity"
down_revision: str | Sequence[str] | None = "0001_first_release"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "closed_ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("voter_name", sa.String(), nullable=True),
        sa.Column("ballot", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_closed_ballot_poll_id", "closed_ballot", ["poll_id"], unique=False)
    op.create_table(
        "idea_author",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"]),
        sa.PrimaryKeyConstraint("poll_id", "tag"),
        sqlite_with_rowid=False,
    )
    # Random order, so that closed_ballot's ids say nothing about the order of voting.
    op.execute(
        "INSERT INTO closed_ballot (poll_id, voter_name, ballot) "
        "SELECT b.poll_id, b.voter_name, b.ballot FROM ballot b JOIN poll p "
        "ON p.id = b.poll_id WHERE p.status NOT IN ('open', 'closing') ORDER BY random()"
    )
    op.execute(
        "DELETE FROM ballot WHERE poll_id IN "
        "(SELECT id FROM poll WHERE status NOT IN ('open', 'closing'))"
    )
    op.execute("DELETE FROM contribution WHERE kind = 'reason'")


def downgrade() -> None:
    # The moved ballots go back (under fresh ids); deleted reason counts stay deleted.
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT poll_id, voter_name, ballot FROM closed_ballot"))
    ballot = sa.table(
        "ballot",
        sa.column("id", sa.String()),
        sa.column("poll_id", sa.Integer()),
        sa.column("voter_name", sa.String()),
        sa.column("ballot", sa.Text()),
    )
    values = [
        {"id": secrets.token_hex(16), "poll_id": row.poll_id, "voter_name": row.voter_name,
         "ballot": row.ballot}
        for row in rows
    ]
    if values:
        op.bulk_insert(ballot, values)
    op.drop_table("idea_author")
    op.drop_index("ix_closed_ballot_poll_id", table_name="closed_ballot")
    op.drop_table("closed_ballot")
