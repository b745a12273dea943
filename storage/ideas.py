"""Ideas gathered in an ideas round (``bot.ports.IdeaStore``).

An idea row holds its round (a poll row of kind "ideas"), a number and its words. It
has no author and no time. While the round is open the words are sealed, the number
is random and ``folded`` is a keyed hash (so duplicates are refused without keeping
the words readable); who added ideas is kept only as tags in ``idea_author``, never
beside an idea, and credited when the round closes (``storage.closing``).
"""

from __future__ import annotations

import secrets

from sqlalchemy import Text, UniqueConstraint, func
from sqlmodel import Field, SQLModel, col, select

from bot.errors import PollClosed
from bot.model import PollStatus
from storage.base import StoreBase, upsert
from storage.tables import IdeaAuthorRow, PollRow


class IdeaRow(SQLModel, table=True):
    """One idea. ``folded`` refuses duplicates; ``number`` is random until the round closes,
    then the idea's place in the list."""

    __tablename__ = "idea"
    __table_args__ = (UniqueConstraint("poll_id", "folded", name="uq_idea_poll_folded"),)

    poll_id: int = Field(primary_key=True, foreign_key="poll.id")
    number: int = Field(primary_key=True)
    text: str = Field(sa_type=Text)
    folded: str = Field(sa_type=Text)


class IdeaMethods(StoreBase):
    """The idea methods of ``SqlStore``."""

    async def add_idea(self, poll_id: int, text: str, folded: str, author: bytes) -> int | None:
        """Add an idea to an open round; return how many it now has, or None if ``folded``
        is taken. ``author`` (a tag) is kept apart from the idea, once per round.

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
                # A random number: nothing in the row follows the order ideas arrived in.
                number = secrets.randbelow(2**31 - 1) + 1
                session.add(IdeaRow(poll_id=poll_id, number=number, text=text, folded=folded))
                authors = IdeaAuthorRow.__table__
                await session.exec(
                    upsert(self._dialect, authors)
                    .values(poll_id=poll_id, tag=author)
                    .on_conflict_do_nothing(index_elements=[authors.c.poll_id, authors.c.tag])
                )
                await session.flush()
                count = (
                    await session.exec(
                        select(func.count()).select_from(IdeaRow).where(IdeaRow.poll_id == poll_id)
                    )
                ).one()
            return count

        # Another process may take the same words (or, rarely, number) in between: the
        # unique constraints then fail the insert, and the retry sees what it took.
        return await self._numbered(insert)

    async def idea_authors(self, poll_id: int) -> set[bytes]:
        """The tags of the people who added ideas to an open round."""
        async with self._read() as session:
            result = await session.exec(
                select(IdeaAuthorRow.tag).where(IdeaAuthorRow.poll_id == poll_id)
            )
            return {bytes(tag) for tag in result.all()}

    async def ideas(self, poll_id: int) -> list[str]:
        """The round's ideas as stored, by number: sealed and unordered while it is open."""
        async with self._read() as session:
            result = await session.exec(
                select(IdeaRow.text)
                .where(IdeaRow.poll_id == poll_id)
                .order_by(col(IdeaRow.number))
            )
            return list(result.all())
