"""Ending a poll: the write side of finish_close and cancel_poll.

Each function runs inside the caller's transaction, so a poll is either ended
completely (status, decision, shredded tags and salt) or not at all.
"""

from __future__ import annotations

import random
import secrets

from sqlalchemy import delete, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.model import Decision, PollStatus
from storage.convert import decision_values
from storage.tables import BallotRow, DecisionRow, PollRow, PollSecretRow

_poll = PollRow.__table__
_ballot = BallotRow.__table__
_secret = PollSecretRow.__table__
_decision = DecisionRow.__table__

_ENDED = (PollStatus.CLOSED, PollStatus.CANCELLED)


async def finish_close(session: AsyncSession, poll_id: int, decision: Decision) -> bool:
    """Close a CLOSING poll, log its decision and shred its voter tags and salt."""
    status = decision.status if decision.status in _ENDED else PollStatus.CLOSED
    if not await _end(session, poll_id, PollStatus.CLOSING, status, decision):
        return False
    await _rewrite_ballots(session, poll_id)
    await session.exec(delete(_secret).where(_secret.c.poll_id == poll_id))
    return True


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


async def _rewrite_ballots(session: AsyncSession, poll_id: int) -> None:
    """Replace the poll's ballots with untagged copies under fresh ids, in shuffled order.

    Writing every row anew clears every voter tag and group tag, and it means the
    physical order (PostgreSQL's heap keeps insertion order) no longer follows the
    order of voting. The outcome was counted (by group too) before this runs.
    """
    kept = (
        await session.exec(
            select(_ballot.c.voter_name, _ballot.c.ballot).where(_ballot.c.poll_id == poll_id)
        )
    ).all()
    await session.exec(delete(_ballot).where(_ballot.c.poll_id == poll_id))
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
        for voter_name, ballot in kept
    ]
    random.SystemRandom().shuffle(rows)
    await session.exec(insert(_ballot), params=rows)
