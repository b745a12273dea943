"""Timed work the database remembers: jobs (closings, reminders, check-ins, nudges,
announcements) and recurring schedules. Part of the core's shared vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.model import SpaceRef


class JobKind(StrEnum):
    """Timed work the database remembers."""

    #: Close a poll at its closing time.
    CLOSE = "close"
    #: Remind members who have not voted; ``data`` holds the lead time in seconds.
    REMIND = "remind"
    #: One occurrence of a recurring schedule.
    OCCUR = "occur"
    #: A poll's nudge sweep: private nudges to quieter members, and the balance note to
    #: facilitators (``bot.voices.nudges``). Runs again every hour while the poll is open.
    NUDGE = "nudge"
    #: Make sure something the core decided to post was posted: a new poll's card
    #: (``data`` {"what": "poll"}), an ended poll's outcome ({"what": "outcome"}) or the
    #: proposer's answers ({"what": "answer", "numbers": [...], "final": ...}).
    #: Recorded in the same transaction as the change, shortly after it; posts only what
    #: has no stored post reference yet, so it never posts twice (``bot.polls.announce``).
    ANNOUNCE = "announce"


#: When a new poll's first nudge sweep runs, and how often it runs again while the poll
#: is open.
FIRST_SWEEP = timedelta(hours=1)
SWEEP_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class NewJob:
    """A job to add. A job given with ``create_poll`` and no ``poll_id`` belongs to the new poll."""

    kind: JobKind
    due_at: datetime
    poll_id: int | None = None
    schedule_id: int | None = None
    #: Small JSON text with kind-specific details (never a ballot or a name).
    data: str = "{}"


@dataclass(frozen=True)
class Job:
    """A claimed job, ready to run."""

    id: int
    kind: JobKind
    due_at: datetime
    poll_id: int | None
    schedule_id: int | None
    data: str
    #: How many earlier runs failed.
    attempts: int


@dataclass(frozen=True)
class Schedule:
    """A recurring check-in (or poll) in a space.

    Exactly one of ``cron`` and ``every_seconds`` is set. ``options`` empty means a
    check-in message; otherwise each occurrence opens a poll with these options.
    """

    id: int
    space: SpaceRef
    number: int
    creator: str
    text: str
    cron: str | None
    every_seconds: int | None
    timezone: str
    options: tuple[str, ...] = ()
    #: How long each occurrence's poll stays open, in seconds (None: until closed by hand).
    poll_seconds: int | None = None
