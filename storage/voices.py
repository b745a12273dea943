"""Counted contributions, aggregated in memory and written in batches (``bot.ports.VoiceStore``).

Recording a contribution costs a dictionary update: counts are summed per
(space, day, member, kind) in memory and written in one short transaction per
batch — a bulk upsert that adds to the stored counts. A batch is written when it
holds ``FLUSH_EVENTS`` events, when its oldest event is ``FLUSH_AFTER`` seconds
old, before any read of the counts, and on ``close()``.

Replays are refused twice over: an event id already waiting in memory is dropped
at once, and each batch inserts its event ids (hashed) with ``ON CONFLICT DO
NOTHING RETURNING`` in the same transaction as the counts, so only the events the
database had not seen are counted — also across processes sharing one database.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.model import SpaceRef
from bot.voice_model import Contribution, ContributionCount, ContributionKind, NudgeReason
from storage.base import upsert
from storage.records import RecordMethods
from storage.tables import SpaceMemberRow, utc
from storage.voice_tables import (
    EVENT_DIGEST_BYTES,
    ContributionRow,
    MemberPreferenceRow,
    NudgeLogRow,
    SeenEventRow,
)

logger = logging.getLogger(__name__)

#: Events held in memory before a batch is written without waiting for a read.
FLUSH_EVENTS = 5_000
#: Seconds the oldest held event may wait before a batch is written in the background.
FLUSH_AFTER = 2.0
#: Above this many held events, recording waits for a write: memory stays bounded even
#: when the database falls behind.
MAX_PENDING = 50_000
#: Days a seen event id is kept. Platforms retry within minutes (Slack: up to ~5 min).
KEEP_EVENT_DAYS = 7
#: Seconds between prunes of old event ids.
PRUNE_EVERY = 3600.0

_count = ContributionRow.__table__
_log = NudgeLogRow.__table__
_pref = MemberPreferenceRow.__table__
_seen = SeenEventRow.__table__
_member = SpaceMemberRow.__table__

#: (space key, day, member, kind): one counter row.
Key = tuple[str, date, str, str]


def event_digest(platform: str, event_id: str) -> bytes:
    """The hash kept for a platform event id: enough to spot a replay, nothing to look up."""
    text = f"{platform}\x00{event_id}".encode()
    return hashlib.blake2b(text, digest_size=EVENT_DIGEST_BYTES).digest()


@dataclass(slots=True)
class _Batch:
    """Contributions held in memory, not yet written."""

    #: Events without an id (the bot's own, e.g. votes), already summed.
    counts: dict[Key, int] = field(default_factory=dict)
    #: Events with an id: digest -> key. Counted only if the database has not seen them.
    events: dict[bytes, Key] = field(default_factory=dict)
    size: int = 0
    #: Monotonic time of the oldest event held.
    since: float | None = None
    #: Nudge-log rows of the one question about payments, written with the counts.
    questions: list[dict[str, Any]] = field(default_factory=list)


class VoiceMethods(RecordMethods):
    """The contribution methods of ``SqlStore`` (with nudges and records mixed in)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Passed through untouched: the other parts of SqlStore decide what they take.
        super().__init__(*args, **kwargs)
        self._held = _Batch()
        #: Members asked about payments, or who have said: read once, then kept up to date
        #: in this process, so a contribution costs no query for it.
        self._asked: set[str] | None = None
        self._asked_lock = asyncio.Lock()
        self._flush_lock = asyncio.Lock()
        self._flush_task: asyncio.Task[None] | None = None
        self._last_prune: float | None = None
        stmt = upsert(self._dialect, _count)
        self._add_counts = stmt.on_conflict_do_update(
            index_elements=[_count.c.space, _count.c.day, _count.c.member, _count.c.kind],
            set_={"count": _count.c.count + stmt.excluded.count},
        )
        self._add_seen = (
            upsert(self._dialect, _seen)
            .on_conflict_do_nothing(index_elements=[_seen.c.digest])
            .returning(_seen.c.digest)
        )

    async def record_contribution(self, item: Contribution) -> None:
        """Count one contribution; an ``event_id`` seen before is ignored.

        Raises:
            ValueError: ``item.at`` is naive, or ``item.kind`` is not a contribution kind.
            TypeError: ``item.member`` is not text.
        """
        self._check_open()
        # Checked here, so that a bad value fails its own caller and never a whole batch.
        if not isinstance(item.member, str) or not item.member:
            raise TypeError("member must be a non-empty str")
        key = (item.space.key, utc(item.at).date(), item.member, ContributionKind(item.kind).value)
        held = self._held
        if item.event_id is None:
            held.counts[key] = held.counts.get(key, 0) + 1
        else:
            digest = event_digest(item.space.platform, str(item.event_id))
            if digest in held.events:
                return
            held.events[digest] = key
        held.size += 1
        now = self._monotonic()
        if held.since is None:
            held.since = now
        if held.size >= MAX_PENDING:
            await self.flush_contributions()
        elif held.size >= FLUSH_EVENTS or now - held.since >= FLUSH_AFTER:
            self._flush_soon()
            # One turn of the loop lets the write start (it takes the batch at once), even
            # for a caller that records many events without ever waiting.
            await asyncio.sleep(0)

    async def claim_payments_question(self, member: str, space: SpaceRef,
                                      now: datetime) -> bool:
        """Whether to ask ``member`` the one question about payments now: not if they were
        asked before or have said. Who was asked is read once per process and kept in
        memory; the question is logged (``nudge_log``, reason ``payments``) with the next
        batch of contributions, so a first vote costs neither a read nor a write of its
        own. Two processes that see someone's first contributions before either has
        written its batch could both ask; nothing worse."""
        self._check_open()
        asked = self._asked
        if asked is None:
            async with self._asked_lock:
                if self._asked is None:
                    self._asked = await self._read_asked()
            asked = self._asked
        if member in asked:
            return False
        asked.add(member)
        held = self._held
        held.questions.append({"member": member, "space": space.key,
                               "reason": NudgeReason.PAYMENTS.value, "sent_at": utc(now),
                               "poll_id": None})
        held.size += 1
        if held.since is None:
            held.since = self._monotonic()
        self._flush_soon()
        return True

    async def _read_asked(self) -> set[str]:
        """Everyone asked about payments already, or who said (one query)."""
        query = select(_log.c.member).where(_log.c.reason == NudgeReason.PAYMENTS.value).union(
            select(_pref.c.member).where(_pref.c.payments.is_not(None)))
        async with self._read() as session:
            return {member for (member,) in await session.exec(query)}

    async def flush_contributions(self) -> None:
        """Write every contribution recorded before this call.

        Raises:
            Exception: Whatever the database raised; the batch is kept in memory and
                written with the next one.
        """
        async with self._flush_lock:
            batch, self._held = self._held, _Batch()
            if not batch.size:
                return
            try:
                await self._write_batch(batch)
            except BaseException:
                self._hold_again(batch)
                raise

    def _flush_soon(self) -> None:
        if self._flush_task is None or self._flush_task.done():
            self._flush_task = asyncio.create_task(
                self._flush_in_background(), name="roundtable-contributions"
            )

    async def _flush_in_background(self) -> None:
        try:
            await self.flush_contributions()
        except Exception as exc:
            # The type only: a driver's message may quote a statement.
            logger.warning("contributions were not saved yet (%s); will retry", type(exc).__name__)

    def _hold_again(self, batch: _Batch) -> None:
        held = self._held
        for key, count in batch.counts.items():
            held.counts[key] = held.counts.get(key, 0) + count
        for digest, key in batch.events.items():
            held.events.setdefault(digest, key)
        held.size += batch.size
        held.questions = batch.questions + held.questions
        times = [t for t in (held.since, batch.since) if t is not None]
        held.since = min(times) if times else None

    async def _write_batch(self, batch: _Batch) -> None:
        counts = dict(batch.counts)
        async with self._gates.writing(), self._engine.begin() as conn:
            if batch.events:
                rows = [{"digest": d, "seen_on": key[1]} for d, key in batch.events.items()]
                fresh = await conn.execute(self._add_seen, rows)
                for (digest,) in fresh:
                    key = batch.events[bytes(digest)]
                    # No member: its person asked to be forgotten while it was held.
                    if key[2]:
                        counts[key] = counts.get(key, 0) + 1
            if counts:
                await conn.execute(
                    self._add_counts,
                    [
                        {"space": s, "day": d, "member": m, "kind": k, "count": n}
                        for (s, d, m, k), n in counts.items()
                    ],
                )
            if batch.questions:
                await conn.execute(insert(_log), batch.questions)
            await self._prune_events(conn, batch)

    async def _prune_events(self, conn: AsyncConnection, batch: _Batch) -> None:
        now = self._monotonic()
        if not batch.events or (
            self._last_prune is not None and now - self._last_prune < PRUNE_EVERY
        ):
            return
        self._last_prune = now
        newest = max(key[1] for key in batch.events.values())
        cutoff = newest - timedelta(days=KEEP_EVENT_DAYS)
        await conn.execute(delete(_seen).where(_seen.c.seen_on < cutoff))

    def _drop_held(self, member: str) -> None:
        """Forget a member's contributions still in memory (for ``forget_member``)."""
        held = self._held
        for key in [k for k in held.counts if k[2] == member]:
            held.size -= held.counts.pop(key)
        before = len(held.questions)
        held.questions = [q for q in held.questions if q["member"] != member]
        held.size -= before - len(held.questions)
        if self._asked is not None:
            self._asked.discard(member)
        # Their event ids stay (they carry no identity); a replay is still refused.
        for digest, key in list(held.events.items()):
            if key[2] == member:
                held.events[digest] = (key[0], key[1], "", key[3])

    # -- reads (each writes what is held first, so figures are fresh) --------------

    async def contribution_totals(self, space: SpaceRef, since: date) -> dict[str, int]:
        """Member -> contributions of every kind in the space from ``since`` (a UTC day) on."""
        await self.flush_contributions()
        query = (
            select(_count.c.member, func.sum(_count.c.count))
            .where(_count.c.space == space.key, _count.c.day >= since)
            .group_by(_count.c.member)
        )
        async with self._read() as session:
            return {member: int(total) for member, total in await session.exec(query)}

    async def contribution_counts(
        self, member: str, space: SpaceRef | None = None
    ) -> list[ContributionCount]:
        """A member's counts per space, day and kind (all spaces when ``space`` is None)."""
        await self.flush_contributions()
        query = select(_count.c.space, _count.c.kind, _count.c.day, _count.c.count).where(
            _count.c.member == member
        )
        if space is not None:
            query = query.where(_count.c.space == space.key)
        query = query.order_by(_count.c.space, _count.c.day, _count.c.kind)
        async with self._read() as session:
            rows = (await session.exec(query)).all()
        return [
            ContributionCount(s, member, ContributionKind(k), d, int(n)) for s, k, d, n in rows
        ]

    async def involvement_counts(
        self, since: date, until: date
    ) -> list[tuple[ContributionCount, str]]:
        """Every member's counts per space and kind over ``since``..``until`` (UTC days,
        inclusive), each with the member's display name in that space ("" if unknown)."""
        await self.flush_contributions()
        total = func.sum(_count.c.count)
        query = (
            select(_count.c.space, _count.c.member, _count.c.kind, total, _member.c.name)
            .select_from(
                _count.outerjoin(
                    _member,
                    (_member.c.space == _count.c.space) & (_member.c.member == _count.c.member),
                )
            )
            .where(_count.c.day >= since, _count.c.day <= until)
            .group_by(_count.c.space, _count.c.member, _count.c.kind, _member.c.name)
            .order_by(_count.c.space, _count.c.member, _count.c.kind)
        )
        async with self._read() as session:
            rows = (await session.exec(query)).all()
        return [
            (ContributionCount(s, m, ContributionKind(k), None, int(n)), name or "")
            for s, m, k, n, name in rows
        ]
