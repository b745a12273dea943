"""Performing effects on Discord: posts, coalesced edits, and (through ``dms``) DMs.

One map from effect type to sender, as in every adapter. Posts with a key are
remembered in the store (``channel_id:message_id``) so a later ``UpdatePost`` finds
them from any process and after a restart. The core asks for an edit per vote;
``PostEditor`` keeps only the latest card per key and edits a message at most once
per ``interval``, so 500 votes become a handful of edits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from adapters.discord.dms import DirectMessages
from adapters.discord.render import card_embed, vote_poll_id
from adapters.discord.translate import PLATFORM
from bot.cards import Card
from bot.effects import DirectMessage, Effect, Post, Reply, UpdatePost
from bot.model import Poll

log = logging.getLogger(__name__)


class PostEditor:
    """Edits keyed posts, coalescing bursts: only the latest card per key is sent.

    Args:
        edit: Performs one edit.
        interval: Least time between two edits of one message, in seconds.
    """

    def __init__(self, edit: Callable[[UpdatePost], Awaitable[None]], interval: float) -> None:
        self._edit = edit
        self._interval = interval
        self._latest: dict[str, UpdatePost] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def submit(self, effect: UpdatePost) -> asyncio.Task[None]:
        """Ask for an edit; returns the task that will have made it (or a later one)."""
        self._latest[effect.key] = effect
        task = self._tasks.get(effect.key)
        if task is None:
            task = asyncio.create_task(self._run(effect.key), name=f"rt-edit-{effect.key}")
            self._tasks[effect.key] = task
        return task

    async def _run(self, key: str) -> None:
        try:
            while key in self._latest:
                effect = self._latest.pop(key)
                try:
                    await self._edit(effect)
                except Exception as error:
                    # The poll still works; only its public card is behind. Never the card.
                    log.warning("could not edit the post %s (%s)", key, type(error).__name__)
                await asyncio.sleep(self._interval)
        finally:
            self._tasks.pop(key, None)

    async def drain(self) -> None:
        """Wait until every asked-for edit is made."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)


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
        DMs go on in the background so the person gets their answer at once."""
        edits: list[asyncio.Task[None]] = []
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
        if direct:
            if wait:
                await self.dms.send(direct)
            else:
                self._spawn(self.dms.send(direct))
        if wait and edits:
            await asyncio.gather(*edits, return_exceptions=True)

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
        # No view once the poll has ended: its buttons go, and the card says why.
        await channel.get_partial_message(int(message_id)).edit(
            embed=card_embed(effect.card), view=view)
