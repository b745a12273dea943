"""Performing effects on Discord: posts, coalesced edits, and (through ``dms``) DMs.

One map from effect type to sender, as in every adapter. Posts with a key are
remembered in the store (``channel_id:message_id``) so a later ``UpdatePost`` finds
them from any process and after a restart. The core asks for an edit per vote;
``PostEditor`` keeps only the latest card per key and edits a message at most once
per ``interval``, so 500 votes become a handful of edits. From timed jobs (``wait``),
a failed post, edit or DM raises, so the job is retried; a message or channel that is
gone, or no longer visible to the bot, is not retried.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord.dms import DirectMessages
from adapters.discord.render import card_embed, vote_poll_id
from adapters.discord.translate import PLATFORM
from bot.cards import Card
from bot.effects import DirectMessage, Effect, Post, Reply, UpdatePost
from bot.model import Poll

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
        edit: Performs one edit.
        interval: Least time between two edits of one message, in seconds.
        now: A monotonic clock (tests pass their own).
    """

    def __init__(self, edit: Callable[[UpdatePost], Awaitable[None]], interval: float,
                 now: Callable[[], float] = time.monotonic) -> None:
        self._edit = edit
        self._interval = interval
        self._now = now
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
                gap = slot.last + self._interval - self._now()
                if gap > 0:
                    await asyncio.sleep(gap)     # asks arriving meanwhile join this edit
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


def _retrieve(future: asyncio.Future[None]) -> None:
    # Edits asked for inside an interaction are not awaited; their failure is logged above.
    if not future.cancelled():
        future.exception()


class Sender:
    """Sends effects through a logged-in client.

    Args:
        client: The Discord client.
        store: Post references and unreachable members.
        clock: For recording when a member could not be reached.
        views: An open poll's voting components.
        edit_interval: Seconds between two edits of one message.
        dm_interval: Seconds between two DMs (bursts are paced, not dropped).
    """

    def __init__(self, client: discord.Client, store: Any, clock: Any,
                 views: Callable[[Poll], discord.ui.View | None], *,
                 edit_interval: float = 1.0, dm_interval: float = 0.1) -> None:
        self.client = client
        self.views = views
        self.store = store
        self.editor = PostEditor(self._edit, edit_interval)
        self.dms = DirectMessages(client, store, clock, card_embed, dm_interval)
        self._background: set[asyncio.Task[None]] = set()

    async def perform(self, effects: Sequence[Effect], *, wait: bool = True) -> None:
        """Perform effects in order. With ``wait`` False (inside an interaction), edits and
        DMs go on in the background so the person gets their answer at once.

        Raises:
            discord.HTTPException: With ``wait``, a post, an edit or a DM failed (after the
                rest were tried), so the timed job that asked is retried.
        """
        edits: list[asyncio.Future[None]] = []
        direct: list[DirectMessage] = []
        for effect in effects:
            if isinstance(effect, Post):
                await self.post(effect)
            elif isinstance(effect, UpdatePost):
                edits.append(self.editor.submit(effect))
            elif isinstance(effect, DirectMessage):
                direct.append(effect)
            elif isinstance(effect, Reply):
                # Outside an interaction there is nothing to be ephemeral in: a DM is private.
                direct.append(DirectMessage(PLATFORM, effect.to.key, effect.card))
        if not wait:
            for future in edits:
                future.add_done_callback(_retrieve)
            if direct:
                self._spawn(self.dms.send(direct))
            return
        failures: list[BaseException] = []
        if direct:
            try:
                await self.dms.send(direct)
            except Exception as error:
                failures.append(error)
        results = await asyncio.gather(*edits, return_exceptions=True)
        failures += [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise failures[0]

    def _spawn(self, work: Awaitable[None]) -> None:
        async def run() -> None:
            try:
                await work
            except Exception as error:
                log.warning("background send failed (%s)", type(error).__name__)

        task = asyncio.create_task(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for background sends and edits (at stop, and in tests)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
        await self.editor.drain()

    async def view_for(self, card: Card) -> discord.ui.View | None:
        """The components of a card: a poll's voting controls while it is open."""
        poll_id = vote_poll_id(card)
        if poll_id is None:
            return None
        poll = await self.store.get_poll(poll_id)
        return self.views(poll) if poll is not None and poll.is_open else None

    async def post(self, effect: Post) -> None:
        """Post a card in its channel and remember where, if it has a key."""
        channel = self.client.get_partial_messageable(int(effect.space.channel))
        view = await self.view_for(effect.card)
        kwargs = {"view": view} if view is not None else {}
        message = await channel.send(embed=card_embed(effect.card), **kwargs)
        if effect.key:
            await self.store.remember_post(effect.key, PLATFORM, f"{channel.id}:{message.id}")

    async def _edit(self, effect: UpdatePost) -> None:
        ref = await self.store.find_post(effect.key, PLATFORM)
        if ref is None:
            return  # posted before the adapter remembered it, or never posted on Discord
        channel_id, _, message_id = ref.partition(":")
        channel = self.client.get_partial_messageable(int(channel_id))
        view = await self.view_for(effect.card)
        try:
            # No view once the poll has ended: its buttons go, and the card says why.
            # discord.py leaves the client's allowed_mentions off edits without content.
            await channel.get_partial_message(int(message_id)).edit(
                embed=card_embed(effect.card), view=view,
                allowed_mentions=discord.AllowedMentions.none())
        except (discord.NotFound, discord.Forbidden) as error:
            # The message or channel is gone, or the bot may no longer see it: trying again
            # cannot help, and repeated 403/404s count towards Discord's invalid-request ban.
            log.info("the post %s can no longer be edited (%s %s)", effect.key,
                     type(error).__name__, error.code)
