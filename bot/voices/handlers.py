"""Contributions, the balance of voices, nudges and people's own records: the commands.

``Spoke`` is the neutral command adapters send for each platform message or reply
(the playground's ``say``); it is counted, never read, and shows nothing. The rest
are what people type: balance, me, nudges, payments, my-data and forget-me.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from bot.cards import Card, Note, Text, Tone, message_card
from bot.commands import Command
from bot.context import Core
from bot.effects import Effect, Reply
from bot.errors import BadInput, expect_no_args
from bot.i18n import _
from bot.model import Actor, SpaceRef
from bot.voice_model import ContributionKind, Preferences, contribution_name
from bot.voices.cards import balance_card, me_card, nudge_counts_card
from bot.voices.nudges import NudgeSweep

MAX_DAYS = 365
MAX_EVENT_ID = 200
#: The window of the nudge counts facilitators see.
NUDGE_REPORT_DAYS = 30


@dataclass(frozen=True)
class Spoke(Command):
    """Someone wrote a message or a reply in the space. Its text never reaches the core.

    ``event_id`` is the platform's id for the event, so a replay is counted once.
    ``echo`` asks for a short private "(counted)" line (the playground's ``say``).
    """

    kind: ContributionKind = ContributionKind.MESSAGE
    event_id: str | None = None
    echo: bool = False


@dataclass(frozen=True)
class ShowBalance(Command):
    """The balance of voices between groups; ``days`` as typed (None: the default)."""

    days: str | None = None


@dataclass(frozen=True)
class ShowMine(Command):
    """A person's own record here, by month."""


@dataclass(frozen=True)
class SetNudges(Command):
    """Turn private nudges on or off for oneself; None shows the setting (and, to
    facilitators, how many nudges went out)."""

    on: bool | None = None


@dataclass(frozen=True)
class SetPayments(Command):
    """Say whether one wants involvement payments; None shows the setting."""

    on: bool | None = None


@dataclass(frozen=True)
class ShowMyData(Command):
    """Everything stored about the person, as JSON, privately."""


@dataclass(frozen=True)
class ForgetMe(Command):
    """Erase everything stored about the person; without ``confirm``, explain first."""

    confirm: bool = False
    #: The core must not record the person as a member again after erasing them.
    remembers_actor: ClassVar[bool] = False


def _parse_say(args: list[str], actor: Actor, space: SpaceRef) -> Spoke:
    kind, event_id = ContributionKind.MESSAGE, None
    while args and args[0].lower() in ("--reply", "--event"):
        if args[0].lower() == "--reply":
            kind, args = ContributionKind.REPLY, args[1:]
        elif len(args) < 2:
            raise BadInput(_("--event needs an id after it, like: say --event E1 hello"))
        else:
            event_id, args = args[1], args[2:]
    if not args:
        raise BadInput(_('Write something after say, like: say "Hello all". It is counted as '
                         "a message; its words are not kept."))
    return Spoke(actor, space, kind=kind, event_id=event_id, echo=True)


def _parse_balance(args: list[str], actor: Actor, space: SpaceRef) -> ShowBalance:
    if not args:
        return ShowBalance(actor, space)
    if len(args) == 2 and args[0].lower() == "--days":
        return ShowBalance(actor, space, days=args[1])
    raise BadInput(_("Write balance, or balance --days 30 to choose the window (1 to {most} "
                     "days).").format(most=MAX_DAYS))


def _switch(verb: str, make: Callable[..., Command]) -> Callable[..., Command]:
    def parse(args: list[str], actor: Actor, space: SpaceRef) -> Command:
        if not args:
            return make(actor, space)
        if len(args) == 1 and args[0].lower() in ("on", "off"):
            return make(actor, space, on=args[0].lower() == "on")
        raise BadInput(_("Write {verb} on or {verb} off (or just {verb} to see your "
                         "setting).").format(verb=verb))
    return parse


def _parse_forget(args: list[str], actor: Actor, space: SpaceRef) -> ForgetMe:
    if not args:
        return ForgetMe(actor, space)
    if len(args) == 1 and args[0].lower() == "confirm":
        return ForgetMe(actor, space, confirm=True)
    raise BadInput(_("Write forget-me to see what would be erased, then forget-me confirm."))


def _plain(verb: str, make: Callable[..., Command]) -> Callable[..., Command]:
    def parse(args: list[str], actor: Actor, space: SpaceRef) -> Command:
        expect_no_args(verb, args)
        return make(actor, space)
    return parse


#: Text verbs this module parses: verb -> parser(args, actor, space) -> Command.
PARSERS: dict[str, Callable] = {
    "say": _parse_say,
    "balance": _parse_balance,
    "me": _plain("me", ShowMine),
    "nudges": _switch("nudges", SetNudges),
    "payments": _switch("payments", SetPayments),
    "my-data": _plain("my-data", ShowMyData),
    "forget-me": _parse_forget,
}


class VoiceCommands:
    """Handlers for say, balance, me, nudges, payments, my-data and forget-me."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    def handlers(self) -> dict[type, Callable]:
        """Command type -> handler."""
        return {
            Spoke: self.spoke,
            ShowBalance: self.balance,
            ShowMine: self.mine,
            SetNudges: self.nudges,
            SetPayments: self.payments,
            ShowMyData: self.my_data,
            ForgetMe: self.forget,
        }

    async def spoke(self, cmd: Spoke) -> list[Effect]:
        """Count a message or reply; show nothing (the playground gets a private line)."""
        if cmd.kind not in (ContributionKind.MESSAGE, ContributionKind.REPLY):
            raise BadInput(_("Only messages and replies are counted this way."))
        if cmd.event_id is not None and not (0 < len(cmd.event_id) <= MAX_EVENT_ID):
            raise BadInput(_("An event id is 1 to {most} characters.").format(most=MAX_EVENT_ID))
        await self.core.contribute(cmd.space, cmd.actor, cmd.kind, cmd.event_id)
        if not cmd.echo:
            return []
        return [Reply(cmd.actor, cmd.space, Card(title=_("(counted)"), lines=(
            Text(_("Counted as a {kind}; its words were not kept.").format(
                kind=contribution_name(cmd.kind))),)))]

    async def balance(self, cmd: ShowBalance) -> list[Effect]:
        """The balance of voices between the space's groups."""
        days = self.core.settings.balance.days
        if cmd.days is not None:
            text = cmd.days.strip()
            if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
                raise BadInput(_("The window is a whole number of days from 1 to {most}, "
                                 "like: balance --days 30").format(most=MAX_DAYS))
            days = int(text)
        now = self.core.clock.now()
        balance = await NudgeSweep(self.core).space_balance(cmd.space, now, days)
        has_groups = bool(await self.store.groups(cmd.space))
        return [Reply(cmd.actor, cmd.space, balance_card(balance, days, has_groups))]

    async def mine(self, cmd: ShowMine) -> list[Effect]:
        """The person's own record here, privately."""
        key = cmd.actor.key
        counts = await self.store.contribution_counts(key, cmd.space)
        polls = await self.store.participated_polls(key, cmd.space)
        prefs = await self.store.preferences(key)
        card = me_card(cmd.space.channel, counts, polls, prefs, self._nudged(prefs))
        return [Reply(cmd.actor, cmd.space, card)]

    def _nudged(self, prefs: Preferences) -> bool:
        """Whether nudges are on for someone with these preferences."""
        policy = self.core.settings.nudges
        wanted = prefs.nudges if prefs.nudges is not None else not policy.opt_in
        return policy.enabled and wanted

    async def nudges(self, cmd: SetNudges) -> list[Effect]:
        """Turn nudges on or off for oneself, or see the setting and (facilitators) counts."""
        key = cmd.actor.key
        if cmd.on is not None:
            await self.store.set_preferences(key, nudges=cmd.on)
            text = (_("You may get an occasional private nudge when a decision could use "
                      "your voice: at most one every few days, never in your quiet hours. Turn "
                      "them off any time with: nudges off") if cmd.on else
                    _("You will not get private nudges. Poll reminders you asked for still "
                      "come. Turn nudges back on with: nudges on"))
            title = _("Nudges are on") if cmd.on else _("Nudges are off")
            return [Reply(cmd.actor, cmd.space, message_card(title, text, Tone.SUCCESS))]
        on = self._nudged(await self.store.preferences(key))
        effects: list[Effect] = [Reply(cmd.actor, cmd.space, message_card(
            _("Your nudges"),
            _("Private nudges are on for you. Change it with: nudges off") if on else
            _("Private nudges are off for you. Change it with: nudges on")))]
        if await self.core.is_facilitator(cmd.actor, cmd.space):
            since = self.core.clock.now() - timedelta(days=NUDGE_REPORT_DAYS)
            counts = await self.store.nudge_counts(cmd.space, since)
            effects.append(Reply(cmd.actor, cmd.space,
                                 nudge_counts_card(cmd.space.channel, counts, NUDGE_REPORT_DAYS)))
        return effects

    async def payments(self, cmd: SetPayments) -> list[Effect]:
        """Say whether one wants involvement payments, or see the setting."""
        key = cmd.actor.key
        if cmd.on is not None:
            await self.store.set_preferences(key, payments=cmd.on)
        on = cmd.on if cmd.on is not None else (await self.store.preferences(key)).payments
        if on is None:
            text = _("You have not said yet. If you want to be paid for taking part, type "
                     "payments on. If not, type payments off. What you do counts either way.")
            title = _("Payments: not said yet")
        elif on:
            text = _("The record says you want to be paid for taking part.")
            title = _("Payments: yes")
        else:
            text = _("The record says you do not want to be paid. What you did still counts. "
                     "Change it with: payments on")
            title = _("Payments: no")
        tone = Tone.SUCCESS if cmd.on is not None else Tone.INFO
        return [Reply(cmd.actor, cmd.space, message_card(title, text, tone))]

    async def my_data(self, cmd: ShowMyData) -> list[Effect]:
        """Everything stored about the person, as JSON, shown only to them."""
        key = cmd.actor.key
        record = await self.store.member_record(key)
        record["groups"] = {space: await self.store.member_groups(_space(space), key)
                            for space in await self.store.member_spaces(key)}
        text = json.dumps(record, ensure_ascii=False, indent=2)
        return [Reply(cmd.actor, cmd.space, Card(
            title=_("All we keep about you"),
            lines=(Text(text), Note(_(
                "Only you can see this. Your votes are not here: nothing links a vote to you, "
                "so nobody can tell what you chose. Messages were counted, never kept."))),
        ))]

    async def forget(self, cmd: ForgetMe) -> list[Effect]:
        """Explain what forget-me erases; with confirm, erase it."""
        if not cmd.confirm:
            return [Reply(cmd.actor, cmd.space, Card(title=_("Forget me: are you sure?"), lines=(
                Text(_("This deletes all we keep about you, in every channel. That is: which "
                       "channels and groups you are in, your settings, what you took part in, "
                       "and your nudges. You cannot undo it.")),
                Text(_("Some things stay, because nothing in them points to you: votes, "
                       "decisions and how many people voted.")),
                Text(_("To go ahead, type: forget-me confirm")),
            ), tone=Tone.WARNING))]
        key = cmd.actor.key
        for space in await self.store.member_spaces(key):
            ref = _space(space)
            for slug in await self.store.member_groups(ref, key):
                await self.store.leave_group(ref, slug, key)
        await self.store.forget_member(key)
        return [Reply(cmd.actor, cmd.space, message_card(
            _("You have been forgotten"),
            _("Everything stored about you has been erased. If you take part again, a new "
              "record starts from then."), Tone.SUCCESS))]


def _space(key: str) -> SpaceRef:
    platform, workspace, channel = key.split(":", 2)
    return SpaceRef(platform, workspace, channel)
