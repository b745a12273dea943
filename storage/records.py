"""A person's own record: what the store holds about them (``my-data``) and erasing it
(``forget-me``).

Erasing keeps anonymous aggregates: ballots (which carry no identity), decisions and
their outcomes, and — on polls still open — how many people voted or asked for more
time, whose rows are kept under a random placeholder instead of the member's key.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.model import Poll, PollStatus, SpaceRef
from storage.convert import poll_from_row
from storage.nudges import NudgeMethods
from storage.reach_tables import UnreachableRow
from storage.tables import (
    FacilitatorRow,
    MemberSettingRow,
    ParticipationRow,
    PollRow,
    ScheduleRow,
    SpaceMemberRow,
    TimeRequestRow,
)
from storage.voice_tables import ContributionRow, MemberPreferenceRow, NudgeLogRow

#: Stands in for a forgotten person as the creator of a poll or schedule.
FORGOTTEN = "forgotten"

_member = SpaceMemberRow.__table__
_facilitator = FacilitatorRow.__table__
_setting = MemberSettingRow.__table__
_pref = MemberPreferenceRow.__table__
_count = ContributionRow.__table__
_log = NudgeLogRow.__table__
_unreachable = UnreachableRow.__table__
_participation = ParticipationRow.__table__
_request = TimeRequestRow.__table__
_poll = PollRow.__table__
_schedule = ScheduleRow.__table__


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class RecordMethods(NudgeMethods):
    """The personal-record methods of ``SqlStore``."""

    async def flush_contributions(self) -> None:
        """Write the contributions held in memory (``storage.voices`` does the work)."""
        raise NotImplementedError

    def _drop_held(self, member: str) -> None:
        """Forget a member's contributions held in memory (``storage.voices``)."""
        raise NotImplementedError

    async def participated_polls(self, member: str, space: SpaceRef | None = None) -> list[Poll]:
        """The polls a member voted in (never what they chose), oldest first."""
        query = (
            select(PollRow)
            .join(ParticipationRow, ParticipationRow.poll_id == PollRow.id)  # type: ignore[arg-type]
            .where(ParticipationRow.member == member)
            .order_by(PollRow.created_at, PollRow.id)  # type: ignore[arg-type]
        )
        if space is not None:
            query = query.where(PollRow.space == space.key)
        async with self._read() as session:
            rows = (await session.exec(query)).scalars().all()
        return [poll_from_row(row) for row in rows]

    async def member_spaces(self, member: str) -> list[str]:
        """The keys of the spaces a member belongs to, sorted."""
        async with self._read() as session:
            rows = await session.exec(
                select(_member.c.space).where(_member.c.member == member).order_by(_member.c.space)
            )
            return [space for (space,) in rows]

    async def member_record(self, member: str) -> dict[str, Any]:
        """Everything stored under a member's key, JSON-ready (never a ballot or a choice)."""
        await self.flush_contributions()
        async with self._read() as session:
            return await _read_record(session, member)

    async def forget_member(self, member: str) -> None:
        """Erase a member's rows everywhere, in one transaction; keep anonymous aggregates.

        Group memberships are the group store's (``leave_group``); the caller removes them.
        """
        self._drop_held(member)
        async with self._write() as session:
            spaces = [s for (s,) in await session.exec(
                select(_member.c.space).where(_member.c.member == member))]
            for table in (_member, _facilitator, _setting, _pref, _count, _log, _unreachable):
                await session.exec(delete(table).where(table.c.member == member))
            for table in (_participation, _request):
                await _anonymise(session, table, member)
            polls = [p for (p,) in await session.exec(
                update(_poll).where(_poll.c.creator == member).values(creator=FORGOTTEN)
                .returning(_poll.c.id))]
            schedules = [s for (s,) in await session.exec(
                update(_schedule).where(_schedule.c.creator == member).values(creator=FORGOTTEN)
                .returning(_schedule.c.id))]
        self._forget_cached(member, spaces, polls, schedules)
        # The WAL still holds page images with the erased rows until it is checkpointed.
        await self._checkpoint()

    def _forget_cached(self, member: str, spaces: list[str], polls: list[int],
                       schedules: list[int]) -> None:
        # These caches belong to other parts of SqlStore; a stale name would stop a later
        # touch from re-adding the person, and a cached poll or schedule still names its
        # creator.
        cached_schedules = getattr(self, "_schedules", None)
        if cached_schedules is not None:
            for schedule_id in schedules:
                cached_schedules.drop(schedule_id)
        names = getattr(self, "_names", None)
        counts = getattr(self, "_counts", None)
        # A forgotten person is no member any more: not even for the cache's 30 seconds.
        joined = getattr(self, "_joined", None)
        for space in spaces:
            if joined is not None:
                joined.drop((space, member))
            if names is not None:
                names.drop((space, member))
            if counts is not None:
                counts.drop(space)
        forget_polls = getattr(self, "_forget_polls", None)
        if forget_polls is not None:
            forget_polls(set(polls))
        forget_settings = getattr(self, "_forget_settings", None)
        if forget_settings is not None:
            forget_settings(member)


async def _anonymise(session: AsyncSession, table: Any, member: str) -> None:
    """Erase the member's (poll_id, member) rows; on polls still open, put a random
    placeholder in their place, so that "7 of 12 have voted" stays true until the count.

    Ended polls need no placeholder: their turnout is in the decision log.
    """
    live = (PollStatus.OPEN.value, PollStatus.CLOSING.value)
    polls = [p for (p,) in await session.exec(
        select(table.c.poll_id).join(_poll, _poll.c.id == table.c.poll_id)
        .where(table.c.member == member, _poll.c.status.in_(live)))]
    await session.exec(delete(table).where(table.c.member == member))
    if not polls:
        return
    await session.exec(insert(table), params=[
        {"poll_id": poll_id, "member": f"{FORGOTTEN}:{secrets.token_hex(16)}"} for poll_id in polls
    ])


async def _read_record(session: AsyncSession, member: str) -> dict[str, Any]:
    async def rows(query: Any) -> list[Any]:
        return list((await session.exec(query)).all())

    spaces = await rows(select(_member.c.space, _member.c.name, _member.c.joined_at)
                        .where(_member.c.member == member).order_by(_member.c.space))
    facilitates = {s for (s,) in await rows(select(_facilitator.c.space)
                                            .where(_facilitator.c.member == member))}
    zone = await rows(select(_setting.c.timezone, _setting.c.language)
                      .where(_setting.c.member == member))
    pref = await rows(select(_pref.c.nudges, _pref.c.payments, _pref.c.last_nudged_at)
                      .where(_pref.c.member == member))
    nudges, payments, last = pref[0] if pref else (None, None, None)
    voted = await rows(
        select(_poll.c.space, _poll.c.number, _poll.c.question, _poll.c.status)
        .join(_participation, _participation.c.poll_id == _poll.c.id)
        .where(_participation.c.member == member).order_by(_poll.c.space, _poll.c.number))
    started = await rows(select(_poll.c.space, _poll.c.number, _poll.c.question)
                         .where(_poll.c.creator == member).order_by(_poll.c.space, _poll.c.number))
    schedules = await rows(select(_schedule.c.space, _schedule.c.number, _schedule.c.text)
                           .where(_schedule.c.creator == member)
                           .order_by(_schedule.c.space, _schedule.c.number))
    counts = await rows(select(_count.c.space, _count.c.day, _count.c.kind, _count.c.count)
                        .where(_count.c.member == member)
                        .order_by(_count.c.space, _count.c.day, _count.c.kind))
    sent = await rows(select(_log.c.space, _log.c.sent_at, _log.c.reason, _poll.c.number)
                      .outerjoin(_poll, _poll.c.id == _log.c.poll_id)
                      .where(_log.c.member == member).order_by(_log.c.sent_at, _log.c.id))
    asked = await rows(select(_poll.c.space, _poll.c.number)
                       .join(_request, _request.c.poll_id == _poll.c.id)
                       .where(_request.c.member == member).order_by(_poll.c.space, _poll.c.number))
    refused = await rows(select(_unreachable.c.since).where(_unreachable.c.member == member))
    return {
        "member": member,
        "spaces": [{"space": s, "display_name": name, "joined_at": _iso(joined),
                    "facilitator": s in facilitates} for s, name, joined in spaces],
        "settings": {"timezone": zone[0][0] if zone else None,
                     "language": zone[0][1] if zone else None, "nudges": nudges,
                     "payments": payments, "last_nudged_at": _iso(last)},
        "participation": [{"space": s, "poll": n, "question": q, "status": st}
                          for s, n, q, st in voted],
        "polls_started": [{"space": s, "poll": n, "question": q} for s, n, q in started],
        "schedules_started": [{"space": s, "schedule": n, "text": t} for s, n, t in schedules],
        "contributions": [{"space": s, "day": _iso(d), "kind": k, "count": c}
                          for s, d, k, c in counts],
        "nudges_received": [{"space": s, "sent_at": _iso(at), "reason": r, "poll": n}
                            for s, at, r, n in sent],
        "time_requests": [{"space": s, "poll": n} for s, n in asked],
        # When the platform last refused a private message to them (DMs closed).
        "direct_messages_refused_since": _iso(refused[0][0]) if refused else None,
    }
