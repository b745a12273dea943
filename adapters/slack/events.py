"""Events API listeners: counted messages, the Home tab, and channel membership changes.

Slack acks events by itself; these never answer the person, so a fault is logged
by its type and dropped.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack.context import Context
from adapters.slack.home import home_view
from adapters.slack.translate import PLATFORM, counted_message, event_id_of, space, team_of
from bot.commands import MembersLeft, MembersSeen
from bot.model import Actor
from bot.voices.handlers import Spoke

log = logging.getLogger(__name__)


class Events:
    """Listeners for ``message``, ``app_home_opened`` and membership events."""

    def __init__(self, context: Context) -> None:
        self.ctx = context

    def register(self, app: AsyncApp) -> None:
        """Attach the event listeners to the Bolt app."""
        app.event("message")(self.on_message)
        app.event("app_home_opened")(self.on_home)
        app.event("member_joined_channel")(self.on_membership)
        app.event("member_left_channel")(self.on_membership)

    async def on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """A message or reply in a channel: counted (never read), once per event id."""
        kind = counted_message(event)
        if kind is None:
            return
        team = team_of(body) or str(event.get("team") or "")
        user, channel = str(event["user"]), str(event.get("channel") or "")
        try:
            person = await self.ctx.directory.person(team, user)
            if person.bot:
                return
            actor = Actor(PLATFORM, team, user, person.name)
            # Only members' messages count: keep the core's member list in step first.
            await self.ctx.report_members(actor, space(team, channel))
            await self.ctx.core.handle(Spoke(actor, space(team, channel), kind=kind,
                                             event_id=event_id_of(body)))
        except Exception as error:
            log.warning("a message event was not counted (%s)", type(error).__name__)

    async def on_home(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Opening the Home tab shows the person's polls, record and balance."""
        if event.get("tab", "home") != "home":
            return
        team, user = team_of(body), str(event.get("user") or "")
        try:
            actor = await self.ctx.actor(team, user)
            view = await home_view(self.ctx.core, actor)
            await self.ctx.client.views_publish(user_id=user, view=view)
        except Exception as error:
            log.warning("the Home tab was not published (%s)", type(error).__name__)

    async def on_membership(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Someone joined or left a channel: tell the core (a leaver no longer votes there
        or counts), and look the channel's members up again next time."""
        channel, user = str(event.get("channel") or ""), str(event.get("user") or "")
        team = str(event.get("team") or "") or team_of(body)
        self.ctx.directory.forget_members(channel)
        if not (channel and user and team):
            return
        try:
            person = await self.ctx.directory.person(team, user)
            actor = Actor(PLATFORM, team, user, person.name)
            where = space(team, channel)
            if event.get("type") == "member_left_channel":
                await self.ctx.core.handle(MembersLeft(actor, where, (actor,)))
            elif not person.bot:
                await self.ctx.core.handle(MembersSeen(actor, where, (actor,)))
        except Exception as error:
            log.warning("a membership change was not recorded (%s)", type(error).__name__)
