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
from bot.i18n import N_, _, ngettext, public, speaking
from bot.model import Actor, Group, SpaceRef
from bot.text import clean_text

MAX_GROUPS = 20
MAX_GROUP_NAME = 60
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
_ROLE = re.compile(r"^[\w:.@&!-]{1,100}$")
_SUBCOMMANDS = ("add", "remove", "join", "leave", "assign", "unassign", "map", "unmap")
_GROUP_HELP = N_('Write group and what to do: group join staff, group leave staff, or '
                 '(facilitators) group add staff "Staff", group assign staff @sam, group map '
                 'staff ROLE-ID.')


def default_name(slug: str) -> str:
    """A readable name for a slug: ``lived-experience`` -> ``Lived experience``."""
    return slug.replace("-", " ").capitalize()


def _parse_group(args: list[str], actor: Actor, space: SpaceRef) -> c.Command:
    if not args or args[0].lower() not in _SUBCOMMANDS:
        raise BadInput(_(_GROUP_HELP))
    sub, rest = args[0].lower(), args[1:]
    if not rest:
        raise BadInput(_("Say which group, like: group {sub} staff. Type groups to see "
                         "them.").format(sub=sub))
    slug = rest[0].lower()
    if sub == "add":
        if len(rest) > 2:
            raise BadInput(_('Put the group\'s name in quotes: group add lived-experience '
                             '"People with lived experience"'))
        name = clean_text(rest[1]) if len(rest) == 2 else None
        return c.AddGroup(actor, space, slug=slug, name=name)
    if sub in ("assign", "unassign"):
        if len(rest) != 2:
            raise BadInput(_("Say which group and who, like: group {sub} staff "
                             "@sam").format(sub=sub))
        return c.AssignGroup(actor, space, slug=slug, person=rest[1], remove=sub == "unassign")
    if sub == "map":
        if len(rest) != 2:
            raise BadInput(_("Say which group and the platform role's id, like: group map "
                             "staff 1234567890. To stop mapping, write: group unmap staff"))
        return c.MapGroup(actor, space, slug=slug, role=rest[1])
    if len(rest) != 1:
        raise BadInput(_("Write just the group after {sub}, like: group {sub} "
                         "staff").format(sub=sub))
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

    async def _facilitator_only(self, cmd: c.Command, only: str) -> None:
        """Refuse anyone but a facilitator; ``only`` says what only they can do."""
        if not await self.core.is_facilitator(cmd.actor, cmd.space):
            raise NotAllowed(only + " " + _("Type facilitators to see who can, and ask one of "
                                            "them."))

    async def _group(self, space: SpaceRef, slug: str) -> Group:
        for group in await self.store.groups(space):
            if group.slug == slug:
                return group
        raise NotFound(_("There is no group called {slug!r} here. Type groups to see them; a "
                         "facilitator can add one.").format(slug=slug))

    async def add(self, cmd: c.AddGroup) -> list[Effect]:
        """Declare a group."""
        await self._facilitator_only(cmd, _("Only a facilitator can declare groups here."))
        if not _SLUG.match(cmd.slug):
            raise BadInput(_("A group's short name is 2 to 32 lowercase letters, digits or "
                             "hyphens, starting with a letter, like lived-experience (not "
                             "{slug!r}).").format(slug=cmd.slug))
        # Cleaned here as well as in the parser: Discord's slash command comes straight in.
        name = clean_text(cmd.name or default_name(cmd.slug))
        if not name or len(name) > MAX_GROUP_NAME:
            raise BadInput(_('Give the group a name of 1 to {most} characters, in quotes: '
                             'group add {slug} "Staff"').format(most=MAX_GROUP_NAME,
                                                                slug=cmd.slug))
        if len(await self.store.groups(cmd.space)) >= MAX_GROUPS:
            raise BadInput(_("This space already has {most} groups, the most it can "
                             "have.").format(most=MAX_GROUPS))
        if not await self.store.add_group(cmd.space, Group(cmd.slug, name)):
            raise BadInput(_("There is already a group called {slug!r} here.").format(
                slug=cmd.slug))
        slug = cmd.slug
        return [Post(cmd.space, public(lambda: message_card(
            _("New group: {name}").format(name=name),
            _("If you belong to {name}, join it with: group join {slug}. Anyone may be in "
              "several groups. Only numbers of members are shown, never names.").format(
                name=name, slug=slug), Tone.SUCCESS)))]

    async def remove(self, cmd: c.RemoveGroup) -> list[Effect]:
        """Remove a group and its memberships."""
        await self._facilitator_only(cmd, _("Only a facilitator can remove groups here."))
        group = await self._group(cmd.space, cmd.slug)
        await self.store.remove_group(cmd.space, group.slug)
        return [Post(cmd.space, public(lambda: message_card(
            _("Group removed: {name}").format(name=group.name),
            _("Polls still open count as if it had never been declared; closed polls keep "
              "their outcomes."), Tone.WARNING)))]

    async def join(self, cmd: c.JoinGroup) -> list[Effect]:
        """Join a group by saying you belong to it."""
        group = await self._group(cmd.space, cmd.slug)
        if not await self.store.join_group(cmd.space, group.slug, cmd.actor.key, "self"):
            return [Reply(cmd.actor, cmd.space, message_card(
                group.name, _("You are already in {name}.").format(name=group.name)))]
        return [Reply(cmd.actor, cmd.space, message_card(
            _("You joined {name}").format(name=group.name),
            _("Your ballots now count with {name} where a poll has a group rule, and in its "
              "figures. Nobody is shown who is in a group. Leave any time with: group leave "
              "{slug}").format(name=group.name, slug=group.slug), Tone.SUCCESS))]

    async def leave(self, cmd: c.LeaveGroup) -> list[Effect]:
        """Leave a group."""
        group = await self._group(cmd.space, cmd.slug)
        if not await self.store.leave_group(cmd.space, group.slug, cmd.actor.key):
            return [Reply(cmd.actor, cmd.space, message_card(
                group.name, _("You were not in {name}.").format(name=group.name)))]
        return [Reply(cmd.actor, cmd.space, message_card(
            _("You left {name}").format(name=group.name),
            _("Votes you already gave on open polls keep the groups you had then; your next "
              "vote counts without it."), Tone.SUCCESS))]

    async def assign(self, cmd: c.AssignGroup) -> list[Effect]:
        """Put someone in a group, or take them out."""
        await self._facilitator_only(cmd, _("Only a facilitator can put people in groups "
                                            "here."))
        group = await self._group(cmd.space, cmd.slug)
        member, name = await find_person(self.store, cmd.space, cmd.person)
        words = {"person": name, "group": group.name, "channel": cmd.space.channel,
                 "slug": group.slug}
        if cmd.remove:
            changed = await self.store.leave_group(cmd.space, group.slug, member)
            done = _("{person} is no longer in {group}.")
            same = _("{person} was not in {group}.")
            told = N_("A facilitator took you out of {group} in #{channel}.")
        else:
            changed = await self.store.join_group(cmd.space, group.slug, member, "assigned")
            done = _("{person} is now in {group}.")
            same = _("{person} is already in {group}.")
            told = N_("A facilitator put you in {group} in #{channel}. If that is wrong, you "
                      "can leave with: group leave {slug}")
        if not changed:
            return [Reply(cmd.actor, cmd.space, message_card(group.name,
                                                             same.format(**words)))]
        language = (await self.core.languages_of([member]))[member]
        with speaking(language):
            note = message_card(group.name, _(told).format(**words))
        return [Reply(cmd.actor, cmd.space, message_card(group.name, done.format(**words),
                                                         Tone.SUCCESS)),
                DirectMessage(cmd.space.platform, member, note)]

    async def map(self, cmd: c.MapGroup) -> list[Effect]:
        """Map a platform role onto a group, or stop doing so."""
        await self._facilitator_only(cmd, _("Only a facilitator can map platform roles onto "
                                            "groups here."))
        group = await self._group(cmd.space, cmd.slug)
        if cmd.role is not None and not _ROLE.match(cmd.role):
            raise BadInput(_("Give the platform role's id (a Discord role id or a Slack user "
                             "group id), like: group map staff 1234567890"))
        await self.store.set_group_role(cmd.space, group.slug, cmd.role)
        if cmd.role:
            text = _("People with that platform role join {name} automatically, and leave it "
                     "when the role goes. People who joined themselves or were assigned stay.")
        else:
            text = _("No platform role is mapped onto {name} any more. Nobody was taken out "
                     "of it: those who joined through the role stay, as if assigned.")
        return [Reply(cmd.actor, cmd.space, message_card(
            group.name, text.format(name=group.name), Tone.SUCCESS))]

    async def list(self, cmd: c.ListGroups) -> list[Effect]:
        """The space's groups with member counts (never names), and the person's own."""
        groups = await self.store.groups(cmd.space)
        if not groups:
            return [Reply(cmd.actor, cmd.space, message_card(
                _("Groups"), _('There are no groups here yet. A facilitator can declare one: '
                               'group add staff "Staff"')))]
        members = await self.store.group_members(cmd.space)
        mine = set(await self.store.member_groups(cmd.space, cmd.actor.key))
        items = []
        for g in groups:
            count = len(members.get(g.slug, ()))
            line = _members_line(count, g.slug in mine, bool(g.role)).format(
                name=g.name, count=count)
            join = _("To join, type: group join {slug}").format(slug=g.slug)
            items.append(f"{line} {join}")
        title = _("Groups ({count})").format(count=len(groups))
        return [Reply(cmd.actor, cmd.space, Card(title=title, lines=(
            Items(tuple(items), numbered=False),
            Text(_("To leave one, use group leave and its short name. Only numbers are shown, "
                   "never who is in a group.")))))]

    async def roles_seen(self, cmd: c.RolesSeen) -> list[Effect]:
        """Keep mapped memberships in step with the platform roles the adapter saw."""
        held = set(cmd.role_ids)
        mapped = [g for g in await self.store.groups(cmd.space) if g.role]
        if mapped:
            await self.store.sync_mapped(cmd.space, cmd.actor.key,
                                         [g.slug for g in mapped if g.role in held])
        return []


def _members_line(count: int, mine: bool, role: bool) -> str:
    """A group's line in ``groups``: how many are in it, and whether the reader is, and
    whether a platform role is linked to it (``{name}``, ``{count}`` still to fill)."""
    if mine and role:
        return ngettext("{name}: {count} person, you too, linked to a role.",
                        "{name}: {count} people, you too, linked to a role.", count)
    if mine:
        return ngettext("{name}: {count} person, you too.",
                        "{name}: {count} people, you too.", count)
    if role:
        return ngettext("{name}: {count} person, linked to a role.",
                        "{name}: {count} people, linked to a role.", count)
    return ngettext("{name}: {count} person.", "{name}: {count} people.", count)
