"""Cached lookups in Slack: people (names, admins, bots, language), channel creators and
members, and user-group memberships.

Each answer is kept for a while so a busy channel costs a few API calls an hour,
not one per message. A failed lookup degrades (no name, no role) and is logged
with Slack's error code only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How long answers are kept, in seconds.
ROSTER_TTL = 3600.0
CHANNEL_TTL = 3600.0
MEMBERS_TTL = 600.0
#: A member list at least this old is looked up again when someone not in it acts (they
#: may have just joined, and the join event not arrived yet); younger, it is trusted.
MEMBERS_RECHECK = 30.0
GROUPS_TTL = 600.0
PAGE = 200


@dataclass(frozen=True)
class Person:
    """What Roundtable needs to know about a Slack user."""

    name: str = ""
    admin: bool = False
    bot: bool = False
    #: The language Slack is set to for them ("cy-GB", "en-US"), "" when Slack did not say.
    locale: str = ""


def _person(user: dict[str, Any]) -> Person:
    profile = user.get("profile") or {}
    name = (profile.get("display_name") or profile.get("real_name") or user.get("real_name")
            or user.get("name") or "")
    return Person(name=str(name), admin=bool(user.get("is_admin") or user.get("is_owner")),
                  bot=bool(user.get("is_bot") or user.get("deleted")
                           or user.get("id") == "USLACKBOT"),
                  locale=str(user.get("locale") or ""))


def api_error(error: Exception) -> str:
    """Slack's error code (never the request or the token)."""
    if isinstance(error, SlackApiError):
        data = getattr(error.response, "data", None)
        if isinstance(data, dict):
            return str(data.get("error", "unknown"))
        return f"http {getattr(error.response, 'status_code', '?')}"
    return type(error).__name__


class _Cache:
    """Values by key with an expiry; one lookup at a time per key."""

    def __init__(self, ttl: float, now: Callable[[], float]) -> None:
        self.ttl, self.now = ttl, now
        self.values: dict[str, tuple[float, Any]] = {}
        self.locks: dict[str, asyncio.Lock] = {}

    def drop(self, key: str) -> None:
        self.values.pop(key, None)

    def held(self, key: str) -> Any:
        """The value kept for ``key``, even a stale one, without looking it up (or None)."""
        held = self.values.get(key)
        return None if held is None else held[1]

    def age(self, key: str) -> float | None:
        """Seconds since the value was looked up (None when there is none)."""
        held = self.values.get(key)
        return None if held is None else self.now() - (held[0] - self.ttl)

    async def get(self, key: str, load: Callable[[], Awaitable[T]]) -> T:
        held = self.values.get(key)
        if held and held[0] > self.now():
            return held[1]
        async with self.locks.setdefault(key, asyncio.Lock()):
            held = self.values.get(key)
            if held and held[0] > self.now():
                return held[1]
            value = await load()
            self.values[key] = (self.now() + self.ttl, value)
            return value


class Directory:
    """Who people are and who is where, from the Slack Web API, cached.

    Args:
        client: The Web API client.
        now: A monotonic clock in seconds (tests pass their own).
    """

    def __init__(self, client: AsyncWebClient, now: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self._roster = _Cache(ROSTER_TTL, now)
        self._people = _Cache(ROSTER_TTL, now)
        self._creators = _Cache(CHANNEL_TTL, now)
        self._members = _Cache(MEMBERS_TTL, now)
        self._groups = _Cache(GROUPS_TTL, now)

    async def roster(self, team: str) -> dict[str, Person]:
        """Everyone in the workspace (``users.list``, with each one's locale: no extra call),
        by user id."""
        return await self._roster.get(team, lambda: self._load_roster(team))

    async def _load_roster(self, team: str) -> dict[str, Person]:
        people: dict[str, Person] = {}
        cursor = None
        try:
            while True:
                answer = await self.client.users_list(limit=PAGE, cursor=cursor,
                                                      include_locale=True)
                for user in answer.get("members") or ():
                    people[str(user.get("id"))] = _person(user)
                cursor = (answer.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return people
        except SlackApiError as error:
            log.warning("users.list failed (%s); looking people up one by one", api_error(error))
            return people

    async def person(self, team: str, user: str) -> Person:
        """One person: from the roster, else ``users.info``."""
        found = (await self.roster(team)).get(user)
        if found is not None:
            return found
        return await self._people.get(f"{team}:{user}", lambda: self._load_person(user))

    async def _load_person(self, user: str) -> Person:
        try:
            answer = await self.client.users_info(user=user, include_locale=True)
        except SlackApiError as error:
            log.warning("users.info failed (%s)", api_error(error))
            return Person()
        return _person(answer.get("user") or {})

    def known_locale(self, team: str, user: str) -> str:
        """The person's Slack locale if it was already looked up, else "": never a call, so
        it may be used before a form opens, while Slack's trigger id is fresh."""
        for person in ((self._roster.held(team) or {}).get(user),
                       self._people.held(f"{team}:{user}")):
            if person is not None and person.locale:
                return person.locale
        return ""

    async def creator(self, channel: str) -> str | None:
        """Who created the channel (``conversations.info``), if Slack says."""
        return await self._creators.get(channel, lambda: self._load_creator(channel))

    async def _load_creator(self, channel: str) -> str | None:
        try:
            answer = await self.client.conversations_info(channel=channel)
        except SlackApiError as error:
            log.warning("conversations.info failed (%s)", api_error(error))
            return None
        return (answer.get("channel") or {}).get("creator") or None

    async def members(self, channel: str) -> list[str] | None:
        """The channel's member ids (``conversations.members``); None if Slack would not say."""
        return await self._members.get(channel, lambda: self._load_members(channel))

    def forget_members(self, channel: str) -> None:
        """Look the channel's members up again next time (someone joined or left)."""
        self._members.drop(channel)

    async def members_with(self, channel: str, user: str) -> list[str] | None:
        """The channel's member ids, looked up again first when ``user`` is not among
        them and the list is older than ``MEMBERS_RECHECK`` seconds."""
        members = await self.members(channel)
        if members is not None and user not in members:
            age = self._members.age(channel)
            if age is not None and age >= MEMBERS_RECHECK:
                self._members.drop(channel)
                members = await self.members(channel)
        return members

    async def _load_members(self, channel: str) -> list[str] | None:
        ids: list[str] = []
        cursor = None
        try:
            while True:
                answer = await self.client.conversations_members(channel=channel, limit=PAGE,
                                                                 cursor=cursor)
                ids += [str(m) for m in answer.get("members") or ()]
                cursor = (answer.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return ids
        except SlackApiError as error:
            log.warning("conversations.members failed (%s)", api_error(error))
            return None

    async def user_groups(self, team: str) -> dict[str, set[str]]:
        """User id -> ids of the user groups they are in (``usergroups.list``)."""
        return await self._groups.get(team, lambda: self._load_groups(team))

    async def _load_groups(self, team: str) -> dict[str, set[str]]:
        held: dict[str, set[str]] = {}
        try:
            answer = await self.client.usergroups_list(include_users=True)
        except SlackApiError as error:
            log.warning("usergroups.list failed (%s)", api_error(error))
            return held
        for group in answer.get("usergroups") or ():
            for user in group.get("users") or ():
                held.setdefault(str(user), set()).add(str(group.get("id")))
        return held
