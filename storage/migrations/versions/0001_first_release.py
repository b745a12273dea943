# ruff: noqa: E501  (as Alembic wrote it)
"""The first release's schema: the tables a database made before migrations has.

Revision ID: 0001_first_release
Revises:
Create Date: 2026-12-07

A database with these tables but no ``alembic_version`` (made by the first release) is
stamped at this revision and upgraded from here (``storage.schema``). Types are plain
SQLAlchemy ones: ``AwareDateTime`` is ``DateTime(timezone=True)`` underneath, and
SQLModel's ``AutoString`` a ``String``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_first_release"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('contribution',
    sa.Column('space', sa.String(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('member', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('space', 'day', 'member', 'kind'),
    sqlite_with_rowid=False
    )
    op.create_index('ix_contribution_member', 'contribution', ['member'], unique=False)
    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space', sa.String(), nullable=False),
    sa.Column('platform', sa.String(), nullable=False),
    sa.Column('workspace', sa.String(), nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('poll_number', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('method', sa.String(), nullable=False),
    sa.Column('rule', sa.String(), nullable=False),
    sa.Column('options', sa.Text(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_decision_space_closed_at', 'decision', ['space', 'closed_at'], unique=False)
    op.create_table('facilitator',
    sa.Column('space', sa.String(), nullable=False),
    sa.Column('member', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('space', 'member')
    )
    op.create_table('group_member',
    sa.Column('space', sa.String(), nullable=False),
    sa.Column('slug', sa.String(), nullable=False),
    sa.Column('member', sa.String(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('space', 'slug', 'member')
    )
    op.create_index('ix_group_member_space_member', 'group_member', ['space', 'member'], unique=False)
    op.create_table('member_preference',
    sa.Column('member', sa.String(), nullable=False),
    sa.Column('nudges', sa.Boolean(), nullable=True),
    sa.Column('payments', sa.Boolean(), nullable=True),
    sa.Column('last_nudged_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('member')
    )
    op.create_table('member_setting',
    sa.Column('member', sa.String(), nullable=False),
    sa.Column('timezone', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('member')
    )
    op.create_table('nudge_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(), nullable=False),
    sa.Column('space', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_nudge_log_member', 'nudge_log', ['member'], unique=False)
    op.create_index('ix_nudge_log_space_sent_at', 'nudge_log', ['space', 'sent_at'], unique=False)
    op.create_table('poll',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space', sa.String(), nullable=False),
    sa.Column('platform', sa.String(), nullable=False),
    sa.Column('workspace', sa.String(), nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('creator', sa.String(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('options', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('method', sa.String(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('show_results', sa.Boolean(), nullable=False),
    sa.Column('quorum_count', sa.Integer(), nullable=True),
    sa.Column('quorum_percent', sa.Float(), nullable=True),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('max_picks', sa.Integer(), nullable=True),
    sa.Column('dots', sa.Integer(), nullable=True),
    sa.Column('reminders', sa.String(), server_default='', nullable=False),
    sa.Column('rule', sa.String(), server_default='majority', nullable=False),
    sa.Column('quorum_each', sa.Float(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closing_since', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('space', 'number', name='uq_poll_space_number')
    )
    op.create_index('ix_poll_status_closes_at', 'poll', ['status', 'closes_at'], unique=False)
    op.create_table('post_ref',
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('platform', sa.String(), nullable=False),
    sa.Column('ref', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'platform')
    )
    op.create_table('schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space', sa.String(), nullable=False),
    sa.Column('platform', sa.String(), nullable=False),
    sa.Column('workspace', sa.String(), nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('creator', sa.String(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('cron', sa.String(), nullable=True),
    sa.Column('every_seconds', sa.Integer(), nullable=True),
    sa.Column('timezone', sa.String(), nullable=False),
    sa.Column('options', sa.Text(), nullable=False),
    sa.Column('poll_seconds', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('space', 'number', name='uq_schedule_space_number')
    )
    op.create_table('seen_event',
    sa.Column('digest', sa.LargeBinary(length=16), nullable=False),
    sa.Column('seen_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('digest'),
    sqlite_with_rowid=False
    )
    op.create_index('ix_seen_event_seen_on', 'seen_event', ['seen_on'], unique=False)
    op.create_table('space_group',
    sa.Column('space', sa.String(), nullable=False),
    sa.Column('slug', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('space', 'slug')
    )
    op.create_table('space_member',
    sa.Column('space', sa.String(), nullable=False),
    sa.Column('member', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('space', 'member')
    )
    op.create_table('unreachable_member',
    sa.Column('member', sa.String(), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('member')
    )
    op.create_table('balance_note',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], ),
    sa.PrimaryKeyConstraint('poll_id')
    )
    op.create_table('ballot',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('voter_tag', sa.LargeBinary(), nullable=True),
    sa.Column('voter_name', sa.String(), nullable=True),
    sa.Column('ballot', sa.Text(), nullable=False),
    sa.Column('voter_groups', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('poll_id', 'voter_tag', name='uq_ballot_poll_tag'),
    sqlite_with_rowid=False
    )
    op.create_table('idea',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], ),
    sa.PrimaryKeyConstraint('poll_id', 'number'),
    sa.UniqueConstraint('poll_id', 'folded', name='uq_idea_poll_folded')
    )
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=True),
    sa.Column('schedule_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('claimed_by', sa.String(), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed', sa.Boolean(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], ),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedule.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    op.create_index('ix_job_pending', 'job', ['due_at', 'id'], unique=False, postgresql_where=sa.text('done_at IS NULL'), sqlite_where=sa.text('done_at IS NULL'))
    op.create_index('ix_job_poll_id', 'job', ['poll_id'], unique=False)
    op.create_index('ix_job_schedule_id', 'job', ['schedule_id'], unique=False)
    op.create_table('participation',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], ),
    sa.PrimaryKeyConstraint('poll_id', 'member'),
    sqlite_with_rowid=False
    )
    op.create_table('poll_secret',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('salt', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], ),
    sa.PrimaryKeyConstraint('poll_id')
    )
    op.create_table('time_request',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], ),
    sa.PrimaryKeyConstraint('poll_id', 'member')
    )


def downgrade() -> None:
    op.drop_table('time_request')
    op.drop_table('poll_secret')
    op.drop_table('participation')
    op.drop_index('ix_job_schedule_id', table_name='job')
    op.drop_index('ix_job_poll_id', table_name='job')
    op.drop_index('ix_job_pending', table_name='job', postgresql_where=sa.text('done_at IS NULL'), sqlite_where=sa.text('done_at IS NULL'))
    op.drop_table('job')
    op.drop_table('idea')
    op.drop_table('ballot')
    op.drop_table('balance_note')
    op.drop_table('unreachable_member')
    op.drop_table('space_member')
    op.drop_table('space_group')
    op.drop_index('ix_seen_event_seen_on', table_name='seen_event')
    op.drop_table('seen_event')
    op.drop_table('schedule')
    op.drop_table('post_ref')
    op.drop_index('ix_poll_status_closes_at', table_name='poll')
    op.drop_table('poll')
    op.drop_index('ix_nudge_log_space_sent_at', table_name='nudge_log')
    op.drop_index('ix_nudge_log_member', table_name='nudge_log')
    op.drop_table('nudge_log')
    op.drop_table('member_setting')
    op.drop_table('member_preference')
    op.drop_index('ix_group_member_space_member', table_name='group_member')
    op.drop_table('group_member')
    op.drop_table('facilitator')
    op.drop_index('ix_decision_space_closed_at', table_name='decision')
    op.drop_table('decision')
    op.drop_index('ix_contribution_member', table_name='contribution')
    op.drop_table('contribution')
