"""Groups declared in a space and their members (``bot.ports.GroupStore``), facilitators
named by hand, looking members up by name, ballots with their group tags, and answers
recorded in the decision log."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import Index, delete, update
from sqlmodel import Field, SQLModel, col, select

from bot.model import Decision, Group, Outcome, SpaceRef
from bot.records import outcome_from_json, outcome_to_json
from bot.timed_work import NewJob
from storage.base import upsert
from storage.convert import decision_from_row, job_values
from storage.ideas import IdeaMethods
from storage.jobs import insert_jobs
from storage.tables import BallotRow, DecisionRow, FacilitatorRow, SpaceMemberRow

#: How a member came to be in a group.
SOURCES = ("self", "assigned", "mapped")


class GroupRow(SQLModel, table=True):
    """A group declared in a space; ``role`` is a platform role mapped onto it."""

    __tablename__ = "space_group"

    space: str = Field(primary_key=True)
    slug: str = Field(primary_key=True)
    name: str
    role: str | None = None


class GroupMemberRow(SQLModel, table=True):
    """That a member is in a group, and how: "self", "assigned" or "mapped"."""

    __tablename__ = "group_member"
    # Serves member_groups and the group tags written with each batch of votes.
    __table_args__ = (Index("ix_group_member_space_member", "space", "member"),)

    space: str = Field(primary_key=True)
    slug: str = Field(primary_key=True)
    member: str = Field(primary_key=True)
    source: str = "self"


_group = GroupRow.__table__
_membership = GroupMemberRow.__table__


def split_tags(text: str | None) -> frozenset[str]:
    """The group slugs kept with a ballot (written by ``storage.votes``)."""
    return frozenset(text.split(",")) if text else frozenset()


class GroupMethods(IdeaMethods):
    """The group, facilitator-change, member-lookup and answer methods of ``SqlStore``."""

    # -- groups ----------------------------------------------------------------------

    async def add_group(self, space: SpaceRef, group: Group) -> bool:
        """Declare a group; False if the slug is already taken in the space."""
        stmt = upsert(self._dialect, _group).values(
            space=space.key, slug=group.slug, name=group.name, role=group.role
        )
        async with self._write() as session:
            result = await session.exec(stmt.on_conflict_do_nothing())
        return result.rowcount == 1

    async def remove_group(self, space: SpaceRef, slug: str) -> bool:
        """Remove a group and every membership of it; False if there was no such group."""
        async with self._write() as session:
            await session.exec(
                delete(_membership).where(_membership.c.space == space.key,
                                          _membership.c.slug == slug)
            )
            result = await session.exec(
                delete(_group).where(_group.c.space == space.key, _group.c.slug == slug)
            )
        return result.rowcount == 1

    async def groups(self, space: SpaceRef) -> list[Group]:
        """The space's groups, by slug."""
        return (await self.groups_of([space]))[space.key]

    async def set_group_role(self, space: SpaceRef, slug: str, role: str | None) -> bool:
        """Map a platform role onto a group; False if there is no such group.

        With None the mapping ends, and those who joined through it stay, as if assigned
        (so no later role report takes them out).
        """
        async with self._write() as session:
            result = await session.exec(
                update(_group)
                .where(_group.c.space == space.key, _group.c.slug == slug)
                .values(role=role)
            )
            if role is None and result.rowcount == 1:
                await session.exec(
                    update(_membership)
                    .where(_membership.c.space == space.key, _membership.c.slug == slug,
                           _membership.c.source == "mapped")
                    .values(source="assigned")
                )
        return result.rowcount == 1

    async def join_group(self, space: SpaceRef, slug: str, member: str, source: str) -> bool:
        """Add a member to an existing group; False if they were already in it."""
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
        stmt = upsert(self._dialect, _membership).values(
            space=space.key, slug=slug, member=member, source=source
        )
        async with self._write() as session:
            result = await session.exec(stmt.on_conflict_do_nothing())
        return result.rowcount == 1

    async def leave_group(self, space: SpaceRef, slug: str, member: str) -> bool:
        """Take a member out of a group, however they joined; False if they were not in it."""
        async with self._write() as session:
            result = await session.exec(
                delete(_membership).where(
                    _membership.c.space == space.key,
                    _membership.c.slug == slug,
                    _membership.c.member == member,
                )
            )
        return result.rowcount == 1

    async def group_members(self, space: SpaceRef) -> dict[str, set[str]]:
        """Group slug -> member keys, for every group of the space (empty sets included)."""
        async with self._read() as session:
            slugs = await session.exec(select(GroupRow.slug).where(GroupRow.space == space.key))
            members: dict[str, set[str]] = {slug: set() for slug in slugs.all()}
            rows = await session.exec(
                select(GroupMemberRow.slug, GroupMemberRow.member).where(
                    GroupMemberRow.space == space.key
                )
            )
            for slug, member in rows.all():
                members.setdefault(slug, set()).add(member)
        return members

    async def member_groups(self, space: SpaceRef, member: str) -> list[str]:
        """The slugs of the groups a member is in, sorted."""
        async with self._read() as session:
            result = await session.exec(
                select(GroupMemberRow.slug)
                .where(GroupMemberRow.space == space.key, GroupMemberRow.member == member)
                .order_by(col(GroupMemberRow.slug))
            )
            return list(result.all())

    async def sync_mapped(
        self, space: SpaceRef, member: str, slugs: Iterable[str]
    ) -> tuple[list[str], list[str]]:
        """Make the member's mapped memberships exactly ``slugs``, in one transaction.

        Groups in ``slugs`` they are not in yet are joined as "mapped"; their other
        "mapped" memberships end. Memberships they declared or were assigned stay.

        Returns:
            The slugs joined and the slugs left, sorted.
        """
        wanted = set(slugs)
        where = (_membership.c.space == space.key, _membership.c.member == member)
        query = select(_membership.c.slug, _membership.c.source).where(*where)

        def changes(held: dict[str, str]) -> tuple[list[str], list[str]]:
            joined = sorted(wanted - held.keys())
            left = sorted(s for s, source in held.items() if source == "mapped" and s not in wanted)
            return joined, left

        # Adapters report roles often and they rarely change: only take the write lock
        # when something is to change (and check again under it).
        async with self._read() as session:
            if changes(dict((await session.exec(query)).all())) == ([], []):
                return [], []
        async with self._write() as session:
            joined, left = changes(dict((await session.exec(query)).all()))
            if joined:
                await session.exec(
                    upsert(self._dialect, _membership).on_conflict_do_nothing(),
                    params=[{"space": space.key, "slug": s, "member": member, "source": "mapped"}
                            for s in joined],
                )
            if left:
                await session.exec(delete(_membership).where(*where, _membership.c.slug.in_(left)))
        return joined, left

    # -- facilitators and members --------------------------------------------------------

    async def remove_facilitator(self, space: SpaceRef, member: str) -> bool:
        """Stop a member being a named facilitator of the space; False if they were not one."""
        table = FacilitatorRow.__table__
        async with self._write() as session:
            result = await session.exec(
                delete(table).where(table.c.space == space.key, table.c.member == member)
            )
        return result.rowcount == 1

    async def find_members(self, space: SpaceRef, word: str) -> list[tuple[str, str]]:
        """Members whose user id or display name is ``word`` (any case): (key, name) pairs."""
        key = f"{space.platform}:{space.workspace}:{word}"
        folded = word.casefold()
        async with self._read() as session:
            rows = (
                await session.exec(
                    select(SpaceMemberRow.member, SpaceMemberRow.name).where(
                        SpaceMemberRow.space == space.key
                    )
                )
            ).all()
        # In Python, not SQL: SQLite's lower() folds ASCII letters only.
        exact = [(m, n) for m, n in rows if m == key]
        return exact or sorted((m, n) for m, n in rows if n and n.casefold() == folded)

    async def member_names(self, space: SpaceRef, members: Iterable[str]) -> dict[str, str]:
        """Display names of these members of the space (those the space knows)."""
        wanted = list(set(members))
        if not wanted:
            return {}
        async with self._read() as session:
            rows = await session.exec(
                select(SpaceMemberRow.member, SpaceMemberRow.name).where(
                    SpaceMemberRow.space == space.key, col(SpaceMemberRow.member).in_(wanted)
                )
            )
            return dict(rows.all())

    # -- ballots and the decision log ------------------------------------------------------

    async def groups_of(self, spaces: Sequence[SpaceRef]) -> dict[str, list[Group]]:
        """Each space's groups by slug, by space key, in one query."""
        found: dict[str, list[Group]] = {space.key: [] for space in spaces}
        if not found:
            return found
        async with self._read() as session:
            rows = (
                await session.exec(
                    select(GroupRow)
                    .where(col(GroupRow.space).in_(list(found)))
                    .order_by(col(GroupRow.space), col(GroupRow.slug))
                )
            ).all()
        for row in rows:
            found[row.space].append(Group(row.slug, row.name, row.role))
        return found

    async def tagged_ballots_of(
        self, poll_ids: Sequence[int]
    ) -> dict[int, list[tuple[str | None, str, frozenset[str]]]]:
        """``tagged_ballots`` for several polls in one query, by poll id."""
        found: dict[int, list[tuple[str | None, str, frozenset[str]]]] = {
            poll_id: [] for poll_id in poll_ids
        }
        if not found:
            return found
        async with self._read() as session:
            result = await session.exec(
                select(BallotRow.poll_id, BallotRow.voter_name, BallotRow.ballot,
                       BallotRow.voter_groups)
                .where(col(BallotRow.poll_id).in_(list(found)))
                .order_by(col(BallotRow.poll_id), col(BallotRow.id))
            )
            for poll_id, name, ballot, tags in result.all():
                found[poll_id].append((name, ballot, split_tags(tags)))
        return found

    async def tagged_ballots(self, poll_id: int) -> list[tuple[str | None, str, frozenset[str]]]:
        """All ballots of a poll as ``(voter_name, ballot, group slugs)``.

        The group slugs are those of the voter's groups when they voted; they are
        empty once the poll has closed.
        """
        return (await self.tagged_ballots_of([poll_id]))[poll_id]

    async def update_outcome(
        self, space: SpaceRef, poll_number: int, change: Callable[[Outcome], Outcome],
        jobs: Callable[[], Sequence[NewJob]] | None = None,
    ) -> Decision | None:
        """Apply ``change`` to a logged outcome and store the result, in one transaction.

        ``change`` may raise to leave the outcome as it was. ``jobs``, called after
        ``change``, gives jobs to add in the same transaction (an answer's announcement).
        Returns the changed decision, or None if the poll has no logged decision.
        """
        async with self._write() as session:
            query = select(DecisionRow).where(
                DecisionRow.space == space.key, DecisionRow.poll_number == poll_number
            )
            # Two answers at once must not overwrite each other (SQLite: BEGIN IMMEDIATE).
            row = (await session.exec(query.with_for_update())).first()
            if row is None:
                return None
            row.outcome = outcome_to_json(change(outcome_from_json(row.outcome)))
            session.add(row)
            if jobs is not None:
                await insert_jobs(session, [job_values(job) for job in jobs()])
        return decision_from_row(row)
