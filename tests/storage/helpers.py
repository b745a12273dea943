"""Values shared by the storage tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.model import (
    Actor,
    Decision,
    Method,
    Outcome,
    PollKind,
    PollSpec,
    PollStatus,
    Quorum,
    SpaceRef,
)
from bot.timed_work import JobKind, NewJob

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
SPACE = SpaceRef("console", "local", "general")
OTHER_SPACE = SpaceRef("slack", "T1", "C9")


def sqlite_url(path: Path) -> str:
    """A URL for a SQLite file."""
    return f"sqlite+aiosqlite:///{path}"


def actor(n: int, name: str | None = None) -> Actor:
    """A console person numbered ``n``."""
    return Actor("console", "local", f"u{n}", name if name is not None else f"Person {n}")


def spec(
    question: str = "Where shall we meet?",
    *,
    closes_at: datetime | None = None,
    anonymous: bool = True,
) -> PollSpec:
    """A choice poll with three options."""
    return PollSpec(
        question=question,
        options=("Park", "Library", "Café"),
        kind=PollKind.CHOICE,
        method=Method.PLURALITY,
        anonymous=anonymous,
        quorum=Quorum(percent=50.0),
        threshold=60.0,
        closes_at=closes_at,
    )


def decision(
    number: int = 1,
    *,
    space: SpaceRef = SPACE,
    status: PollStatus = PollStatus.CLOSED,
    closed_at: datetime = T0 + timedelta(days=1),
) -> Decision:
    """A decision-log entry for poll ``number``."""
    return Decision(
        space=space,
        poll_number=number,
        question="Where shall we meet?",
        kind=PollKind.CHOICE,
        method=Method.PLURALITY,
        rule="majority",
        options=("Park", "Library", "Café"),
        status=status,
        outcome=Outcome(
            summary="Park wins." if status is PollStatus.CLOSED else "Cancelled.",
            reason="Most support.",
            winners=("Park",) if status is PollStatus.CLOSED else (),
            tallies=(("Park", 2.0), ("Library", 1.0), ("Café", 0.0)),
            voted=3,
            eligible=4,
        ),
        opened_at=T0,
        closed_at=closed_at,
    )


def job(
    at: datetime = T0,
    kind: JobKind = JobKind.REMIND,
    *,
    poll_id: int | None = None,
    schedule_id: int | None = None,
    data: str = "{}",
) -> NewJob:
    """A job due ``at``."""
    return NewJob(kind, at, poll_id=poll_id, schedule_id=schedule_id, data=data)


async def rows(engine: AsyncEngine, query: str, **params: object) -> list[tuple]:
    """The rows of a raw SQL query, read past the store and its caches."""
    async with engine.connect() as conn:
        return [tuple(row) for row in (await conn.execute(text(query), params)).all()]


def tag(n: int) -> bytes:
    """A stand-in voter tag (the real one is an HMAC)."""
    return n.to_bytes(4, "big") * 8


class StatementLog:
    """Records the first word of each statement sent through an engine, BEGIN aside."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.verbs: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        verb = statement.split(maxsplit=1)[0].upper()
        if verb != "BEGIN":
            self.verbs.append(verb)


class Ticker:
    """A monotonic clock moved by hand, for the store's cache expiry."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class CommitCounter:
    """Counts transactions committed through an engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.commits = 0
        event.listen(engine.sync_engine, "commit", self._on_commit)

    def _on_commit(self, _connection: object) -> None:
        self.commits += 1
