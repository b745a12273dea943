"""Ending a poll: the write side of finish_close and cancel_poll.

Each function runs inside the caller's transaction, so a poll is either ended
completely (status, decision, shredded tags and salt) or not at all. Closing is
set-based so that a burst of closings at the same minute costs a few statements.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.model import Decision, PollStatus
from storage.convert import decision_values
from storage.tables import BallotRow, DecisionRow, PollRow, PollSecretRow

_poll = PollRow.__table__
_ballot = BallotRow.__table__
_secret = PollSecretRow.__table__
_decision = DecisionRow.__table__

_ENDED = (PollStatus.CLOSED, PollStatus.CANCELLED)


async def finish_closes(
    session: AsyncSession, decisions: Sequence[tuple[int, Decision]], dialect: str
) -> set[int]:
    """Close CLOSING polls, log their decisions and shred their voter tags and salts.

    Set-based, so a batch of closings costs a handful of statements, not a handful per
    poll. Polls no longer CLOSING (another process finished them) are left alone.
    Returns the ids of the polls this call closed.
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
    await _rewrite_ballots(session, ordered, dialect)
    await session.exec(delete(_secret).where(_secret.c.poll_id.in_(list(ordered))))
    return ids


def _ended_status(decision: Decision) -> PollStatus:
    return decision.status if decision.status in _ENDED else PollStatus.CLOSED


async def cancel_poll(session: AsyncSession, poll_id: int, decision: Decision) -> bool:
    """Cancel an OPEN poll: its ballots and salt go; participation and a log entry stay."""
    if not await _end(session, poll_id, PollStatus.OPEN, PollStatus.CANCELLED, decision):
        return False
    await session.exec(delete(_ballot).where(_ballot.c.poll_id == poll_id))
    await session.exec(delete(_secret).where(_secret.c.poll_id == poll_id))
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


async def _rewrite_ballots(session: AsyncSession, poll_ids: Sequence[int], dialect: str) -> None:
    """Give the polls' ballots fresh random ids and drop every voter tag and group tag.

    The outcomes were counted (by group too) before this runs. A new id also means the
    storage order no longer follows the order of voting: on SQLite the ballot table is
    a B-tree keyed by id (``WITHOUT ROWID``), so one UPDATE moves every row to a random
    place, and ``secure_delete`` overwrites the old cells. PostgreSQL's heap keeps rows
    in the order they were written, so there the ballots are deleted and written anew
    in shuffled order.
    """
    where = _ballot.c.poll_id.in_(list(poll_ids))
    if dialect == "sqlite":
        await session.exec(
            update(_ballot)
            .where(where)
            .values(id=func.lower(func.hex(func.randomblob(16))), voter_tag=None,
                    voter_groups=None)
        )
        return
    kept = (
        await session.exec(select(_ballot.c.poll_id, _ballot.c.voter_name, _ballot.c.ballot)
                           .where(where))
    ).all()
    await session.exec(delete(_ballot).where(where))
    if not kept:
        return
    rows = [
        {
            "id": secrets.token_hex(16),
            "poll_id": poll_id,
            "voter_tag": None,
            # A group of three is small enough to tie a ballot to a person: after close
            # only the aggregates in the decision log say anything about groups.
            "voter_groups": None,
            "voter_name": voter_name,
            "ballot": ballot,
        }
        for poll_id, voter_name, ballot in kept
    ]
    random.SystemRandom().shuffle(rows)
    await session.exec(insert(_ballot), params=rows)
