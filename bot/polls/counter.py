"""Counting a poll: open its sealed ballots, apply the space's group rule, decide.

Used when results are shown while a poll is open and when it closes
(``bot.polls.closing``). The arithmetic is in ``bot.counting``; this part reads what
it needs from the store, a few queries for a whole batch of polls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.context import Core
from bot.counting.rules import GroupInfo, Tagged, decide_in_groups, hold_for_answers
from bot.errors import BadInput
from bot.i18n import _, speaking
from bot.model import GROUP_RULES, Group, Opened, Outcome, Poll, PollKind, PollSpec, SpaceRef
from bot.records import ballot_from_json


class Counter:
    """Counts polls with their group rules, for the core."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    async def check_rule(self, space: SpaceRef, spec: PollSpec) -> None:
        """Refuse a group rule in a space that has no groups to apply it to.

        Raises:
            BadInput: Saying how to declare groups.
        """
        if spec.rule not in GROUP_RULES and spec.quorum_each is None:
            return
        if await self.store.groups(space):
            return
        what = f"--rule {spec.rule}" if spec.rule in GROUP_RULES else "--quorum-each"
        raise BadInput(_("This space has no groups yet, so {flag} has nothing to work with. A "
                         'facilitator can declare them first (group add staff "Staff"), and '
                         "people join with: group join staff").format(flag=what))

    async def count(self, poll: Poll, eligible: int, *, closing: bool = False) -> Outcome:
        """Count a poll with its group rule; at close, a proposal may wait for answers."""
        counted = await self.count_many([poll], {poll.space.key: eligible}, closing=closing)
        outcome = counted[poll.id]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def count_many(self, polls: Sequence[Poll], eligible: Mapping[str, int], *,
                         closing: bool = False,
                         opened: dict[int, Opened] | None = None,
                         also_in: Sequence[str] = (),
                         versions: dict[int, dict[str, Outcome]] | None = None,
                         ) -> dict[int, Outcome | Exception]:
        """``count`` for several polls with a few reads in all; ``eligible`` is by space key.

        The ballots are opened (``Keyring.open``) with each poll's salt; when ``opened`` is
        given it receives them in plain text, by poll id, for the store to keep at close.
        A poll whose count fails gets its exception, not an outcome; the others still count.

        An outcome's words are written in the language of the moment. ``versions``, when
        given, also receives each outcome written in every language of ``also_in`` (by
        poll id, then language), for a post in a bilingual space; the ballots are read once.
        """
        ids = [poll.id for poll in polls]
        rows = await self.store.tagged_ballots_of(ids)
        salts = await self.store.poll_salts(ids)
        spaces = list({poll.space.key: poll.space for poll in polls}.values())
        groups = await self.store.groups_of(spaces)
        infos = {space.key: await self._infos(space, groups[space.key]) for space in spaces}
        keyring = self.core.keyring
        counted: dict[int, Outcome | Exception] = {}
        for poll in polls:
            try:
                salt = salts[poll.id]
                plain = [(name, keyring.open(salt, text), tags)
                         for name, text, tags in rows[poll.id]]
                counted[poll.id] = self._decide(poll, plain, eligible[poll.space.key],
                                                infos[poll.space.key], closing)
                for code in also_in if versions is not None else ():
                    with speaking(code):
                        versions.setdefault(poll.id, {})[code] = self._decide(
                            poll, plain, eligible[poll.space.key], infos[poll.space.key],
                            closing)
                if opened is not None:
                    opened[poll.id] = Opened(
                        ballots=tuple((name, text) for name, text, _ in plain))
            except Exception as error:  # one bad poll must not hold back the others
                counted[poll.id] = error
        return counted

    async def _infos(self, space: SpaceRef, groups: Sequence[Group]) -> list[GroupInfo]:
        if not groups:
            return []
        members = await self.store.group_members(space)
        return [GroupInfo(g.slug, g.name, len(members.get(g.slug, ()))) for g in groups]

    def _decide(self, poll: Poll, rows: Sequence[tuple[str | None, str, frozenset[str]]],
                eligible: int, infos: list[GroupInfo], closing: bool) -> Outcome:
        ballots = [Tagged(ballot_from_json(text), tags, name) for name, text, tags in rows]
        outcome = decide_in_groups(poll.spec, poll.number, ballots, eligible, infos,
                                   self.core.settings.min_group_size)
        if closing and poll.spec.kind is PollKind.CONSENT:
            outcome = hold_for_answers(outcome)
        return outcome
