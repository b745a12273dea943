"""Tables for counted contributions, members' preferences and the nudge log.

No table here holds the text of anything a person wrote, or a ballot. Platform
event ids are kept only as a hash, long enough to refuse a replay and then pruned.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Index, LargeBinary
from sqlmodel import Field, SQLModel

from storage.tables import AwareDateTime

#: Bytes of the hash kept for each platform event id.
EVENT_DIGEST_BYTES = 16


def _when(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_type=AwareDateTime(), nullable=nullable)


class ContributionRow(SQLModel, table=True):
    """How many contributions of one kind a member made in a space on one (UTC) day.

    The key starts with space and day, so a balance over a window reads a range.
    WITHOUT ROWID on SQLite: the rows are the key's index, nothing more.
    """

    __tablename__ = "contribution"
    __table_args__ = (
        Index("ix_contribution_member", "member"),
        {"sqlite_with_rowid": False},
    )

    space: str = Field(primary_key=True)
    day: date = Field(primary_key=True, sa_type=Date())
    member: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    count: int = 0


class SeenEventRow(SQLModel, table=True):
    """A platform event already counted (a hash of its id), so a replay is not counted again."""

    __tablename__ = "seen_event"
    __table_args__ = (
        Index("ix_seen_event_seen_on", "seen_on"),
        {"sqlite_with_rowid": False},
    )

    digest: bytes = Field(primary_key=True, sa_type=LargeBinary(EVENT_DIGEST_BYTES))
    seen_on: date = Field(sa_type=Date())


class MemberPreferenceRow(SQLModel, table=True):
    """A member's choices about nudges and payments, and when they were last nudged.

    Every column is nullable (None: not said), so columns added later reach old databases.
    """

    __tablename__ = "member_preference"

    member: str = Field(primary_key=True)
    nudges: bool | None = None
    payments: bool | None = None
    last_nudged_at: datetime | None = _when(nullable=True)


class NudgeLogRow(SQLModel, table=True):
    """A nudge or facilitator note that was sent: to whom, where, why, when. Never its text."""

    __tablename__ = "nudge_log"
    __table_args__ = (
        Index("ix_nudge_log_member", "member"),
        Index("ix_nudge_log_space_sent_at", "space", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member: str
    space: str
    reason: str
    sent_at: datetime = _when()
    poll_id: int | None = None


class BalanceNoteRow(SQLModel, table=True):
    """That facilitators were sent the balance note for a poll (at most once per poll)."""

    __tablename__ = "balance_note"

    poll_id: int = Field(primary_key=True, foreign_key="poll.id")
    sent_at: datetime = _when()
