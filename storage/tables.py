"""SQLModel tables for the store.

Ballots and participation live in separate tables with nothing linking them: a
ballot has a random id, no timestamp, no member key and no sequential id. See the
"Anonymity" section of the design notes. Timed work (jobs) and recurring schedules
are at the end.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Field, SQLModel


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is refused rather than guessed at.

    Raises:
        ValueError: ``moment`` has no time zone.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetimes are not stored; pass a timezone-aware UTC time")
    return moment.astimezone(UTC)


class AwareDateTime(TypeDecorator[datetime]):
    """A timestamp that is timezone-aware UTC on the way in and on the way out.

    SQLite has no time zones and hands back naive values; PostgreSQL gets TIMESTAMPTZ.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes and store everything as UTC."""
        if value is None:
            return None
        value = utc(value)
        # SQLite keeps text; a fixed UTC form keeps string comparison in SQL correct.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Give back an aware UTC datetime whatever the driver returned."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _when(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_type=AwareDateTime(), nullable=nullable)


class SpaceMemberRow(SQLModel, table=True):
    """A person known to belong to a space: the people who can vote there."""

    __tablename__ = "space_member"

    space: str = Field(primary_key=True)
    member: str = Field(primary_key=True)
    name: str = ""
    joined_at: datetime = _when()


class FacilitatorRow(SQLModel, table=True):
    """A member who may run polls and settings in a space."""

    __tablename__ = "facilitator"

    space: str = Field(primary_key=True)
    member: str = Field(primary_key=True)


class PollRow(SQLModel, table=True):
    """A poll: its spec (fixed at creation) and where it is in its life."""

    __tablename__ = "poll"
    __table_args__ = (
        UniqueConstraint("space", "number", name="uq_poll_space_number"),
        Index("ix_poll_status_closes_at", "status", "closes_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    space: str
    platform: str
    workspace: str
    channel: str
    number: int
    creator: str
    question: str = Field(sa_type=Text)
    options: str = Field(sa_type=Text)
    kind: str
    method: str
    anonymous: bool = True
    show_results: bool = False
    quorum_count: int | None = None
    quorum_percent: float | None = None
    threshold: float | None = None
    closes_at: datetime | None = _when(nullable=True)
    max_picks: int | None = None
    dots: int | None = None
    #: Reminder lead times in seconds before closing, comma-separated; "" for none. The
    #: server default lets the column be added to a poll table made by an older version.
    reminders: str = Field(default="", sa_column_kwargs={"server_default": ""})
    #: The decision rule (``bot.model.Rule``); the default suits polls made before rules.
    rule: str = Field(default="majority", sa_column_kwargs={"server_default": "majority"})
    quorum_each: float | None = None
    status: str
    created_at: datetime = _when()
    closed_at: datetime | None = _when(nullable=True)
    closing_since: datetime | None = _when(nullable=True)
    #: The poll this one is a new round of (``amend #N``); None for a first round.
    follows: int | None = None


class PollSecretRow(SQLModel, table=True):
    """A poll's salt, alone in its table so that deleting the row shreds it cleanly."""

    __tablename__ = "poll_secret"

    poll_id: int = Field(primary_key=True, foreign_key="poll.id")
    salt: bytes = Field(sa_type=LargeBinary)


class ParticipationRow(SQLModel, table=True):
    """That a member has voted in a poll: nothing about when or how.

    Without a rowid on SQLite the rows are kept in key order, not in voting order.
    """

    __tablename__ = "participation"
    __table_args__ = ({"sqlite_with_rowid": False},)

    poll_id: int = Field(primary_key=True, foreign_key="poll.id")
    member: str = Field(primary_key=True)


class BallotRow(SQLModel, table=True):
    """One ballot of an open poll, sealed (``bot.anonymity``). ``voter_tag`` lets a voter
    replace it; at close the ballot moves, opened and untagged, to ``closed_ballot``.

    ``voter_groups`` holds the slugs of the voter's groups (comma-separated) so that group
    rules can be counted; like the tag it is cleared at close.

    WITHOUT ROWID on SQLite: a hidden rowid would follow insertion order and let
    ballots be lined up with participation rows.
    """

    __tablename__ = "ballot"
    __table_args__ = (
        UniqueConstraint("poll_id", "voter_tag", name="uq_ballot_poll_tag"),
        {"sqlite_with_rowid": False},
    )

    id: str = Field(primary_key=True)
    poll_id: int = Field(foreign_key="poll.id")
    voter_tag: bytes | None = Field(default=None, sa_type=LargeBinary, nullable=True)
    voter_name: str | None = None
    ballot: str = Field(sa_type=Text)
    voter_groups: str | None = Field(default=None, sa_type=Text, nullable=True)


class ClosedBallotRow(SQLModel, table=True):
    """A ballot of an ended poll: its choice in plain text, with no tag and no groups.

    Written at close, all of a poll's ballots at once in shuffled order, into a table of
    its own, so that the ``ballot`` table holds only open polls' sealed ballots (and on
    PostgreSQL can be rewritten whole at each close, leaving no dead rows behind). The
    id only counts rows as they were appended: within a poll that is the shuffled order,
    never the order of voting, and appending is what keeps a closing burst cheap.
    """

    __tablename__ = "closed_ballot"
    __table_args__ = (Index("ix_closed_ballot_poll_id", "poll_id"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="poll.id")
    voter_name: str | None = None
    ballot: str = Field(sa_type=Text)


class IdeaAuthorRow(SQLModel, table=True):
    """That someone (a tag, as on ballots) added an idea to an open round; never which.

    Read once at the round's close to credit the people who took part, then deleted.
    """

    __tablename__ = "idea_author"
    __table_args__ = ({"sqlite_with_rowid": False},)

    poll_id: int = Field(primary_key=True, foreign_key="poll.id")
    tag: bytes = Field(primary_key=True, sa_type=LargeBinary)


class DecisionRow(SQLModel, table=True):
    """An entry in the decision log, with the outcome as JSON."""

    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_space_closed_at", "space", "closed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    space: str
    platform: str
    workspace: str
    channel: str
    poll_number: int
    question: str = Field(sa_type=Text)
    kind: str
    method: str
    rule: str
    options: str = Field(sa_type=Text)
    status: str
    outcome: str = Field(sa_type=Text)
    anonymous: bool = True
    opened_at: datetime = _when()
    closed_at: datetime = _when()


class PostRefRow(SQLModel, table=True):
    """Where an adapter posted a message that the core may update later."""

    __tablename__ = "post_ref"

    key: str = Field(primary_key=True)
    platform: str = Field(primary_key=True)
    ref: str


#: Longest error text a job keeps: a type name, never a payload.
MAX_JOB_ERROR = 200


class JobRow(SQLModel, table=True):
    """Timed work: a poll's closing or reminder, or a schedule's next occurrence.

    A worker claims a due job by setting ``claimed_by`` and a lease; once the lease
    has run out, another worker may take the job over. Done jobs are kept.
    """

    __tablename__ = "job"
    __table_args__ = (
        # Serves the claim (due, not done, earliest first) and next_due. Partial, so it
        # holds only the few pending jobs however many done ones pile up.
        Index(
            "ix_job_pending",
            "due_at",
            "id",
            postgresql_where=sql_text("done_at IS NULL"),
            sqlite_where=sql_text("done_at IS NULL"),
        ),
        Index("ix_job_poll_id", "poll_id"),
        Index("ix_job_schedule_id", "schedule_id"),
        # Ids are never reused (as on PostgreSQL), so a stale id can't name a newer job.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    due_at: datetime = _when()
    poll_id: int | None = Field(default=None, foreign_key="poll.id")
    schedule_id: int | None = Field(default=None, foreign_key="schedule.id")
    data: str = Field(default="{}", sa_type=Text)
    claimed_by: str | None = None
    lease_until: datetime | None = _when(nullable=True)
    attempts: int = 0
    done_at: datetime | None = _when(nullable=True)
    failed: bool = False
    last_error: str | None = Field(default=None, sa_type=String(MAX_JOB_ERROR))


class ScheduleRow(SQLModel, table=True):
    """A recurring check-in or poll. Deleting one only clears ``active``, so its number
    is never reused and its done jobs keep a valid reference."""

    __tablename__ = "schedule"
    __table_args__ = (UniqueConstraint("space", "number", name="uq_schedule_space_number"),)

    id: int | None = Field(default=None, primary_key=True)
    space: str
    platform: str
    workspace: str
    channel: str
    number: int
    creator: str
    text: str = Field(sa_type=Text)
    cron: str | None = None
    every_seconds: int | None = None
    timezone: str
    options: str = Field(default="[]", sa_type=Text)
    poll_seconds: int | None = None
    active: bool = True
    created_at: datetime = _when()


class MemberSettingRow(SQLModel, table=True):
    """A member's own settings, across spaces. Every setting is optional (None: not set)."""

    __tablename__ = "member_setting"

    member: str = Field(primary_key=True)
    timezone: str | None = None
    #: "cy" or "en" once they said ``language cy`` / ``language en``.
    language: str | None = None


class TimeRequestRow(SQLModel, table=True):
    """That a member asked for more time on a poll (once per member)."""

    __tablename__ = "time_request"

    poll_id: int = Field(primary_key=True, foreign_key="poll.id")
    member: str = Field(primary_key=True)
