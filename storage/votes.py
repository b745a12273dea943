"""Writing votes by group commit (see ``storage.batch``).

Per batch (not per vote) the transaction makes these round trips: BEGIN, one
SELECT of which polls are open, one SELECT of the voters' groups, one ballot
upsert (whose RETURNING also says which ballots replaced an earlier one, so
there is no SELECT of existing tags), one participation insert, one voter count
per poll, COMMIT.

Each ballot is written with the slugs of its voter's groups at that moment, read
in the same transaction, so that group rules can be counted at close (when the
tags are cleared, see ``storage.closing``).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.errors import PollClosed
from bot.model import PollStatus, VoteReceipt
from storage.base import Gates, upsert
from storage.batch import GroupCommit
from storage.groups import GroupMemberRow
from storage.tables import BallotRow, ParticipationRow, PollRow

_poll = PollRow.__table__
_ballot = BallotRow.__table__
_participation = ParticipationRow.__table__
_membership = GroupMemberRow.__table__


@dataclass(frozen=True, slots=True)
class VoteRequest:
    """One vote waiting to be written.

    Raises:
        TypeError: A value has the wrong type (it would otherwise fail a whole batch).
    """

    poll_id: int
    tag: bytes
    ballot: str
    member: str
    name: str | None

    def __post_init__(self) -> None:
        if not isinstance(self.tag, bytes) or not self.tag:
            raise TypeError("voter_tag must be non-empty bytes")
        if not isinstance(self.ballot, str) or not isinstance(self.member, str):
            raise TypeError("ballot and member must be str")
        if self.name is not None and not isinstance(self.name, str):
            raise TypeError("voter_name must be str or None")


class VoteWriter:
    """Writes queued votes in batches.

    Args:
        engine: Where to write.
        gates: Turn-taking for writers in this process.
        on_not_open: Told the ids of polls that turned out not to be open, so that
            cached state about them can be dropped.
    """

    def __init__(
        self, engine: AsyncEngine, gates: Gates, on_not_open: Callable[[set[int]], None]
    ) -> None:
        self._engine = engine
        self._gates = gates
        self._on_not_open = on_not_open
        self._batches: GroupCommit[VoteRequest, VoteReceipt] = GroupCommit(
            self._write, "roundtable-votes"
        )
        # Shuffling is what hides order inside a batch, so use the OS's randomness.
        self._random = random.SystemRandom()
        insert_ballot = upsert(engine.dialect.name, _ballot)
        self._insert_ballots = insert_ballot.on_conflict_do_update(
            index_elements=[_ballot.c.poll_id, _ballot.c.voter_tag],
            set_={
                "ballot": insert_ballot.excluded.ballot,
                "voter_name": insert_ballot.excluded.voter_name,
                "voter_groups": insert_ballot.excluded.voter_groups,
            },
        ).returning(_ballot.c.id, _ballot.c.poll_id, _ballot.c.voter_tag)
        self._insert_participation = upsert(
            engine.dialect.name, _participation
        ).on_conflict_do_nothing(index_elements=[_participation.c.poll_id, _participation.c.member])

    async def submit(self, vote: VoteRequest) -> VoteReceipt:
        """Queue a vote and return once the transaction holding it has committed.

        Raises:
            PollClosed: The poll was not open when the batch was written.
        """
        return await self._batches.submit(vote)

    async def close(self) -> None:
        """Wait until every queued vote has been written (or has failed)."""
        await self._batches.close()

    async def _write(self, batch: list[VoteRequest]) -> list[VoteReceipt | Exception]:
        poll_ids = {vote.poll_id for vote in batch}
        async with self._gates.writing(), self._engine.begin() as conn:
            # FOR SHARE (PostgreSQL; SQLite ignores it and is serialised by BEGIN
            # IMMEDIATE) makes a concurrent claim_close wait for this commit, so no vote
            # lands after a successful claim.
            spaces = dict(
                (
                    await conn.execute(
                        select(_poll.c.id, _poll.c.space)
                        .where(_poll.c.id.in_(poll_ids), _poll.c.status == PollStatus.OPEN.value)
                        .with_for_update(read=True)
                    )
                ).all()
            )
            open_ids = set(spaces)
            accepted = [vote for vote in batch if vote.poll_id in open_ids]
            existed: set[tuple[int, bytes]] = set()
            counts: dict[int, int] = {}
            if accepted:
                tags = await _group_tags(conn, accepted, spaces)
                existed = await self._write_ballots(conn, accepted, tags)
                members = list({(vote.poll_id, vote.member) for vote in accepted})
                self._random.shuffle(members)
                await conn.execute(
                    self._insert_participation,
                    [{"poll_id": poll_id, "member": member} for poll_id, member in members],
                )
                counted = await conn.execute(
                    select(_participation.c.poll_id, func.count())
                    .where(_participation.c.poll_id.in_({vote.poll_id for vote in accepted}))
                    .group_by(_participation.c.poll_id)
                )
                counts = {poll_id: count for poll_id, count in counted}
        if len(open_ids) < len(poll_ids):
            self._on_not_open(poll_ids - open_ids)
        return _receipts(batch, open_ids, existed, counts)

    async def _write_ballots(
        self, conn: AsyncConnection, accepted: list[VoteRequest],
        tags: dict[tuple[int, str], str | None],
    ) -> set[tuple[int, bytes]]:
        """Upsert one ballot per tag (the latest wins); return the tags that already had one."""
        latest = {(vote.poll_id, vote.tag): vote for vote in accepted}
        rows = [
            {
                "id": secrets.token_hex(16),
                "poll_id": vote.poll_id,
                "voter_tag": vote.tag,
                "voter_name": vote.name,
                "ballot": vote.ballot,
                "voter_groups": tags.get((vote.poll_id, vote.member)),
            }
            for vote in latest.values()
        ]
        self._random.shuffle(rows)
        fresh_ids = {(row["poll_id"], row["voter_tag"]): row["id"] for row in rows}
        returned = await conn.execute(self._insert_ballots, rows)
        # An upsert that hit an existing ballot returns that ballot's id, not the new one.
        existed = set()
        for ballot_id, poll_id, tag in returned:
            key = (poll_id, bytes(tag))
            if ballot_id != fresh_ids[key]:
                existed.add(key)
        return existed


async def _group_tags(
    conn: AsyncConnection, votes: list[VoteRequest], spaces: dict[int, str]
) -> dict[tuple[int, str], str | None]:
    """The voter's group slugs (sorted, comma-separated) per (poll id, member)."""
    rows = await conn.execute(
        select(_membership.c.space, _membership.c.member, _membership.c.slug).where(
            _membership.c.space.in_(set(spaces.values())),
            _membership.c.member.in_({vote.member for vote in votes}),
        )
    )
    held: dict[tuple[str, str], list[str]] = {}
    for space, member, slug in rows:
        held.setdefault((space, member), []).append(slug)
    tags: dict[tuple[int, str], str | None] = {}
    for vote in votes:
        slugs = held.get((spaces[vote.poll_id], vote.member))
        tags[(vote.poll_id, vote.member)] = ",".join(sorted(slugs)) if slugs else None
    return tags


def _receipts(
    batch: list[VoteRequest],
    open_ids: set[int],
    existed: set[tuple[int, bytes]],
    counts: dict[int, int],
) -> list[VoteReceipt | Exception]:
    seen: set[tuple[int, bytes]] = set()
    outcomes: list[VoteReceipt | Exception] = []
    for vote in batch:
        if vote.poll_id not in open_ids:
            outcomes.append(PollClosed())
            continue
        key = (vote.poll_id, vote.tag)
        # A second vote with the same tag in one batch replaced the first.
        replaced = key in seen or key in existed
        seen.add(key)
        outcomes.append(VoteReceipt(replaced=replaced, voted=counts.get(vote.poll_id, 0)))
    return outcomes
