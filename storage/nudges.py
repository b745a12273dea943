"""Members' nudge and payment preferences, and the nudge log that enforces the caps.

The daily cap on private messages counts ``nudge_log`` rows (reminders, nudges, notes).
Counting and logging are one transaction that first locks the members' preference rows
(``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already lets one writer in at
a time), so two processes claiming messages for one person at once take turns and the
second sees the first's rows: the cap holds across job runners.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.model import PollStatus, SpaceRef
from bot.timed_work import JobKind
from bot.voice_model import Cap, Nudge, Preferences
from storage.base import StoreBase, upsert
from storage.tables import (
    JobRow,
    MemberSettingRow,
    ParticipationRow,
    PollRow,
    SpaceMemberRow,
    utc,
)
from storage.voice_tables import BalanceNoteRow, MemberPreferenceRow, NudgeLogRow

_pref = MemberPreferenceRow.__table__
_log = NudgeLogRow.__table__
_note = BalanceNoteRow.__table__
_setting = MemberSettingRow.__table__
_job = JobRow.__table__
_poll = PollRow.__table__
_member = SpaceMemberRow.__table__
_voted = ParticipationRow.__table__

#: Members per ``IN (...)`` list, well below the bound-parameter limits of both databases.
_PER_STATEMENT = 5_000


def _chunks(items: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _PER_STATEMENT):
        yield list(items[start : start + _PER_STATEMENT])


def _log_rows(nudges: Sequence[Nudge]) -> list[dict[str, Any]]:
    return [
        {
            "member": n.member,
            "space": n.space.key,
            "reason": n.reason.value,
            "sent_at": utc(n.at),
            "poll_id": n.poll_id,
        }
        for n in nudges
    ]


def _within(messages: Sequence[Nudge], sent: dict[str, int], cap: Cap) -> list[Nudge]:
    """The messages that fit under the cap, in the order given (most urgent first)."""
    kept: list[Nudge] = []
    counts = dict(sent)
    for message in messages:
        if counts.get(message.member, 0) < cap.room(message.member):
            kept.append(message)
            counts[message.member] = counts.get(message.member, 0) + 1
    return kept


class NudgeMethods(StoreBase):
    """The preference and nudge-log methods of ``SqlStore``."""

    async def preferences(self, member: str) -> Preferences:
        """A member's nudge and payment choices (defaults when they said nothing)."""
        return (await self.preferences_of([member]))[member]

    async def preferences_of(self, members: Collection[str]) -> dict[str, Preferences]:
        """Member -> preferences, for every member asked about."""
        found: dict[str, Preferences] = {}
        async with self._read() as session:
            for chunk in _chunks(sorted(set(members))):
                rows = await session.exec(
                    select(_pref.c.member, _pref.c.nudges, _pref.c.payments).where(
                        _pref.c.member.in_(chunk)
                    )
                )
                for member, nudges, payments in rows:
                    found[member] = Preferences(nudges, payments)
        return {member: found.get(member, Preferences()) for member in members}

    async def set_preferences(
        self, member: str, *, nudges: bool | None = None, payments: bool | None = None
    ) -> None:
        """Record a member's choice; a preference given as None is left as it was."""
        values: dict[str, Any] = {"member": member}
        if nudges is not None:
            values["nudges"] = nudges
        if payments is not None:
            values["payments"] = payments
        if len(values) == 1:
            return
        stmt = upsert(self._dialect, _pref).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[_pref.c.member],
            set_={name: stmt.excluded[name] for name in values if name != "member"},
        )
        async with self._write() as session:
            await session.exec(stmt)
        asked: set[str] | None = getattr(self, "_asked", None)
        if payments is not None and asked is not None:
            asked.add(member)  # they said: never ask them (storage.voices)

    async def nudge_targets(
        self, members: Sequence[str], not_since: datetime, opt_in: bool
    ) -> dict[str, str | None]:
        """The members who may be nudged now, each with their own time zone (None: unset).

        A member may be nudged unless they said ``nudges off`` (or, when ``opt_in``, never
        said ``nudges on``), or they were nudged at or after ``not_since``.
        """
        not_since = utc(not_since)
        prefs: dict[str, tuple[bool | None, datetime | None]] = {}
        zones: dict[str, str | None] = {}
        async with self._read() as session:
            for chunk in _chunks(sorted(set(members))):
                rows = await session.exec(
                    select(_pref.c.member, _pref.c.nudges, _pref.c.last_nudged_at).where(
                        _pref.c.member.in_(chunk)
                    )
                )
                prefs.update({member: (nudges, last) for member, nudges, last in rows})
                rows = await session.exec(
                    select(_setting.c.member, _setting.c.timezone).where(
                        _setting.c.member.in_(chunk)
                    )
                )
                zones.update({member: zone for member, zone in rows})
        allowed = {}
        for member in members:
            nudges, last = prefs.get(member, (None, None))
            wanted = nudges is True if opt_in else nudges is not False
            if wanted and (last is None or last < not_since):
                allowed[member] = zones.get(member)
        return allowed

    async def _sent_since(
        self, session: AsyncSession, members: Collection[str], cap: Cap
    ) -> dict[str, int]:
        """Member -> messages logged after ``cap.since``, with each member's preference row
        locked until the transaction ends (made blank first if they have none)."""
        ordered = sorted(set(members))  # one order everywhere, so lockers never deadlock
        blank = upsert(self._dialect, _pref).on_conflict_do_nothing(
            index_elements=[_pref.c.member]
        )
        await session.exec(blank, params=[{"member": member} for member in ordered])
        counts: dict[str, int] = {}
        for chunk in _chunks(ordered):
            # FOR UPDATE is left out on SQLite, whose write transactions already queue.
            await session.exec(
                select(_pref.c.member)
                .where(_pref.c.member.in_(chunk))
                .order_by(_pref.c.member)
                .with_for_update()
            )
            rows = await session.exec(
                select(_log.c.member, func.count())
                .where(_log.c.member.in_(chunk), _log.c.sent_at > utc(cap.since))
                .group_by(_log.c.member)
            )
            counts.update({member: int(count) for member, count in rows})
        return counts

    async def last_calls_due(
        self, members: Collection[str], after: datetime, until: datetime
    ) -> dict[str, int]:
        """Member -> how many last reminders they are due to get after ``after``, up to
        ``until``: the latest pending reminder of each open poll in their spaces that they
        have not voted in, counted once per moment (those due together make one message).
        Members with none are left out."""
        later = _job.alias("later")
        still_later = exists().where(
            later.c.poll_id == _job.c.poll_id,
            later.c.kind == JobKind.REMIND.value,
            later.c.done_at.is_(None),
            later.c.due_at > _job.c.due_at,
        )
        voted = exists().where(
            _voted.c.poll_id == _poll.c.id, _voted.c.member == _member.c.member
        )
        found: dict[str, int] = {}
        async with self._read() as session:
            for chunk in _chunks(sorted(set(members))):
                rows = await session.exec(
                    select(_member.c.member, func.count(_job.c.due_at.distinct()))
                    .select_from(_job)
                    .join(_poll, _poll.c.id == _job.c.poll_id)
                    .join(_member, _member.c.space == _poll.c.space)
                    .where(
                        and_(
                            _job.c.kind == JobKind.REMIND.value,
                            _job.c.done_at.is_(None),
                            _job.c.due_at > utc(after),
                            _job.c.due_at <= utc(until),
                        ),
                        _poll.c.status == PollStatus.OPEN.value,
                        _member.c.member.in_(chunk),
                        ~still_later,
                        ~voted,
                    )
                    .group_by(_member.c.member)
                )
                found.update({member: int(count) for member, count in rows})
        return found

    async def claim_messages(self, messages: Sequence[Nudge], cap: Cap | None) -> list[Nudge]:
        """Log the private messages that fit under ``cap``, atomically; return those.

        Given most urgent first: when a person has room for fewer than are offered, the
        first ones are kept. ``cap`` None logs them all.
        """
        if not messages:
            return []
        async with self._write() as session:
            kept = list(messages) if cap is None else _within(
                messages, await self._sent_since(session, [m.member for m in messages], cap),
                cap)
            if kept:
                await session.exec(insert(_log), params=_log_rows(kept))
        return kept

    async def claim_nudges(
        self, nudges: Sequence[Nudge], not_since: datetime, opt_in: bool,
        cap: Cap | None = None,
    ) -> list[Nudge]:
        """Log the nudges whose members may still be nudged, atomically; return those.

        The check (not opted out, not nudged at or after ``not_since``, room under the
        daily ``cap``) and the mark are one transaction, so two sweeps racing each other
        never nudge one person twice, nor past the cap.
        """
        if not nudges:
            return []
        by_member = {nudge.member: nudge for nudge in nudges}
        not_since = utc(not_since)
        now = utc(max(nudge.at for nudge in nudges))
        wanted = _pref.c.nudges.is_(True) if opt_in else or_(
            _pref.c.nudges.is_(None), _pref.c.nudges.is_(True)
        )
        claimed: list[str] = []
        async with self._write() as session:
            if cap is not None:
                sent = await self._sent_since(session, by_member, cap)
                by_member = {n.member: n for n in _within(list(by_member.values()), sent, cap)}
            elif not opt_in:
                # A member who never set a preference has no row yet; the UPDATE needs one.
                blank = upsert(self._dialect, _pref).on_conflict_do_nothing(
                    index_elements=[_pref.c.member]
                )
                await session.exec(blank, params=[{"member": member}
                                                  for member in sorted(by_member)])
            for chunk in _chunks(sorted(by_member)):
                marked = await session.exec(
                    update(_pref)
                    .where(
                        _pref.c.member.in_(chunk),
                        wanted,
                        or_(_pref.c.last_nudged_at.is_(None), _pref.c.last_nudged_at < not_since),
                    )
                    .values(last_nudged_at=now)
                    .returning(_pref.c.member)
                )
                claimed += [member for (member,) in marked]
            sent = [by_member[member] for member in sorted(claimed)]
            if sent:
                await session.exec(insert(_log), params=_log_rows(sent))
        return sent

    async def claim_balance_note(
        self, poll_id: int, now: datetime, notes: Sequence[Nudge], cap: Cap | None = None
    ) -> list[Nudge]:
        """Mark the poll's balance note as sent and log ``notes``, unless it was sent before.

        Only the notes that fit under the daily ``cap`` are logged; if none does, the note
        is not marked sent, so a later sweep can try again.

        Returns:
            The notes this call claimed (to deliver); empty if sent before or none fits.
        """
        stmt = (
            upsert(self._dialect, _note)
            .values(poll_id=poll_id, sent_at=utc(now))
            .on_conflict_do_nothing(index_elements=[_note.c.poll_id])
            .returning(_note.c.poll_id)
        )
        async with self._write() as session:
            kept = list(notes)
            if cap is not None and notes:
                kept = _within(notes, await self._sent_since(
                    session, [n.member for n in notes], cap), cap)
                if not kept:
                    return []
            if (await session.exec(stmt)).first() is None:
                return []
            if kept:
                await session.exec(insert(_log), params=_log_rows(kept))
        return kept

    async def nudge_counts(self, space: SpaceRef, since: datetime) -> dict[str, int]:
        """Reason -> how many nudges and notes were sent in the space since ``since``."""
        query = (
            select(_log.c.reason, func.count())
            .where(_log.c.space == space.key, _log.c.sent_at >= utc(since))
            .group_by(_log.c.reason)
        )
        async with self._read() as session:
            return {reason: int(count) for reason, count in await session.exec(query)}
