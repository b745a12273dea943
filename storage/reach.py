"""Members who cannot be reached privately, so that adapters stop trying for a while."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select

from storage.base import StoreBase, upsert
from storage.reach_tables import UnreachableRow
from storage.tables import utc


class ReachMethods(StoreBase):
    """The unreachable-member methods of ``SqlStore`` (``bot.ports.ReachStore``)."""

    async def mark_unreachable(self, member: str, now: datetime) -> None:
        """Record that a private message to ``member`` was refused at ``now``."""
        table = UnreachableRow.__table__
        stmt = upsert(self._dialect, table).values(member=member, since=utc(now))
        stmt = stmt.on_conflict_do_update(index_elements=[table.c.member],
                                          set_={"since": stmt.excluded.since})
        async with self._write() as session:
            await session.exec(stmt)

    async def unreachable_since(self, members: Collection[str]) -> dict[str, datetime]:
        """Member -> when a private message to them was last refused, for those asked about."""
        if not members:
            return {}
        query = select(UnreachableRow).where(col(UnreachableRow.member).in_(list(members)))
        async with self._read() as session:
            rows = (await session.exec(query)).all()
        return {row.member: row.since for row in rows}

    async def clear_unreachable(self, member: str) -> None:
        """Forget that a member could not be reached (a message got through, or forget-me)."""
        async with self._write() as session:
            await session.exec(delete(UnreachableRow).where(col(UnreachableRow.member) == member))
