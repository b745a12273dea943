"""Ideas gathered in an ideas round (``bot.ports.IdeaStore``).

An idea row holds its round (a poll row of kind "ideas"), its number in the round
and its words. It has no author and no time: who added an idea is counted as a
contribution elsewhere, and never stored with it.
"""

from __future__ import annotations

from sqlalchemy import Text, UniqueConstraint, func
from sqlmodel import Field, SQLModel, col, select

from bot.errors import PollClosed
from bot.model import PollStatus
from storage.base import StoreBase
from storage.tables import PollRow


class IdeaRow(SQLModel, table=True):
    """One idea, numbered in the order ideas arrived. ``folded`` refuses duplicates."""

    __tablename__ = "idea"
    __table_args__ = (UniqueConstraint("poll_id", "folded", name="uq_idea_poll_folded"),)

    poll_id: int = Field(primary_key=True, foreign_key="poll.id")
    number: int = Field(primary_key=True)
    text: str = Field(sa_type=Text)
    folded: str = Field(sa_type=Text)


class IdeaMethods(StoreBase):
    """The idea methods of ``SqlStore``."""

    async def add_idea(self, poll_id: int, text: str, folded: str) -> int | None:
        """Add an idea to an open round; return its number, or None if ``folded`` is taken.

        Raises:
            PollClosed: The round is not open (checked inside the transaction).
        """

        async def insert() -> int | None:
            async with self._write() as session:
                status = (
                    await session.exec(select(PollRow.status).where(PollRow.id == poll_id))
                ).first()
                if status != PollStatus.OPEN.value:
                    raise PollClosed("That ideas round has closed, so it takes no more ideas.")
                taken = (
                    await session.exec(
                        select(IdeaRow.number).where(
                            IdeaRow.poll_id == poll_id, IdeaRow.folded == folded
                        )
                    )
                ).first()
                if taken is not None:
                    return None
                top = (
                    await session.exec(
                        select(func.max(IdeaRow.number)).where(IdeaRow.poll_id == poll_id)
                    )
                ).one()
                number = (top or 0) + 1
                session.add(IdeaRow(poll_id=poll_id, number=number, text=text, folded=folded))
            return number

        # Another process may take the same number or words in between: the unique
        # constraints then fail the insert, and the retry sees what it took.
        return await self._numbered(insert)

    async def ideas(self, poll_id: int) -> list[str]:
        """The round's ideas in the order they arrived (idea 1 first)."""
        async with self._read() as session:
            result = await session.exec(
                select(IdeaRow.text)
                .where(IdeaRow.poll_id == poll_id)
                .order_by(col(IdeaRow.number))
            )
            return list(result.all())
