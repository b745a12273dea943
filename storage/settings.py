"""Members' own settings (their time zone) and their requests for more time on a poll."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, func, select

from storage.base import StoreBase, upsert
from storage.tables import MemberSettingRow, TimeRequestRow

_setting = MemberSettingRow.__table__
_request = TimeRequestRow.__table__


def _count_requests(poll_id: int) -> Select[Any]:
    return select(func.count()).select_from(_request).where(_request.c.poll_id == poll_id)


class SettingMethods(StoreBase):
    """The member-setting and time-request methods of ``SqlStore``."""

    async def set_member_timezone(self, member: str, timezone: str) -> None:
        """Remember a member's time zone, replacing any earlier one."""
        stmt = upsert(self._dialect, _setting).values(member=member, timezone=timezone)
        # Only this setting is replaced: settings added later keep their values.
        stmt = stmt.on_conflict_do_update(
            index_elements=[_setting.c.member], set_={"timezone": stmt.excluded.timezone}
        )
        async with self._write() as session:
            await session.exec(stmt)

    async def member_timezone(self, member: str) -> str | None:
        """A member's time zone, if they set one."""
        async with self._read() as session:
            row = await session.get(MemberSettingRow, member)
        return row.timezone if row is not None else None

    async def member_timezones(self, members: Collection[str]) -> dict[str, str]:
        """The time zones of those of ``members`` who set one (one query per 500)."""
        found: dict[str, str] = {}
        wanted = sorted(set(members))
        async with self._read() as session:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = await session.exec(
                    select(MemberSettingRow.member, MemberSettingRow.timezone).where(
                        MemberSettingRow.member.in_(chunk),
                        MemberSettingRow.timezone.is_not(None)))
                found.update({member: tz for member, tz in rows})
        return found

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
