"""Ending a poll: the write side of finish_close and cancel_poll.

Each function runs inside the caller's transaction, so a poll is either ended
completely (status, decision, moved ballots, credits, shredded tags and salt) or
not at all. Closing is set-based so that a burst of closings at the same minute
costs a few statements.

While a poll is open its ballots (and a round's ideas) are sealed (``bot.anonymity``)
and sit beside voter tags. At close the core opens them and hands the plain texts
here (``bot.model.Opened``): they are written to ``closed_ballot`` in shuffled order
under fresh random ids, and every sealed row, tag and the salt are deleted. On
PostgreSQL, whose deleted rows stay in the table's files as dead tuples, the tables
that hold open polls' secrets (``ballot``, ``idea_author``, ``poll_secret``) are then
rewritten whole (TRUNCATE and re-insert the open polls' rows, shuffled), so the
ended polls' tags, sealed ballots and salt are not left behind in them.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, delete, func, insert, literal, select, text, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.model import Decision, Opened, PollStatus
from bot.timed_work import NewJob
from bot.voice_model import ContributionKind
from storage.base import upsert
from storage.convert import decision_values, job_values
from storage.ideas import IdeaRow
from storage.jobs import insert_jobs
from storage.tables import (
    BallotRow,
    ClosedBallotRow,
    DecisionRow,
    IdeaAuthorRow,
    ParticipationRow,
    PollRow,
    PollSecretRow,
    utc,
)
from storage.voice_tables import ContributionRow

_poll = PollRow.__table__
_ballot = BallotRow.__table__
_closed = ClosedBallotRow.__table__
_secret = PollSecretRow.__table__
_decision = DecisionRow.__table__
_idea = IdeaRow.__table__
_author = IdeaAuthorRow.__table__
_participation = ParticipationRow.__table__
_count = ContributionRow.__table__

_ENDED = (PollStatus.CLOSED, PollStatus.CANCELLED)
#: The tables that hold secrets of open polls only: rewritten whole on PostgreSQL.
_SECRET_TABLES = (_ballot, _author, _secret)
#: Shuffling is what hides order, so use the OS's randomness.
_random = random.SystemRandom()


async def finish_closes(
    session: AsyncSession,
    decisions: Sequence[tuple[int, Decision]],
    dialect: str,
    opened: Mapping[int, Opened] | None = None,
    jobs: Sequence[NewJob] = (),
) -> set[int]:
    """Close CLOSING polls, log their decisions, keep their opened ballots, shred the rest.

    Set-based, so a batch of closings costs a handful of statements, not a handful per
    poll. Polls no longer CLOSING (another process finished them) are left alone.
    ``opened`` has, per poll, what the core read out of its sealed rows; a poll missing
    from it keeps its ballots as stored. ``jobs`` are added for each poll closed here (in
    this transaction, so they exist exactly when the closing does). Returns the ids of the
    polls this call closed.
    """
    wanted = dict(decisions)
    if not wanted:
        return set()
    found = select(_poll.c.id).where(
        _poll.c.id.in_(list(wanted)), _poll.c.status == PollStatus.CLOSING.value
    )
    if dialect == "postgresql":
        found = found.with_for_update()
    ids = set((await session.exec(found)).scalars())
    if not ids:
        return set()
    ordered = sorted(ids)
    # Polls closed by the same timer share their status and closing time: one UPDATE each.
    alike: dict[tuple[PollStatus, datetime], list[int]] = {}
    for pid in ordered:
        alike.setdefault((_ended_status(wanted[pid]), wanted[pid].closed_at), []).append(pid)
    for (status, closed_at), same in alike.items():
        await session.exec(
            update(_poll)
            .where(_poll.c.id.in_(same))
            .values(status=status.value, closed_at=closed_at, closing_since=None)
        )
    await session.exec(insert(_decision), params=[decision_values(wanted[p]) for p in ordered])
    opened = opened or {}
    await _move_ballots(session, ordered, opened)
    await _settle_ideas(session, ordered, opened)
    days = {pid: utc(wanted[pid].closed_at).date() for pid in ordered}
    await _credit(session, ordered, opened, days, dialect)
    await _shred(session, ordered, dialect)
    await insert_jobs(session, [job_values(job, poll_id=pid) for pid in ordered for job in jobs])
    return ids


def _ended_status(decision: Decision) -> PollStatus:
    return decision.status if decision.status in _ENDED else PollStatus.CLOSED


async def cancel_poll(
    session: AsyncSession, poll_id: int, decision: Decision, dialect: str
) -> bool:
    """Cancel an OPEN poll: its ballots, ideas and salt go; participation and a log entry stay.

    Voters are still credited for taking part (at the cancel, never at their vote).
    """
    if not await _end(session, poll_id, PollStatus.OPEN, PollStatus.CANCELLED, decision):
        return False
    await session.exec(delete(_ballot).where(_ballot.c.poll_id == poll_id))
    await session.exec(delete(_idea).where(_idea.c.poll_id == poll_id))
    day = utc(decision.closed_at).date()
    await _credit(session, [poll_id], {}, {poll_id: day}, dialect)
    await _shred(session, [poll_id], dialect)
    return True


async def _end(
    session: AsyncSession,
    poll_id: int,
    expected: PollStatus,
    status: PollStatus,
    decision: Decision,
) -> bool:
    """Move the poll from ``expected`` to ``status`` and log ``decision``; False if not there."""
    changed = await session.exec(
        update(_poll)
        .where(_poll.c.id == poll_id, _poll.c.status == expected.value)
        .values(status=status.value, closed_at=decision.closed_at, closing_since=None)
    )
    if changed.rowcount != 1:
        return False
    await session.exec(insert(_decision).values(**decision_values(decision)))
    return True


async def _move_ballots(
    session: AsyncSession, poll_ids: Sequence[int], opened: Mapping[int, Opened]
) -> None:
    """Write the polls' ballots, opened and untagged, to ``closed_ballot`` in shuffled order
    under fresh random ids, and delete them (sealed, tagged) from ``ballot``.

    The outcomes were counted (by group too) before this runs. A group of three is small
    enough to tie a ballot to a person, so after close no ballot says which groups its
    voter was in: only the aggregates in the decision log do.
    """
    where = _ballot.c.poll_id.in_(list(poll_ids))
    kept: list[tuple[int, str | None, str]] = []
    as_stored = [pid for pid in poll_ids if pid not in opened]
    if as_stored:
        kept += (
            await session.exec(
                select(_ballot.c.poll_id, _ballot.c.voter_name, _ballot.c.ballot).where(
                    _ballot.c.poll_id.in_(as_stored)
                )
            )
        ).all()
    for pid in poll_ids:
        if pid in opened:
            kept += [(pid, name, ballot) for name, ballot in opened[pid].ballots]
    await session.exec(delete(_ballot).where(where))
    if not kept:
        return
    rows = [tuple(row) for row in kept]
    _random.shuffle(rows)
    # Straight to the driver: a closing burst writes thousands of these rows, and the
    # values need no conversion on the way.
    conn = await session.connection()
    marks = "?, ?, ?" if conn.dialect.paramstyle == "qmark" else "$1, $2, $3"
    await conn.exec_driver_sql(
        f"INSERT INTO {_closed.name} (poll_id, voter_name, ballot) VALUES ({marks})", rows)


async def _settle_ideas(
    session: AsyncSession, poll_ids: Sequence[int], opened: Mapping[int, Opened]
) -> None:
    """Rewrite each round's ideas in plain text, numbered in the order they are listed."""
    rounds = [pid for pid in poll_ids if pid in opened and opened[pid].ideas is not None]
    if not rounds:
        return
    await session.exec(delete(_idea).where(_idea.c.poll_id.in_(rounds)))
    rows = [
        {"poll_id": pid, "number": number, "text": idea, "folded": str(number)}
        for pid in rounds
        for number, idea in enumerate(opened[pid].ideas or (), start=1)
    ]
    _random.shuffle(rows)
    if rows:
        await session.exec(insert(_idea), params=rows)


async def _credit(
    session: AsyncSession,
    poll_ids: Sequence[int],
    opened: Mapping[int, Opened],
    days: Mapping[int, date],
    dialect: str,
) -> None:
    """Count taking part: each voter once per poll, each idea author once per round.

    Credited when the poll ends, all at once and on its closing day, so that nothing in
    the contribution record (or the balance of voices drawn from it) moves with a vote,
    says what a vote carried, or says who added which idea. Voters are credited in one
    INSERT ... SELECT per closing day (polls closed by one timer share it).
    """
    by_day: dict[date, list[int]] = {}
    for pid in poll_ids:
        by_day.setdefault(days[pid], []).append(pid)
    for day, same in by_day.items():
        voters = (
            select(_poll.c.space, literal(day, Date()), _participation.c.member,
                   literal(ContributionKind.VOTE.value), func.count())
            .select_from(_participation.join(_poll, _poll.c.id == _participation.c.poll_id))
            .where(_participation.c.poll_id.in_(same))
            .group_by(_poll.c.space, _participation.c.member)
        )
        stmt = _add_counts(dialect, upsert(dialect, _count).from_select(
            ["space", "day", "member", "kind", "count"], voters))
        await session.exec(stmt)
    authors = [pid for pid in poll_ids if pid in opened and opened[pid].authors]
    if not authors:
        return
    spaces = dict((await session.exec(
        select(_poll.c.id, _poll.c.space).where(_poll.c.id.in_(authors)))).all())
    held: dict[tuple[str, date, str], int] = {}
    for pid in authors:
        for member in opened[pid].authors:
            key = (spaces[pid], days[pid], member)
            held[key] = held.get(key, 0) + 1
    rows = [{"space": s, "day": d, "member": m, "kind": ContributionKind.IDEA.value, "count": n}
            for (s, d, m), n in held.items()]
    _random.shuffle(rows)
    await session.exec(_add_counts(dialect, upsert(dialect, _count)), params=rows)


def _add_counts(dialect: str, stmt: Any) -> Any:
    """``stmt`` (an insert into ``contribution``) adding to counts already there."""
    return stmt.on_conflict_do_update(
        index_elements=[_count.c.space, _count.c.day, _count.c.member, _count.c.kind],
        set_={"count": _count.c.count + stmt.excluded.count},
    )


async def _shred(session: AsyncSession, poll_ids: Sequence[int], dialect: str) -> None:
    """Delete the polls' salts and idea authors (SQLite overwrites them: ``secure_delete``).

    On PostgreSQL the deleted rows stay in the tables' files as dead tuples until the
    store calls ``rewrite_secret_tables`` once the closing batch has committed.
    """
    await session.exec(delete(_author).where(_author.c.poll_id.in_(list(poll_ids))))
    await session.exec(delete(_secret).where(_secret.c.poll_id.in_(list(poll_ids))))


async def rewrite_secret_tables(session: AsyncSession) -> None:
    """PostgreSQL: rewrite the tables that hold open polls' secrets, leaving no dead rows.

    PostgreSQL leaves deleted rows as dead tuples, and a plain VACUUM frees their space
    without wiping it; so ``ballot``, ``idea_author`` and ``poll_secret`` are emptied with
    TRUNCATE (new, empty files; the old ones are unlinked at commit) and the open polls'
    rows written back in shuffled order. Run once after a batch of closings rather than
    in each of its transactions: the tables hold every open poll's rows, and a burst of
    closings would otherwise rewrite them many times over.
    """
    names = ", ".join(table.name for table in _SECRET_TABLES)
    # Locked in one statement and one order everywhere, so two closers cannot deadlock.
    await session.exec(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
    kept = {table.name: [dict(row._mapping) for row in (await session.exec(select(table))).all()]
            for table in _SECRET_TABLES}
    await session.exec(text(f"TRUNCATE {names}"))
    for table in _SECRET_TABLES:
        rows = kept[table.name]
        if rows:
            _random.shuffle(rows)
            await session.exec(insert(table), params=rows)
