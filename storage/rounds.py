"""Rounds of a proposal (``amend #N``): the ``SqlStore`` methods that link them.

A later round's poll row names the poll it follows (``poll.follows``, an internal id).
Nothing else is stored: which round a poll is, and the number of the first, are worked
out when polls or the decision log are read, by following those links. Chains are a few
rounds long, and the earlier rounds have ended, so they are cached for good.

A cancelled round does not count as the next round: the round before it can be amended
again, and the log points to the round that took its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import BadInput
from bot.model import Decision, Poll, PollStatus, Round, SpaceRef
from storage.base import StoreBase
from storage.tables import PollRow

_poll = PollRow.__table__
#: More rounds than anyone will hold; it stops a walk along a broken chain.
_MAX_ROUNDS = 1000


class RoundMethods(StoreBase):
    """The round methods of ``SqlStore`` (which reads polls through its caches)."""

    async def get_polls(self, poll_ids: Sequence[int]) -> dict[int, Poll]:
        """The polls with these ids (``SqlStore`` reads them through its cache)."""
        raise NotImplementedError

    async def next_round(self, poll: Poll) -> Poll | None:
        """The round that follows the poll (``amend``), if any; cancelled rounds do not count."""
        async with self._read() as session:
            found = await _next_round_id(session, poll.space.key, poll.id)
        if found is None:
            return None
        return (await self.get_polls([found])).get(found)

    async def _refuse_second_round(self, session: AsyncSession, space: SpaceRef,
                                   follows: int | None) -> None:
        """Inside the transaction that adds a round: refuse it if another round of the same
        poll got there first (two people amending at once).

        Raises:
            BadInput: Naming the round that is already there.
        """
        if follows is None:
            return
        found = await _next_round_id(session, space.key, follows)
        if found is None:
            return
        number = (await session.exec(select(_poll.c.number).where(_poll.c.id == found))).one()[0]
        raise BadInput(f"Someone has just started a new round of this proposal: #{number}. "
                       f"You can vote on it with: vote #{number}")

    async def _placed(self, polls: list[Poll]) -> list[Poll]:
        """The polls, each later round of a proposal with its place (``Poll.round``)."""
        wanted = [poll.spec.follows for poll in polls if poll.spec.follows is not None]
        if not wanted:
            return polls
        # Read through the cache, so each earlier round is placed too (recursively).
        earlier = await self.get_polls(wanted)
        placed = []
        for poll in polls:
            before = earlier.get(poll.spec.follows) if poll.spec.follows is not None else None
            if before is not None:
                first = before.round.first if before.round else before.number
                number = (before.round.number if before.round else 1) + 1
                poll = replace(poll, round=Round(number, first, before.number))
            placed.append(poll)
        return placed

    async def _linked(self, decisions: list[Decision], space: SpaceRef | None) -> list[Decision]:
        """The decisions, each with its round and the round that followed it, if any."""
        later, earlier = aliased(_poll), aliased(_poll)
        query = (select(later.c.space, later.c.number, earlier.c.number, later.c.status)
                 .join(earlier, earlier.c.id == later.c.follows))
        if space is not None:
            query = query.where(later.c.space == space.key)
        async with self._read() as session:
            rows = (await session.exec(query)).all()
        if not rows:
            return decisions
        previous: dict[tuple[str, int], int] = {}
        following: dict[tuple[str, int], int] = {}
        for key, number, before, status in rows:
            previous[(key, number)] = before
            if status != PollStatus.CANCELLED.value:
                following[(key, before)] = number
        linked = []
        for decision in decisions:
            key = decision.space.key
            number = decision.poll_number
            place = None
            if (key, number) in previous:
                first, count = number, 1
                while (key, first) in previous and count < _MAX_ROUNDS:
                    first, count = previous[(key, first)], count + 1
                place = Round(count, first, previous[(key, number)])
            linked.append(replace(decision, round=place,
                                  amended_as=following.get((key, number))))
        return linked


async def _next_round_id(session: AsyncSession, space: str, poll_id: int) -> int | None:
    # By space first: that is indexed (with the number), and rounds stay in their space.
    row = (await session.exec(
        select(_poll.c.id)
        .where(_poll.c.space == space, _poll.c.follows == poll_id,
               _poll.c.status != PollStatus.CANCELLED.value)
        .order_by(_poll.c.id).limit(1))).first()
    return None if row is None else row[0]
