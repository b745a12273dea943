"""Performing effects on Discord: posts, coalesced edits, and (through ``dms``) DMs.

One map from effect type to sender, as in every adapter. Posts with a key are
remembered in the store (``channel_id:message_id``) so a later ``UpdatePost`` finds
them from any process and after a restart. The core asks for an edit per vote;
``PostEditor`` keeps only the latest card per key and edits a message at most once
per ``interval``, so 500 votes become a handful of edits. From timed jobs (``wait``),
a failed post, edit or DM raises, so the job is retried; a message or channel that is
gone, or no longer visible to the bot, is not retried.

Posts and edits are for everyone in the channel: their embeds and voting components
are made inside ``in_space`` (the core's ``in_space``), in the space's language, or,
for a bilingual space, with labels in both ("Agree / Cytuno").
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import discord

from adapters.discord.dms import DirectMessages, user_id_of
from adapters.discord.render import card_embed, card_messages, one_message
from adapters.discord.translate import PLATFORM
from adapters.edits import PostEditor
from bot.cards import Card
from bot.effects import DirectMessage, Effect, Post, PrivateFile, Reply, UpdatePost
from bot.i18n import space_languages, speaking
from bot.model import Poll
from bot.polls.views import vote_poll_id

log = logging.getLogger(__name__)

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
        in_space: Inside it, public text is written in the space's language(s)
            (``Roundtable.in_space``); by default English.
    """

    def __init__(self, client: discord.Client, store: Any, clock: Any,
                 views: Callable[[Poll], discord.ui.View | None], *,
                 edit_interval: float = 1.0, dm_interval: float = 0.1,
                 in_space: Callable[[], AbstractContextManager[Any]] = nullcontext) -> None:
        self.client = client
        self.views = views
        self.in_space = in_space
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
            elif isinstance(effect, PrivateFile):
                # Inside an interaction ``Bridge`` attaches it to an ephemeral answer;
                # outside one, a DM is the only private place.
                await self.private_file(effect)
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

    async def private_file(self, effect: PrivateFile) -> None:
        """A file sent to its person by DM. A failure is logged by type, never raised:
        retrying a whole job for it could send every other message twice."""
        user_id = user_id_of(effect.to.key)
        if user_id is None:
            return
        try:
            channel = await self.client.create_dm(discord.Object(id=user_id))
            await channel.send(embed=card_embed(effect.card), file=discord.File(
                io.BytesIO(effect.content), filename=effect.filename))
        except discord.HTTPException as error:
            log.warning("could not send a private file by DM (%s %s)", type(error).__name__,
                        error.code)

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

    @contextmanager
    def public(self) -> Iterator[None]:
        """Inside, text is written for everyone in the space: components in its
        language(s), the embeds' few words in its first one."""
        with self.in_space(), speaking(space_languages()[0]):
            yield

    async def view_for(self, card: Card) -> discord.ui.View | None:
        """The components of a card: a poll's voting controls while it is open."""
        poll_id = vote_poll_id(card)
        if poll_id is None:
            return None
        poll = await self.store.get_poll(poll_id)
        if poll is None or not poll.is_open:
            return None
        with self.public():
            return self.views(poll)

    async def post(self, effect: Post) -> None:
        """Post a card in its channel and remember where (its first message), if it has a
        key. A card longer than one message allows (a long outcome: every reason is shown)
        goes on in further messages; the components go on the first."""
        channel = self.client.get_partial_messageable(int(effect.space.channel))
        view = await self.view_for(effect.card)
        first: discord.Message | None = None
        with self.public():
            messages = card_messages(effect.card)
        for embeds in messages:
            kwargs = {"view": view} if view is not None and first is None else {}
            message = await channel.send(embeds=embeds, **kwargs)
            if first is None:
                first = message
                if effect.key:
                    await self.store.remember_post(effect.key, PLATFORM,
                                                   f"{channel.id}:{message.id}")

    async def _edit(self, effect: UpdatePost) -> None:
        ref = await self.store.find_post(effect.key, PLATFORM)
        if ref is None:
            return  # posted before the adapter remembered it, or never posted on Discord
        channel_id, _colon, message_id = ref.partition(":")
        channel = self.client.get_partial_messageable(int(channel_id))
        view = await self.view_for(effect.card)
        try:
            # No view once the poll has ended: its buttons go, and the card says why.
            # discord.py leaves the client's allowed_mentions off edits without content.
            with self.public():
                embeds = one_message(effect.card)
            await channel.get_partial_message(int(message_id)).edit(
                embeds=embeds, view=view,
                allowed_mentions=discord.AllowedMentions.none())
        except (discord.NotFound, discord.Forbidden) as error:
            # The message or channel is gone, or the bot may no longer see it: trying again
            # cannot help, and repeated 403/404s count towards Discord's invalid-request ban.
            log.info("the post %s can no longer be edited (%s %s)", effect.key,
                     type(error).__name__, error.code)
