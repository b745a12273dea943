"""Effects into Web API calls: one function per effect type.

- ``Post`` -> ``chat.postMessage``; a keyed post is remembered in the store, so it can
  be edited later, after a restart or from another process.
- ``Reply`` -> ``chat.postEphemeral`` (a direct message when the bot cannot post there).
- ``DirectMessage`` -> ``chat.postMessage`` to the person's user id (the app's DM),
  paced so a burst of 500 reminders is spread out, never dropped.
- ``UpdatePost`` -> ``chat.update``, coalesced per message: only the latest card is
  sent, at most one edit a second, so 500 votes do not become 500 edits.
- ``PrivateFile`` -> ``conversations.open`` with the person, then ``files_upload_v2``
  into that direct message (never the channel), and an ephemeral note in the channel
  saying where it is; if it cannot be sent, an ephemeral note saying so.

429 answers are retried by the client (``client.RetryAfter``).

Cards come from the core in their reader's language. The few words added here (voting
buttons, the time token's wording, a note that something did not fit) are in the reader's
language for a reply or a direct message, and in the space's for a public post.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.edits import PostEditor
from adapters.slack.blocks import Block, card_blocks, fallback_text
from adapters.slack.directory import api_error
from adapters.slack.poll_blocks import poll_blocks
from adapters.slack.translate import PLATFORM, user_of_member
from bot.cards import Card, Tone, message_card
from bot.effects import DirectMessage, Effect, Post, PrivateFile, Reply, UpdatePost
from bot.i18n import _, in_space, speaking
from bot.model import SpaceRef
from bot.polls.views import vote_poll_id
from bot.service import Roundtable

log = logging.getLogger(__name__)

#: Direct messages sent per second at most (Slack allows about one a second per
#: conversation, and bursts across conversations); several are in flight at once.
DM_RATE = 20.0
DM_CONCURRENCY = 8
#: Edits of one message at most this often, in seconds.
UPDATE_INTERVAL = 1.0
#: Errors that mean this one person cannot be reached by DM: recorded, not retried. Errors
#: about the app itself (``messages_tab_disabled``, ``not_allowed_token_type``, ``invalid_auth``)
#: are not here: they would otherwise mark everyone unreachable for two weeks, so they fail
#: the job instead, and the code is logged.
UNREACHABLE = frozenset({"cannot_dm_bot", "user_not_found", "user_disabled", "channel_not_found",
                         "is_archived"})
#: A person who refused DMs is not tried again for this long.
RETRY_UNREACHABLE = timedelta(days=14)
#: Errors that mean an ephemeral reply cannot go to the channel: sent by DM instead.
NO_EPHEMERAL = frozenset({"channel_not_found", "not_in_channel", "user_not_in_channel",
                          "is_archived"})
#: Errors that mean a remembered message is gone: nothing left to edit.
GONE = frozenset({"message_not_found", "channel_not_found", "cant_update_message",
                  "is_archived"})


def file_not_sent_card() -> Card:
    """When a file for someone could not be sent. Nothing is shared: an upload that was not
    completed is never shown in any conversation."""
    return message_card(
        _("I could not send the file"),
        _("Slack did not take the file just now, so nobody got it. Please ask again in a "
          "minute. If it keeps failing, ask whoever runs Roundtable to check that the app may "
          "send files (files:write and im:write)."), Tone.ERROR)


def file_sent_card(filename: str) -> Card:
    """Where a file sent to someone is."""
    return message_card(
        _("Sent: {name}").format(name=filename),
        _("The file is in your direct messages with Roundtable. Only you can see it."),
        Tone.SUCCESS)

Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """Spaces out starts: at most ``rate`` per second, waiting rather than dropping."""

    def __init__(self, rate: float, sleep: Sleep = asyncio.sleep,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self.sleep, self.now = sleep, now
        self._next = 0.0

    async def wait(self) -> None:
        """Return when the next start is allowed."""
        now = self.now()
        start = max(now, self._next)
        self._next = start + self.interval
        if start > now:
            await self.sleep(start - now)


class Sender:
    """Performs effects on Slack.

    Args:
        client: The Web API client.
        core: The core (for the store and each space's time zone).
        dm_rate: Direct messages per second at most.
        update_interval: Seconds between edits of one message.
        sleep: How to wait (tests may pass a recorder).
    """

    def __init__(self, client: AsyncWebClient, core: Roundtable, dm_rate: float = DM_RATE,
                 update_interval: float = UPDATE_INTERVAL, sleep: Sleep = asyncio.sleep,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.client, self.core, self.store = client, core, core.store
        self.pacer = Pacer(dm_rate, sleep, now)
        self.sleep, self.now = sleep, now
        # Through lambdas, so that tests may swap the clock and the sleep afterwards.
        self.editor = PostEditor(self._edit, update_interval, now=lambda: self.now(),
                                 sleep=lambda seconds: self.sleep(seconds))
        self.unreachable = 0

    @property
    def update_interval(self) -> float:
        """Least seconds between two edits of one message."""
        return self.editor.interval

    @update_interval.setter
    def update_interval(self, seconds: float) -> None:
        self.editor.interval = seconds

    async def blocks(self, card: Card, space: SpaceRef | None, language: str | None = None
                     ) -> tuple[str, list[Block]]:
        """A card's fallback text and blocks; poll cards get their voting controls.

        What this adds to the card is worded in ``language`` (the one reader's), or for
        everyone in the space when it is None (a public post).
        """
        tz = self.core.zone_of(space) if space else self.core.settings.timezone
        languages = (language,) if language else self.core.settings.space_languages
        poll_id = vote_poll_id(card)
        poll = await self.store.get_poll(poll_id) if poll_id is not None else None
        with in_space(languages), speaking(languages[0]):
            if poll_id is not None:
                return fallback_text(card, tz), poll_blocks(card, poll, tz)
            return fallback_text(card, tz), card_blocks(card, tz)

    async def perform(self, effects: Sequence[Effect], wait: bool = True) -> None:
        """Perform effects in order. Edits are queued; with ``wait``, awaited too.

        Raises:
            SlackApiError: A post, reply or edit failed in a way a retry may fix; the
                direct messages are all attempted before a DM failure is raised.
        """
        edits: list[asyncio.Future[None]] = []
        dms = [e for e in effects if isinstance(e, DirectMessage)]
        awaited = {e.after for e in effects if isinstance(e, Reply) and e.if_not_posted}
        failed: set[str | None] = set()
        for effect in effects:
            if isinstance(effect, Post) and effect.key in awaited:
                try:
                    await self.post(effect)
                except Exception as error:
                    # A reply hangs on this post and says what to tell the person if it
                    # fails (the core retries the post): say that, never "nothing was
                    # changed", which would lead to a duplicate.
                    log.warning("a post was not taken (%s); it will be retried",
                                type(error).__name__)
                    failed.add(effect.key)
            elif isinstance(effect, Post):
                await self.post(effect)
            elif isinstance(effect, Reply):
                if effect.after in failed and effect.if_not_posted is not None:
                    effect = Reply(effect.to, effect.space, effect.if_not_posted)
                await self.reply(effect)
            elif isinstance(effect, PrivateFile):
                await self.private_file(effect)
            elif isinstance(effect, UpdatePost):
                future = self.update(effect)
                if wait:
                    edits.append(future)
                else:
                    future.add_done_callback(_swallow)
        if dms:
            await self.direct(dms)
        if edits:
            await asyncio.gather(*edits)

    async def post(self, effect: Post) -> None:
        """A public message; a keyed one is remembered for later edits."""
        text, blocks = await self.blocks(effect.card, effect.space)
        answer = await self.client.chat_postMessage(
            channel=effect.space.channel, text=text, blocks=blocks,
            unfurl_links=False, unfurl_media=False)
        if effect.key:
            channel = str(answer.get("channel") or effect.space.channel)
            await self.store.remember_post(effect.key, PLATFORM, f"{channel}:{answer['ts']}")

    async def reply(self, effect: Reply) -> None:
        """A private answer in the channel; by DM when the bot cannot answer there."""
        text, blocks = await self.blocks(effect.card, effect.space,
                                         await self.core.language_for(effect.to))
        try:
            await self.client.chat_postEphemeral(channel=effect.space.channel,
                                                 user=effect.to.user_id, text=text, blocks=blocks)
        except SlackApiError as error:
            if api_error(error) not in NO_EPHEMERAL:
                raise
            await self.client.chat_postMessage(channel=effect.to.user_id, text=text,
                                               blocks=blocks)

    async def private_file(self, effect: PrivateFile) -> None:
        """Upload a file into the person's direct message with the bot, never the channel,
        then tell them in the channel where it is. A failure is told to them, not raised:
        nothing was shared, and they can ask again."""
        tz, language = self.core.zone_of(effect.space), await self.core.language_for(effect.to)
        try:
            opened = await self.client.conversations_open(users=effect.to.user_id)
            with speaking(language):
                comment = fallback_text(effect.card, tz)
            await self.client.files_upload_v2(
                channel=str(opened["channel"]["id"]), filename=effect.filename,
                title=effect.filename, content=effect.content, initial_comment=comment)
        except Exception as error:
            # The error code only: never who asked, the file's name or its contents.
            log.warning("a private file could not be sent (%s)", api_error(error))
            with speaking(language):
                card = file_not_sent_card()
            await self.reply(Reply(effect.to, effect.space, card))
            return
        with speaking(language):
            card = file_sent_card(effect.filename)
        await self.reply(Reply(effect.to, effect.space, card))

    async def direct(self, effects: Sequence[DirectMessage]) -> None:
        """Private messages, paced. People who refused DMs lately are skipped; a new refusal
        is recorded (``store.mark_unreachable``) and does not fail the job."""
        gate = asyncio.Semaphore(DM_CONCURRENCY)
        failures: list[BaseException] = []
        now = self.core.clock.now()
        refused = await self.store.unreachable_since({e.member for e in effects})
        languages = await self._languages({e.member for e in effects})

        async def one(effect: DirectMessage) -> None:
            since = refused.get(effect.member)
            if since is not None and now - since < RETRY_UNREACHABLE:
                self.unreachable += 1
                return
            async with gate:
                await self.pacer.wait()
                try:
                    await self._dm(effect, languages.get(effect.member))
                except Exception as error:
                    # Any failure (a Slack error or a dropped connection) waits for the rest:
                    # raising at once would fail the job while DMs were still being sent.
                    if api_error(error) not in UNREACHABLE:
                        failures.append(error)
                        return
                    self.unreachable += 1
                    await self.store.mark_unreachable(effect.member, now)
                    # The error code only: not who, and not what the message said.
                    log.info("a direct message could not be delivered (%s)", api_error(error))
                    return
            if since is not None:
                await self.store.clear_unreachable(effect.member)

        await asyncio.gather(*(one(e) for e in effects))
        if failures:
            # The code only (the job's own log names just the exception's type).
            log.warning("%d direct message(s) failed (%s); the job will be retried",
                        len(failures), api_error(failures[0]))
            raise failures[0]

    async def _languages(self, members: set[str]) -> dict[str, str]:
        """Each reader's language, in one read; none (the space's) if it cannot be read."""
        try:
            return await self.core.languages_of(members)
        except Exception as error:
            # Only what went wrong: a message's words must never wait on its language.
            log.warning("the readers' languages could not be read (%s)", type(error).__name__)
            return {}

    async def _dm(self, effect: DirectMessage, language: str | None) -> None:
        text, blocks = await self.blocks(effect.card, None,
                                         language or self.core.settings.language)
        await self.client.chat_postMessage(channel=user_of_member(effect.member), text=text,
                                           blocks=blocks, unfurl_links=False)

    def update(self, effect: UpdatePost) -> asyncio.Future[None]:
        """Queue an edit; the future is done once this card (or a later one) is shown.

        Coalesced per message, a second apart, and a late open card never replaces the
        closed one (``adapters.edits``).
        """
        return self.editor.submit(effect)

    async def _edit(self, effect: UpdatePost) -> None:
        ref = await self.store.find_post(effect.key, PLATFORM)
        if ref is None:
            log.info("no message remembered for %s; nothing to update", effect.key)
            return
        channel, _, ts = ref.partition(":")
        text, blocks = await self.blocks(effect.card, effect.space)
        try:
            await self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError as error:
            if api_error(error) not in GONE:
                raise
            log.info("the message for %s is gone (%s)", effect.key, api_error(error))

    async def drain(self) -> None:
        """Wait until every queued edit has been sent (or has failed)."""
        await self.editor.drain()


def _swallow(future: asyncio.Future[None]) -> None:
    # Edits queued from a request are not awaited; their failure is logged in _edits.
    if not future.cancelled():
        future.exception()
