"""Members' own settings (time zone, language) and their requests for more time on a poll."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.base import StoreBase, upsert
from storage.cache import TtlCache
from storage.tables import MemberSettingRow, TimeRequestRow

_setting = MemberSettingRow.__table__
_request = TimeRequestRow.__table__


def _count_requests(poll_id: int) -> Select[Any]:
    return select(func.count()).select_from(_request).where(_request.c.poll_id == poll_id)


#: Every member's settings are read in one query and kept this long (seconds): a setting
#: changed by another process is seen within it; this process sees its own at once.
_SETTINGS_TTL = 30.0
_SETTINGS_REFRESH = 5.0

#: member -> (time zone, language); a member with no row has set nothing.
_Snapshot = dict[str, tuple[str | None, str | None]]


class SettingMethods(StoreBase):
    """The member-setting and time-request methods of ``SqlStore``.

    Members' settings are read on every command (the language to answer in) and every
    vote (the creator's zone on the card), so they come from one in-memory copy of the
    whole (small: only those who set something) table, read again every 30 seconds.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self._settings: TtlCache[str, _Snapshot] = TtlCache(
            _SETTINGS_TTL, clock=self._cache_clock, refresh_ahead=_SETTINGS_REFRESH)

    async def _all_settings(self) -> _Snapshot:
        async def read() -> _Snapshot:
            async with self._read() as session:
                rows = await session.exec(select(_setting.c.member, _setting.c.timezone,
                                                 _setting.c.language))
                return {member: (zone, language) for member, zone, language in rows}

        return await self._settings.load("all", read) or {}

    async def _set(self, member: str, column: str, value: str | None) -> None:
        stmt = upsert(self._dialect, _setting).values(member=member, **{column: value})
        # Only this setting is replaced: the member's other settings keep their values.
        stmt = stmt.on_conflict_do_update(
            index_elements=[_setting.c.member], set_={column: getattr(stmt.excluded, column)})
        async with self._write() as session:
            await session.exec(stmt)
        # Read again on next use (settings change rarely): this process sees the change at
        # once, and no refresh already under way can bring back the old value.
        self._settings.drop("all")

    def _forget_settings(self, member: str) -> None:
        """Forget the in-memory copy after ``forget-me`` erased a member's settings."""
        self._settings.drop("all")

    async def set_member_timezone(self, member: str, timezone: str) -> None:
        """Remember a member's time zone, replacing any earlier one."""
        await self._set(member, "timezone", timezone)

    async def member_timezone(self, member: str) -> str | None:
        """A member's time zone, if they set one."""
        return (await self._all_settings()).get(member, (None, None))[0]

    async def member_timezones(self, members: Collection[str]) -> dict[str, str]:
        """The time zones of those of ``members`` who set one."""
        snapshot = await self._all_settings()
        return {member: snapshot[member][0] for member in set(members)
                if member in snapshot and snapshot[member][0] is not None}

    async def set_member_language(self, member: str, language: str | None) -> None:
        """Remember the language a member chose (None: forget it), replacing any earlier one."""
        await self._set(member, "language", language)

    async def member_languages(self, members: Collection[str]) -> dict[str, str]:
        """The languages of those of ``members`` who chose one."""
        snapshot = await self._all_settings()
        return {member: snapshot[member][1] for member in set(members)
                if member in snapshot and snapshot[member][1] is not None}

    async def request_more_time(self, poll_id: int, member: str) -> int:
        """Record that a member asked for more time (a second ask changes nothing).

        Returns:
            How many members have asked, counted in the same transaction.
        """
        stmt = upsert(self._dialect, _request).values(poll_id=poll_id, member=member)
        async with self._write() as session:
            await session.exec(stmt.on_conflict_do_nothing())
            return (await session.exec(_count_requests(poll_id))).scalar_one()

    async def time_requests(self, poll_id: int) -> int:
        """How many members asked for more time on the poll."""
        async with self._read() as session:
            return (await session.exec(_count_requests(poll_id))).scalar_one()
