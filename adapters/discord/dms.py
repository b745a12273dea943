"""Direct messages (reminders, nudges, notes to facilitators), paced, never retried in a loop.

A DM costs two calls (open the DM channel, send), so bursts are paced. A member who
does not accept DMs from the server (Discord error 50007), shares no server with the bot
any more (50278) or whose account is gone (10013) is recorded as unreachable
in the store and not tried again for ``RETRY_UNREACHABLE``: those errors count towards
Discord's invalid-request limit, and retrying cannot help until something changes on their
side. Logs carry counts and error types, never a member with a message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

import discord

from bot.cards import Card
from bot.effects import DirectMessage

log = logging.getLogger(__name__)

#: Discord's code for "Cannot send messages to this user" (DMs closed).
CANNOT_MESSAGE_USER = 50007
#: Codes that mean a member cannot be reached by DM, so retrying cannot help: DMs closed,
#: no server shared with the bot any more (50278), the account is gone (10013).
UNREACHABLE = frozenset({CANNOT_MESSAGE_USER, 50278, 10013})
#: After this long an unreachable member gets one more try (they may have opened DMs).
RETRY_UNREACHABLE = timedelta(days=14)


def user_id_of(member: str) -> int | None:
    """The Discord user id in a member key (``discord:<guild>:<user>``)."""
    last = member.rsplit(":", 1)[-1]
    return int(last) if last.isdigit() else None


class DirectMessages:
    """Sends DMs one at a time, at most one per ``interval`` seconds.

    Args:
        client: The Discord client.
        store: Implements ``bot.ports.ReachStore``.
        clock: When a refusal happened.
        render: Card to embed.
        interval: Seconds between two DMs.
        sleep: Waits between two DMs (tests pass their own).
    """

    def __init__(self, client: discord.Client, store, clock,
                 render: Callable[[Card], discord.Embed], interval: float,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.sleep = sleep
        self.client = client
        self.store = store
        self.clock = clock
        self.render = render
        self.interval = interval
        # One queue for the process: reminders and nudges arriving together still pace.
        self._turn = asyncio.Lock()

    async def send(self, effects: Sequence[DirectMessage]) -> int:
        """Send DMs; return how many went out. Unreachable members are skipped.

        Raises:
            discord.HTTPException: Something other than a closed inbox went wrong, so the
                timed job that asked is retried later.
        """
        now = self.clock.now()
        refused = await self.store.unreachable_since({e.member for e in effects})
        sent = skipped = 0
        failure: Exception | None = None
        for effect in effects:
            since = refused.get(effect.member)
            user_id = user_id_of(effect.member)
            if user_id is None or (since is not None and now - since < RETRY_UNREACHABLE):
                skipped += 1
                continue
            try:
                async with self._turn:
                    await self._send_one(user_id, effect.card)
                    await self.sleep(self.interval)
            except discord.HTTPException as error:
                if error.code not in UNREACHABLE:
                    failure = error  # the others still go out; the job is retried for the rest
                    continue
                await self.store.mark_unreachable(effect.member, now)
                refused[effect.member] = now
                skipped += 1
                continue
            if since is not None:
                await self.store.clear_unreachable(effect.member)
            sent += 1
        if skipped:
            log.info("%d direct message(s) not sent: member does not accept DMs", skipped)
        if failure is not None:
            raise failure
        return sent

    async def _send_one(self, user_id: int, card: Card) -> None:
        channel = await self.client.create_dm(discord.Object(id=user_id))
        await channel.send(embed=self.render(card))
