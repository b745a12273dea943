"""Groups and the co-production decision rules' commands.

A space declares groups (``group add staff "Staff"``); people join them themselves,
a facilitator assigns them, or an adapter keeps a mapped platform role in step
(``RolesSeen``). Counts of members are shown, never names. Counting by group is in
``bot.counting.rules`` and ``bot.polls.counter``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot import commands as c
from bot.cards import Card, Items, Text, Tone, message_card
from bot.context import Core
from bot.coproduction.facilitators import find_person
from bot.effects import DirectMessage, Effect, Post, Reply
from bot.errors import BadInput, NotAllowed, NotFound, expect_no_args
from bot.model import Actor, Group, SpaceRef
from bot.text import clean_text

MAX_GROUPS = 20
MAX_GROUP_NAME = 60
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
_ROLE = re.compile(r"^[\w:.@&!-]{1,100}$")
_SUBCOMMANDS = ("add", "remove", "join", "leave", "assign", "unassign", "map", "unmap")
_GROUP_HELP = ('Write group and what to do: group join staff, group leave staff, or (facilitators) '
               'group add staff "Staff", group assign staff @sam, group map staff ROLE-ID.')


def default_name(slug: str) -> str:
    """A readable name for a slug: ``lived-experience`` -> ``Lived experience``."""
    return slug.replace("-", " ").capitalize()


def _parse_group(args: list[str], actor: Actor, space: SpaceRef) -> c.Command:
    if not args or args[0].lower() not in _SUBCOMMANDS:
        raise BadInput(_GROUP_HELP)
    sub, rest = args[0].lower(), args[1:]
    if not rest:
        raise BadInput(f"Say which group, like: group {sub} staff. Type groups to see them.")
    slug = rest[0].lower()
    if sub == "add":
        if len(rest) > 2:
            raise BadInput('Put the group\'s name in quotes: group add lived-experience '
                           '"People with lived experience"')
        name = clean_text(rest[1]) if len(rest) == 2 else None
        return c.AddGroup(actor, space, slug=slug, name=name)
    if sub in ("assign", "unassign"):
        if len(rest) != 2:
            raise BadInput(f"Say which group and who, like: group {sub} staff @sam")
        return c.AssignGroup(actor, space, slug=slug, person=rest[1], remove=sub == "unassign")
    if sub == "map":
        if len(rest) != 2:
            raise BadInput("Say which group and the platform role's id, like: group map staff "
                           "1234567890. To stop mapping, write: group unmap staff")
        return c.MapGroup(actor, space, slug=slug, role=rest[1])
    if len(rest) != 1:
        raise BadInput(f"Write just the group after {sub}, like: group {sub} staff")
    kinds = {"remove": c.RemoveGroup, "join": c.JoinGroup, "leave": c.LeaveGroup}
    if sub == "unmap":
        return c.MapGroup(actor, space, slug=slug, role=None)
    return kinds[sub](actor, space, slug=slug)


def _parse_groups(args: list[str], actor: Actor, space: SpaceRef) -> c.Command:
    expect_no_args("groups", args)
    return c.ListGroups(actor, space)


#: Text verbs this module parses: verb -> parser(args, actor, space) -> Command.
PARSERS: dict[str, Callable] = {
    "group": _parse_group,
    "groups": _parse_groups,
}


class GroupCommands:
    """Handlers for the group commands."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    def handlers(self) -> dict[type, Callable]:
        """Command type -> handler."""
        return {
            c.AddGroup: self.add,
            c.RemoveGroup: self.remove,
            c.JoinGroup: self.join,
            c.LeaveGroup: self.leave,
            c.AssignGroup: self.assign,
            c.MapGroup: self.map,
            c.ListGroups: self.list,
            c.RolesSeen: self.roles_seen,
        }

    # -- groups -------------------------------------------------------------------------

    async def _facilitator_only(self, cmd: c.Command, doing: str) -> None:
        if not await self.core.is_facilitator(cmd.actor, cmd.space):
            raise NotAllowed(f"Only a facilitator can {doing} here. Type facilitators to see who "
                             "can, and ask one of them.")

    async def _group(self, space: SpaceRef, slug: str) -> Group:
        for group in await self.store.groups(space):
            if group.slug == slug:
                return group
        raise NotFound(f"There is no group called {slug!r} here. Type groups to see them; a "
                       "facilitator can add one.")

    async def add(self, cmd: c.AddGroup) -> list[Effect]:
        """Declare a group."""
        await self._facilitator_only(cmd, "declare groups")
        if not _SLUG.match(cmd.slug):
            raise BadInput("A group's short name is 2 to 32 lowercase letters, digits or "
                           f"hyphens, starting with a letter, like lived-experience (not "
                           f"{cmd.slug!r}).")
        # Cleaned here as well as in the parser: Discord's slash command comes straight in.
        name = clean_text(cmd.name or default_name(cmd.slug))
        if not name or len(name) > MAX_GROUP_NAME:
            raise BadInput(f"Give the group a name of 1 to {MAX_GROUP_NAME} characters, in "
                           f'quotes: group add {cmd.slug} "Staff"')
        if len(await self.store.groups(cmd.space)) >= MAX_GROUPS:
            raise BadInput(f"This space already has {MAX_GROUPS} groups, the most it can have.")
        if not await self.store.add_group(cmd.space, Group(cmd.slug, name)):
            raise BadInput(f"There is already a group called {cmd.slug!r} here.")
        return [Post(cmd.space, message_card(
            f"New group: {name}",
            f"If you belong to {name}, join it with: group join {cmd.slug}. Anyone may be in "
            "several groups. Only numbers of members are shown, never names.", Tone.SUCCESS))]

    async def remove(self, cmd: c.RemoveGroup) -> list[Effect]:
        """Remove a group and its memberships."""
        await self._facilitator_only(cmd, "remove groups")
        group = await self._group(cmd.space, cmd.slug)
        await self.store.remove_group(cmd.space, group.slug)
        return [Post(cmd.space, message_card(
            f"Group removed: {group.name}", "Polls still open count as if it had never been "
            "declared; closed polls keep their outcomes.", Tone.WARNING))]

    async def join(self, cmd: c.JoinGroup) -> list[Effect]:
        """Join a group by saying you belong to it."""
        group = await self._group(cmd.space, cmd.slug)
        if not await self.store.join_group(cmd.space, group.slug, cmd.actor.key, "self"):
            return [Reply(cmd.actor, cmd.space, message_card(
                group.name, f"You are already in {group.name}."))]
        return [Reply(cmd.actor, cmd.space, message_card(
            f"You joined {group.name}",
            f"Your ballots now count with {group.name} where a poll has a group rule, and in "
            "its figures. Nobody is shown who is in a group. Leave any time with: group leave "
            f"{group.slug}", Tone.SUCCESS))]

    async def leave(self, cmd: c.LeaveGroup) -> list[Effect]:
        """Leave a group."""
        group = await self._group(cmd.space, cmd.slug)
        if not await self.store.leave_group(cmd.space, group.slug, cmd.actor.key):
            return [Reply(cmd.actor, cmd.space, message_card(
                group.name, f"You were not in {group.name}."))]
        return [Reply(cmd.actor, cmd.space, message_card(
            f"You left {group.name}", "Votes you already gave on open polls keep the groups "
            "you had then; your next vote counts without it.", Tone.SUCCESS))]

    async def assign(self, cmd: c.AssignGroup) -> list[Effect]:
        """Put someone in a group, or take them out."""
        await self._facilitator_only(cmd, "put people in groups")
        group = await self._group(cmd.space, cmd.slug)
        member, name = await find_person(self.store, cmd.space, cmd.person)
        if cmd.remove:
            changed = await self.store.leave_group(cmd.space, group.slug, member)
            done, told = (f"{name} is no longer in {group.name}.",
                          f"A facilitator took you out of {group.name} in #{cmd.space.channel}.")
            same = f"{name} was not in {group.name}."
        else:
            changed = await self.store.join_group(cmd.space, group.slug, member, "assigned")
            done, told = (f"{name} is now in {group.name}.",
                          f"A facilitator put you in {group.name} in #{cmd.space.channel}. If "
                          f"that is wrong, you can leave with: group leave {group.slug}")
            same = f"{name} is already in {group.name}."
        if not changed:
            return [Reply(cmd.actor, cmd.space, message_card(group.name, same))]
        return [Reply(cmd.actor, cmd.space, message_card(group.name, done, Tone.SUCCESS)),
                DirectMessage(cmd.space.platform, member, message_card(group.name, told))]

    async def map(self, cmd: c.MapGroup) -> list[Effect]:
        """Map a platform role onto a group, or stop doing so."""
        await self._facilitator_only(cmd, "map platform roles onto groups")
        group = await self._group(cmd.space, cmd.slug)
        if cmd.role is not None and not _ROLE.match(cmd.role):
            raise BadInput("Give the platform role's id (a Discord role id or a Slack user "
                           "group id), like: group map staff 1234567890")
        await self.store.set_group_role(cmd.space, group.slug, cmd.role)
        text = (f"People with that platform role join {group.name} automatically, and leave "
                "it when the role goes. People who joined themselves or were assigned stay."
                if cmd.role else f"No platform role is mapped onto {group.name} any more. "
                "Nobody was taken out of it: those who joined through the role stay, as if "
                "assigned.")
        return [Reply(cmd.actor, cmd.space, message_card(group.name, text, Tone.SUCCESS))]

    async def list(self, cmd: c.ListGroups) -> list[Effect]:
        """The space's groups with member counts (never names), and the person's own."""
        groups = await self.store.groups(cmd.space)
        if not groups:
            return [Reply(cmd.actor, cmd.space, message_card(
                "Groups", 'There are no groups here yet. A facilitator can declare one: group '
                'add staff "Staff"'))]
        members = await self.store.group_members(cmd.space)
        mine = set(await self.store.member_groups(cmd.space, cmd.actor.key))
        items = []
        for g in groups:
            count = len(members.get(g.slug, ()))
            line = f"{g.name}: {count} {'person' if count == 1 else 'people'}"
            line += ", you too" if g.slug in mine else ""
            line += ", linked to a role" if g.role else ""
            items.append(f"{line}. To join, type: group join {g.slug}")
        return [Reply(cmd.actor, cmd.space, Card(title=f"Groups ({len(groups)})", lines=(
            Items(tuple(items), numbered=False),
            Text("To leave one, use group leave and its short name. Only numbers are shown, "
                 "never who is in a group."))))]

    async def roles_seen(self, cmd: c.RolesSeen) -> list[Effect]:
        """Keep mapped memberships in step with the platform roles the adapter saw."""
        held = set(cmd.role_ids)
        mapped = [g for g in await self.store.groups(cmd.space) if g.role]
        if mapped:
            await self.store.sync_mapped(cmd.space, cmd.actor.key,
                                         [g.slug for g in mapped if g.role in held])
        return []
