"""Coalesced edits of keyed posts, shared by the platform adapters.

The core asks for an ``UpdatePost`` per vote. ``PostEditor`` keeps only the latest card
per key and edits a message at most once per ``interval``, so 500 votes become a
handful of edits; a card with voting buttons that arrives after the poll's closed card
never replaces it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.effects import UpdatePost

log = logging.getLogger(__name__)

#: Past this many remembered messages, the idle ones are forgotten.
MAX_SLOTS = 10_000


@dataclass
class _Slot:
    """The pending edit of one keyed message."""

    latest: UpdatePost | None = None
    waiters: list[asyncio.Future[None]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    last: float = float("-inf")
    #: A card without buttons (closed, cancelled) has been shown: no open card may follow.
    final: bool = False


class PostEditor:
    """Edits keyed posts, coalescing bursts: only the latest card per key is sent.

    The first edit of a burst goes at once; later ones wait until ``interval`` has passed
    since the one before. A caller's future is done as soon as its card (or a later one)
    is shown, so a timed job never waits out the interval. A card with voting buttons
    that arrives after the poll's closed card (a vote's update computed just before the
    close) is dropped: the closed card stays.

    Args:
        edit: Performs one edit (raises if it failed).
        interval: Least time between two edits of one message, in seconds.
        now: A monotonic clock (tests pass their own).
        sleep: How to wait for the interval (tests pass their own).
    """

    def __init__(self, edit: Callable[[UpdatePost], Awaitable[None]], interval: float,
                 now: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._edit = edit
        self.interval = interval
        self._now = now
        self._sleep = sleep
        self._slots: dict[str, _Slot] = {}

    def submit(self, effect: UpdatePost) -> asyncio.Future[None]:
        """Ask for an edit; the future is done once this card (or a later one) is shown,
        and carries the exception if that edit failed."""
        if len(self._slots) >= MAX_SLOTS:
            self._forget_idle()
        slot = self._slots.setdefault(effect.key, _Slot())
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        closing = slot.final or (slot.latest is not None and not slot.latest.card.buttons)
        if not (closing and effect.card.buttons):
            slot.latest = effect
        slot.waiters.append(future)
        if slot.task is None or slot.task.done():
            slot.task = asyncio.create_task(self._run(slot), name=f"rt-edit-{effect.key}")
        return future

    async def _run(self, slot: _Slot) -> None:
        while slot.waiters:
            if slot.latest is not None:
                gap = slot.last + self.interval - self._now()
                if gap > 0:
                    await self._sleep(gap)       # asks arriving meanwhile join this edit
            effect, waiters = slot.latest, slot.waiters
            slot.latest, slot.waiters = None, []
            if effect is None:
                _settle(waiters, None)           # only stale open cards: the closed one shows
                continue
            try:
                await self._edit(effect)
            except Exception as error:
                # The poll still works; only its public card is behind. Never the card.
                log.warning("could not edit the post %s (%s)", effect.key, type(error).__name__)
                _settle(waiters, error)
            else:
                _settle(waiters, None)
            slot.last = self._now()
            slot.final = slot.final or not effect.card.buttons

    def _forget_idle(self) -> None:
        # Slots only matter for a burst and the moments around a close; forget idle ones.
        for key in [k for k, s in self._slots.items() if s.task is None or s.task.done()]:
            del self._slots[key]

    async def drain(self) -> None:
        """Wait until every asked-for edit is made (or has failed)."""
        while True:
            tasks = [s.task for s in self._slots.values() if s.task and not s.task.done()]
            if not tasks:
                return
            await asyncio.gather(*tasks, return_exceptions=True)


def _settle(waiters: list[asyncio.Future[None]], error: Exception | None) -> None:
    for waiter in waiters:
        if waiter.done():
            continue
        if error is None:
            waiter.set_result(None)
        else:
            waiter.set_exception(error)
