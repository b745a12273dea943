"""The core service: composes the wings and turns commands into effects.

Each wing (``bot.registry.Wing``) offers its verbs and its handlers; ``Roundtable``
puts them together, decides who may give which command where, and is the context
(``bot.context.Core``) every handler gets. Due jobs run through ``bot.timing``.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime

from bot import commands as c
from bot.anonymity import Keyring
from bot.cards import Card, Tone, message_card
from bot.context import Settings
from bot.coproduction.ideas import IdeaCommands
from bot.coproduction.membership import NOT_PRIVATE, not_a_member
from bot.coproduction.wing import WING as COPRODUCTION
from bot.effects import FAULT, REFUSED, DirectMessage, Effect, Reply
from bot.errors import NotAllowed, RoundtableError
from bot.i18n import _, in_space, known, speaking
from bot.model import Actor, Decision, Poll, PollKind, PollSpec, SpaceRef
from bot.polls.handlers import PollCommands
from bot.polls.wing import WING as POLLS
from bot.ports import Clock, Store
from bot.registry import Registry
from bot.timing.wing import WING as TIMING
from bot.voice_model import Contribution, ContributionKind
from bot.voices.cards import payments_question_card
from bot.voices.wing import WING as VOICES
from bot.words.grammar import Grammar
from bot.words.wing import WING as WORDS

__all__ = ["REGISTRY", "Roundtable", "Settings", "parse"]

log = logging.getLogger(__name__)

#: Roles an adapter may vouch for that make someone a facilitator of every space it reports.
FACILITATOR_ROLES = frozenset({"facilitator", "admin"})
#: Every wing, composed: their verbs and their handlers.
REGISTRY = Registry([POLLS, COPRODUCTION, VOICES, TIMING, WORDS])
#: Reads a typed command with every wing's verbs (the playground and Slack use it).
parse = Grammar(REGISTRY.parsers).parse


class Roundtable:
    """The decision core. Adapters call ``handle``; a ``bot.timing.timekeeper.Timekeeper``
    runs due jobs.

    Args:
        store: Where everything is kept.
        clock: Where the time comes from.
        keyring: Makes anonymous voter tags from the master secret.
        settings: Defaults from the config file.
    """

    def __init__(self, store: Store, clock: Clock, keyring: Keyring,
                 settings: Settings | None = None) -> None:
        self.store = store
        self.clock = clock
        self.keyring = keyring
        self.settings = settings or Settings()
        self._handlers = REGISTRY.handlers(self)
        # What crosses wings through the context: polls, and ideas rounds (kind IDEAS).
        self._polls = PollCommands(self)
        self._ideas = IdeaCommands(self)

    async def handle(self, command: c.Command) -> list[Effect]:
        """Carry out one command and return what should be shown.

        Never raises: a ``RoundtableError`` becomes a private reply with its message,
        anything else a private apology (logged without the command's contents).
        """
        return await self._carry_out(command, remember=True)

    async def handle_private(self, command: c.Command) -> list[Effect]:
        """Carry out a command sent outside any channel: a direct message with the bot.

        Only commands about the person alone are taken (the wings' ``private``); the
        others get a reply saying to type them in a channel. The conversation is not a
        space: nobody is recorded as its member, and platform roles count for nothing
        in it. Never raises, like ``handle``.
        """
        if not isinstance(command, REGISTRY.private):
            with speaking(await self.language_for(command.actor)):
                return [self.error_reply(command.actor, command.space,
                                         NotAllowed(_(NOT_PRIVATE)))]
        private = replace(command, actor=replace(command.actor, roles=frozenset()))
        return await self._carry_out(private, remember=False)

    async def _carry_out(self, command: c.Command, *, remember: bool) -> list[Effect]:
        # Replies are written in the person's language, public posts in the space's.
        with (in_space(self.settings.space_languages),
              speaking(await self.language_for(command.actor))):
            return await self._carry_out_in_language(command, remember=remember)

    async def read(self, text: str, actor: Actor, space: SpaceRef) -> c.Command:
        """Read a typed command (``parse``) in the person's language: what is wrong with
        it comes back in that language too.

        Raises:
            RoundtableError: The words were not understood (a ``BadInput``); give it to
                ``error_reply``.
        """
        with speaking(await self.language_for(actor)):
            return parse(text, actor, space)

    async def language_for(self, actor: Actor) -> str:
        """The language to write to this person in: their choice, else their platform's, else
        the space's. (The store keeps everyone's choices in memory: no read per command.)"""
        try:
            chosen = (await self.store.member_languages([actor.key])).get(actor.key)
        except Exception:
            # The language must never stop a command; the command's own error is clearer.
            log.exception("could not read a member's language")
            chosen = None
        return known(chosen) or known(actor.locale) or self.settings.language

    async def _carry_out_in_language(self, command: c.Command, *,
                                     remember: bool) -> list[Effect]:
        try:
            # The core decides who may take part: only those the platform reports in the
            # channel. Before anything else, so a refusal stores nothing at all.
            if remember and not await self.may_take_part(command):
                if isinstance(command, REGISTRY.quiet):
                    return []
                raise not_a_member(command)
            effects = await self._handlers[type(command)](command)
            # Only after success: a rejected command stores nothing, not even a presence.
            # (Nor does forget-me: the person it erased must not be recorded again.)
            if remember and getattr(command, "remembers_actor", True):
                await self._touch(command)
            if remember and isinstance(command, REGISTRY.contributions):
                effects += await self._ask_about_payments(command)
            return effects
        except RoundtableError as error:
            return [self.error_reply(command.actor, command.space, error)]
        except Exception:
            # The type name only: the command may hold a ballot, and a ballot must never
            # meet a name in a log line.
            log.exception("unexpected error while handling %s", type(command).__name__)
            return [Reply(command.actor, command.space, message_card(
                _("Sorry, something went wrong"),
                _("That did not work because of a fault on our side. Nothing was changed by it "
                  "that you need to undo; please try again in a moment."), Tone.ERROR),
                failure=FAULT)]

    async def _ask_about_payments(self, command: c.Command) -> list[Effect]:
        """After someone's first contribution, ask them once, privately, whether they want
        involvement payments (the record says "not asked" until they say)."""
        member = command.actor.key
        if not self.settings.ask_about_payments or not await self.store.claim_payments_question(
                member, command.space, self.clock.now()):
            return []
        return [DirectMessage(command.space.platform, member, payments_question_card())]

    def error_reply(self, actor: Actor, space: SpaceRef, error: RoundtableError) -> Reply:
        """A private reply that explains an error to the person who caused it, in the
        language the error's message was written in."""
        with speaking(error.language):
            title = _("That didn't work")
        return Reply(actor, space, message_card(title, error.message, Tone.ERROR),
                     failure=REFUSED)

    async def _touch(self, cmd: c.Command) -> None:
        # Acting keeps a member's name up to date; it never makes someone a member.
        await self.store.touch_member(cmd.space, cmd.actor, self.clock.now(), join=False)

    async def may_take_part(self, command: c.Command) -> bool:
        """Whether the command's person may give it in its channel: a member the platform
        reported there, or a command open to all (the wings' ``open_to_all``)."""
        if isinstance(command, REGISTRY.open_to_all):
            return True
        return await self.store.is_member(command.space, command.actor.key)

    # -- the context every handler gets (bot.context.Core) -----------------------------

    def zone_of(self, space: SpaceRef) -> str:
        """The time zone a space reads times in."""
        return self.settings.timezone

    async def languages_of(self, members: Collection[str]) -> dict[str, str]:
        """The language each member reads: their own choice, else the space's."""
        chosen = await self.store.member_languages(members)
        return {member: known(chosen.get(member)) or self.settings.language
                for member in members}

    def in_space(self) -> AbstractContextManager[None]:
        """Inside, public posts are written in the space's language(s); for due jobs."""
        return in_space(self.settings.space_languages)

    async def is_facilitator(self, actor: Actor, space: SpaceRef) -> bool:
        """Whether the person facilitates the space (platform role or named)."""
        if actor.roles & FACILITATOR_ROLES:
            return True
        return actor.key in await self.store.facilitators(space)

    async def may_manage(self, actor: Actor, space: SpaceRef, poll: Poll) -> bool:
        """Whether the person may close, cancel or extend the poll."""
        return actor.key == poll.creator or await self.is_facilitator(actor, space)

    async def contribute(self, space: SpaceRef, actor: Actor, kind: ContributionKind,
                         event_id: str | None = None) -> None:
        """Count a contribution (who, where, what kind, when; never its text)."""
        await self.store.record_contribution(
            Contribution(space, actor.key, kind, self.clock.now(), event_id))

    async def find_open_poll(self, space: SpaceRef, number: int) -> Poll:
        """The open poll with this number.

        Raises:
            NotFound: No such poll here.
            PollClosed: It has ended.
        """
        return await self._polls.find_open(space, number)

    async def decision_for(self, poll: Poll) -> Decision | None:
        """The logged decision of an ended poll, if any."""
        return await self._polls.decision_for(poll)

    async def check_poll(self, cmd: c.CreatePoll) -> PollSpec:
        """Check what a person asked for, group rules included; nothing is stored.

        Raises:
            BadInput: With what was wrong and how to write it.
        """
        return await self._polls.check(cmd)

    async def open_poll(self, cmd: c.CreatePoll, spec: PollSpec) -> list[Effect]:
        """Store a checked poll and announce it."""
        return await self._polls.open(cmd, spec)

    async def close_poll(self, poll: Poll, now: datetime, by: Actor | None) -> list[Effect]:
        """Claim, count, log and shred; return the announcements. Empty if someone else won.

        ``by`` is None when the poll's timer closes it (see ``bot.polls.closing``).

        Raises:
            Exception: Whatever stopped the count or the write; the poll stays claimed
                until its claim goes stale, then another try can take it over.
        """
        if poll.spec.kind is PollKind.IDEAS:
            return await self._ideas.close_round(poll, now, by)
        return await self._polls.close_now(poll, now, by)

    async def render_poll(self, poll: Poll) -> Card:
        """The poll's public card with its current participation."""
        if poll.spec.kind is PollKind.IDEAS:
            return await self._ideas.card(poll)
        return await self._polls.card(poll)

    async def show_round(self, actor: Actor, poll: Poll) -> list[Effect]:
        """What ``results #N`` shows for an ideas round."""
        return await self._ideas.show(actor, poll)
