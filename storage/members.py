"""Members, facilitators and adapter post references: the small, cached part of the store."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import bindparam, delete, exists, func, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.model import Actor, SpaceRef
from storage.base import StoreBase, upsert
from storage.batch import GroupCommit
from storage.cache import TtlCache
from storage.tables import (
    FacilitatorRow,
    ParticipationRow,
    PollRow,
    PostRefRow,
    SpaceMemberRow,
    utc,
)

#: Seconds a cached member count may lag behind members added by another process.
_COUNT_TTL = 5.0
#: In a count's last second it is renewed in the background, so busy spaces never wait.
_COUNT_REFRESH = 1.0
#: Display names are only cosmetic, so a rename made elsewhere may take this long to stick.
_NAME_TTL = 3600.0
#: Seconds a cached "is a member" answer may lag behind a join or leave seen by another
#: process (this process drops its answer at once).
_MEMBER_TTL = 30.0


@dataclass(frozen=True, slots=True)
class _Touch:
    space: str
    member: str
    name: str
    now: datetime
    #: False: only rename a known member (someone acting), never add a stranger.
    join: bool = True


class MemberMethods(StoreBase):
    """The member, facilitator and post-reference methods of ``SqlStore``."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self._names: TtlCache[tuple[str, str], str] = TtlCache(
            _NAME_TTL, max_size=100_000, clock=self._cache_clock
        )
        self._counts: TtlCache[str, int] = TtlCache(
            _COUNT_TTL, clock=self._cache_clock, refresh_ahead=_COUNT_REFRESH
        )
        self._joined: TtlCache[tuple[str, str], bool] = TtlCache(
            _MEMBER_TTL, max_size=100_000, clock=self._cache_clock
        )
        # A crowd voting for the first time also joins at once: group those writes too.
        self._touches: GroupCommit[_Touch, None] = GroupCommit(
            self._write_touches, "roundtable-members"
        )
        table = SpaceMemberRow.__table__
        stmt = upsert(self._dialect, table)
        self._upsert_member = stmt.on_conflict_do_update(
            index_elements=[table.c.space, table.c.member],
            set_={"name": stmt.excluded.name},
            where=table.c.name != stmt.excluded.name,
        )
        self._rename_member = (
            update(table)
            .where(table.c.space == bindparam("b_space"), table.c.member == bindparam("b_member"),
                   table.c.name != bindparam("b_name"))
            .values(name=bindparam("b_name"))
        )

    async def touch_member(self, space: SpaceRef, actor: Actor, now: datetime, *,
                           join: bool = True) -> None:
        """Record that ``actor`` belongs to ``space``; no write when nothing changed.

        With ``join=False`` (the person acted; the platform did not report them) only a
        known member's name is kept up to date: someone not a member is not added.
        """
        key = (space.key, actor.key)
        if self._names.get(key) == actor.name and (not join or await self.is_member(
                space, actor.key)):
            # Nothing to write: a name already known, and no join to record. (Without a
            # join a name is only ever updated, so membership need not even be looked up.)
            return
        if not join and not await self.is_member(space, actor.key):
            return
        self._check_open()
        await self._touches.submit(_Touch(space.key, actor.key, actor.name, utc(now), join))
        self._names.put(key, actor.name)
        if join:
            self._joined.put(key, True)
            self._counts.drop(space.key)

    async def _write_touches(self, batch: list[_Touch]) -> list[Exception | None]:
        # The latest name wins; joined_at is only ever set by the first insert. A join in
        # the batch makes the pair a join even when a rename came after it.
        latest = {(touch.space, touch.member): touch for touch in batch}
        joins = {(t.space, t.member) for t in batch if t.join}
        rows = [
            {"space": t.space, "member": t.member, "name": t.name, "joined_at": t.now}
            for pair, t in latest.items() if pair in joins
        ]
        renames = [
            {"b_space": t.space, "b_member": t.member, "b_name": t.name}
            for pair, t in latest.items() if pair not in joins
        ]
        async with self._write() as session:
            if rows:
                await session.exec(self._upsert_member, params=rows)
            if renames:
                await session.exec(self._rename_member, params=renames)
        return [None] * len(batch)

    async def is_member(self, space: SpaceRef, member: str) -> bool:
        """Whether the platform has reported ``member`` in ``space`` (and not since gone)."""
        key = (space.key, member)
        known = await self._joined.load(key, partial(self._read_is_member, space.key, member))
        return bool(known)

    async def _read_is_member(self, space: str, member: str) -> bool:
        async with self._read() as session:
            row = await session.get(SpaceMemberRow, (space, member))
        return row is not None

    async def set_members(self, space: SpaceRef, members: Sequence[Actor], now: datetime) -> None:
        """The platform's whole list of the space's members: add the new, drop the gone."""
        wanted = {actor.key: actor for actor in members}
        gone = [key for key in await self.member_keys(space) if key not in wanted]
        await self.remove_members(space, gone)
        # Concurrent touches are written together (one transaction for the lot).
        await asyncio.gather(*(self.touch_member(space, actor, now) for actor in wanted.values()))

    async def remove_members(self, space: SpaceRef, members: Sequence[str]) -> None:
        """The platform says these people left the space: they no longer count or vote."""
        if not members:
            return
        self._check_open()
        table = SpaceMemberRow.__table__
        async with self._write() as session:
            await session.exec(delete(table).where(
                table.c.space == space.key, col(table.c.member).in_(list(members))))
        for member in members:
            self._names.drop((space.key, member))
            self._joined.drop((space.key, member))
        self._counts.drop(space.key)

    async def member_count(self, space: SpaceRef) -> int:
        """How many members the space has."""
        count = await self._counts.load(space.key, partial(self._read_member_count, space.key))
        assert count is not None  # a COUNT always has a row
        return count

    async def member_counts(self, spaces: Sequence[SpaceRef]) -> dict[str, int]:
        """How many members each space has, by space key, in one query (and cached)."""
        counts = {space.key: 0 for space in spaces}
        missing = [key for key in counts if self._counts.get(key) is None]
        if missing:
            stamp = self._counts.stamp()
            column = col(SpaceMemberRow.space)
            async with self._read() as session:
                rows = await session.exec(
                    select(column, func.count())
                    .where(column.in_(list(missing)))
                    .group_by(column)
                )
                read = dict.fromkeys(missing, 0) | dict(rows.all())
            for key, count in read.items():
                self._counts.put(key, count, stamp=stamp)
        for key in counts:
            cached = self._counts.get(key)
            counts[key] = cached if cached is not None else await self._read_member_count(key)
        return counts

    async def _read_member_count(self, space: str) -> int:
        async with self._read() as session:
            return (
                await session.exec(select(func.count()).where(SpaceMemberRow.space == space))
            ).one()

    async def member_keys(self, space: SpaceRef) -> list[str]:
        """The identity keys of the space's members, sorted."""
        async with self._read() as session:
            result = await session.exec(
                select(SpaceMemberRow.member)
                .where(SpaceMemberRow.space == space.key)
                .order_by(col(SpaceMemberRow.member))
            )
            return list(result.all())

    async def members_without_vote(self, poll_id: int, space: SpaceRef) -> list[str]:
        """Identity keys of the space's members who have not voted in the poll, sorted."""
        voted = exists().where(
            col(ParticipationRow.poll_id) == poll_id,
            col(ParticipationRow.member) == col(SpaceMemberRow.member),
        )
        async with self._read() as session:
            result = await session.exec(
                select(SpaceMemberRow.member)
                .where(SpaceMemberRow.space == space.key, ~voted)
                .order_by(col(SpaceMemberRow.member))
            )
            return list(result.all())

    async def members_without_votes(self, poll_ids: Sequence[int]) -> dict[int, list[str]]:
        """For each poll: the members of its space who have not voted, sorted (one query)."""
        left: dict[int, list[str]] = {poll_id: [] for poll_id in poll_ids}
        if not left:
            return left
        voted = exists().where(
            col(ParticipationRow.poll_id) == col(PollRow.id),
            col(ParticipationRow.member) == col(SpaceMemberRow.member),
        )
        async with self._read() as session:
            rows = await session.exec(
                select(col(PollRow.id), col(SpaceMemberRow.member))
                .join(PollRow, col(PollRow.space) == col(SpaceMemberRow.space))
                .where(col(PollRow.id).in_(list(left)), ~voted)
                .order_by(col(PollRow.id), col(SpaceMemberRow.member))
            )
            for poll_id, member in rows.all():
                left[poll_id].append(member)
        return left

    async def facilitators(self, space: SpaceRef) -> set[str]:
        """Identity keys of the space's facilitators."""
        async with self._read() as session:
            result = await session.exec(
                select(FacilitatorRow.member).where(FacilitatorRow.space == space.key)
            )
            return set(result.all())

    async def add_facilitator(self, space: SpaceRef, member: str) -> None:
        """Make ``member`` a facilitator of the space (no-op if already one)."""
        stmt = upsert(self._dialect, FacilitatorRow.__table__).values(
            space=space.key, member=member
        )
        async with self._write() as session:
            await session.exec(stmt.on_conflict_do_nothing())

    async def remember_post(self, key: str, platform: str, ref: str) -> None:
        """Remember (or update) where an adapter posted the message with this key."""
        table = PostRefRow.__table__
        stmt = upsert(self._dialect, table).values(key=key, platform=platform, ref=ref)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key, table.c.platform], set_={"ref": stmt.excluded.ref}
        )
        async with self._write() as session:
            await session.exec(stmt)

    async def posted(self, wanted: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (key, platform) posts are on record, in one query."""
        if not wanted:
            return set()
        keys = {key for key, _ in wanted}
        async with self._read() as session:
            rows = await session.exec(
                select(PostRefRow.key, PostRefRow.platform).where(col(PostRefRow.key).in_(keys)))
            found = {(key, platform) for key, platform in rows.all()}
        return found & set(wanted)

    async def find_post(self, key: str, platform: str) -> str | None:
        """Where the message with this key was posted, if known."""
        async with self._read() as session:
            row = await session.get(PostRefRow, (key, platform))
        return row.ref if row else None
