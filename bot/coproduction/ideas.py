"""Ideas rounds: anyone adds ideas, anonymously; a facilitator turns chosen ones into a poll.

A round is stored as a poll of kind "ideas", so it shares the ``#N`` numbers of the
space's polls, closes on time through the usual CLOSE job, and ends in the decision
log ("12 ideas collected."). Ideas are kept without authors; adding one is counted
as the person's IDEA contribution, separately.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot import commands as c
from bot.anonymity import IDEA_SIZE, new_salt
from bot.cards import Card, Items, Note, Text, Tone, message_card
from bot.context import Core
from bot.counting.outcome import rule_words
from bot.effects import Effect, Post, Reply, UpdatePost
from bot.errors import BadInput, NotAllowed, NotFound, PollClosed
from bot.i18n import _, ngettext, public, space_languages, speaking
from bot.model import (
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUESTION_LENGTH,
    Actor,
    Decision,
    Method,
    Opened,
    Outcome,
    Poll,
    PollKind,
    PollSpec,
    PollStatus,
    SpaceRef,
)
from bot.parsing import ref_number, split_flags
from bot.polls.announce import OUTCOME, announce_job
from bot.polls.closing import CLOSING_LEASE
from bot.polls.jobs import poll_jobs
from bot.polls.parse import parse_poll_args
from bot.polls.views import closing_reply, ideas_card, outcome_card
from bot.text import clean_text
from bot.timeparse import parse_when
from bot.voice_model import ContributionKind

MAX_IDEAS = 100
#: Sealed ideas are bound to this purpose, so a sealed idea can never pass for a ballot.
IDEA_PURPOSE = b"idea"
_PICKS = re.compile(r"^(all|[\d,]+)$", re.IGNORECASE)


def fold(text: str) -> str:
    """What makes two ideas the same: case, spacing and hidden characters ignored."""
    return clean_text(text).casefold()


def _parse_ideas(args: list[str], actor: Actor, space: SpaceRef) -> c.Command:
    if not args:
        raise BadInput(_('Start a round with: ideas "What should we focus on?" --closes 3d. '
                         "See one with: ideas #N"))
    if args[0].startswith("#") or args[0].isdigit():
        number = ref_number(args[0], "ideas")
        if len(args) == 1:
            return c.ListIdeas(actor, space, round=number)
        if args[1].lower() != "to-poll":
            raise BadInput(_("Write ideas #{number} to see its ideas, or (facilitators) ideas "
                             "#{number} to-poll 1,3,4 --kind ranked").format(number=number))
        rest = args[2:]
        picks = []
        while rest and _PICKS.match(rest[0]):
            picks.append(rest.pop(0))
        if not picks:
            raise BadInput(_("Say which ideas become options, by number: ideas #{number} "
                             "to-poll 1,3,4 --kind ranked (or all).").format(number=number))
        question = rest.pop(0) if rest and not rest[0].startswith("--") else ""
        # The poll's flags are read exactly as poll reads them; the options come from ideas.
        poll = parse_poll_args([question or "?", *rest], actor, space)
        return c.IdeasToPoll(actor, space, round=number, picks=",".join(picks),
                             poll=replace(poll, question=question))
    positional, flags = split_flags(args, {"--closes": True}, "ideas")
    if len(positional) != 1:
        raise BadInput(_('Put the question in one pair of quotes: ideas "What should '
                         'PeerFest focus on?" --closes 3d'))
    return c.StartIdeas(actor, space, question=clean_text(positional[0]),
                        closes=flags.get("--closes"))


def _parse_idea(args: list[str], actor: Actor, space: SpaceRef) -> c.Command:
    if len(args) < 2:
        raise BadInput(_('Say which round and your idea: idea #3 "a quiet room at every '
                         'event"'))
    return c.AddIdea(actor, space, round=ref_number(args[0], "idea"),
                     text=clean_text(" ".join(args[1:])))


#: Text verbs this module parses.
PARSERS: dict[str, Callable] = {"ideas": _parse_ideas, "idea": _parse_idea}


class IdeaCommands:
    """Handlers for ideas rounds; registered through ``bot.coproduction.groups.GroupCommands``."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    def handlers(self) -> dict[type, Callable]:
        """Command type -> handler."""
        return {c.StartIdeas: self.start, c.AddIdea: self.add, c.ListIdeas: self.list,
                c.IdeasToPoll: self.to_poll}

    async def _round(self, space: SpaceRef, number: int) -> Poll:
        poll = await self.store.find_poll(space, number)
        if poll is None:
            raise NotFound(_("There is no ideas round #{number} here. Type polls to see what "
                             "is open.").format(number=number))
        if poll.spec.kind is not PollKind.IDEAS:
            raise BadInput(_("#{number} is a poll, not an ideas round. To vote on it, write: "
                             "vote #{number} and your choice.").format(number=number))
        return poll

    async def card(self, poll: Poll) -> Card:
        """The round's public card with its number of ideas, in the space's language(s)."""
        count = len(await self.store.ideas(poll.id))
        tz = self.core.zone_of(poll.space)
        return public(lambda: ideas_card(poll, count, tz))

    async def start(self, cmd: c.StartIdeas) -> list[Effect]:
        """Open an ideas round."""
        # Cleaned here as well as in the parser: Discord's slash command comes straight in.
        question = clean_text(cmd.question)
        if not question or len(question) > MAX_QUESTION_LENGTH:
            raise BadInput(_("Give the round a question of up to {most} characters, in quotes: "
                             'ideas "What should PeerFest focus on?"').format(
                                 most=MAX_QUESTION_LENGTH))
        now = self.core.clock.now()
        tz = self.core.zone_of(cmd.space)
        # "--closes friday 17:00" is read in the starter's own zone when they set one, as
        # for polls (bot.polls.handlers).
        own: str | None = None
        closes_at: datetime | None = None
        if cmd.closes is not None:
            own = await self.store.member_timezone(cmd.actor.key)
            closes_at = parse_when(cmd.closes, now, own or tz)
        spec = PollSpec(question=question, options=(), kind=PollKind.IDEAS, method=Method.IDEAS,
                        show_results=True, closes_at=closes_at)
        poll = await self.store.create_poll(cmd.space, cmd.actor.key, spec, new_salt(), now,
                                            poll_jobs(spec, now))
        await self.core.contribute(cmd.space, cmd.actor, ContributionKind.START)
        how = _('People add ideas with: idea {ref} "their idea".').format(ref=poll.ref)
        closing = closing_reply(closes_at, own, tz, now)
        end = _("You or a facilitator can end it early with close {ref}. Then a facilitator "
                "can make a poll of some of them: ideas {ref} to-poll 1,3,4").format(
                    ref=poll.ref)
        return [
            Post(cmd.space, public(lambda: ideas_card(poll, 0, tz)), key=f"poll:{poll.id}"),
            Reply(cmd.actor, cmd.space, message_card(
                _("Your ideas round {ref} is open").format(ref=poll.ref),
                f"{how}{closing} {end}", Tone.SUCCESS)),
        ]

    async def add(self, cmd: c.AddIdea) -> list[Effect]:
        """Add an idea, with no author kept."""
        poll = await self._round(cmd.space, cmd.round)
        closes_at = poll.spec.closes_at
        if not poll.is_open or (closes_at is not None and self.core.clock.now() >= closes_at):
            raise PollClosed(_closed(poll))
        text = clean_text(cmd.text)
        if not text:
            raise BadInput(_("Your idea is empty. Write it after the round's number: idea "
                             '{ref} "a quiet room at every event"').format(ref=poll.ref))
        if len(text) > MAX_OPTION_LENGTH:
            raise BadInput(_("Please keep an idea to {most} characters, so it can become a poll "
                             "option; yours has {length}.").format(most=MAX_OPTION_LENGTH,
                                                                   length=len(text)))
        if len(await self.store.ideas(poll.id)) >= MAX_IDEAS:
            raise BadInput(_("Round {ref} already has {most} ideas, the most a round can "
                             "hold.").format(ref=poll.ref, most=MAX_IDEAS))
        salt = await self.store.poll_salt(poll.id)
        if salt is None:
            raise PollClosed(_closed(poll))
        keyring = self.core.keyring
        # Sealed words, a keyed hash to refuse duplicates, and the author as a tag kept
        # apart from every idea: credited when the round closes, never beside an idea.
        count = await self.store.add_idea(
            poll.id, keyring.seal(salt, text, IDEA_SIZE, IDEA_PURPOSE),
            keyring.keyed(salt, fold(text)), keyring.voter_tag(salt, cmd.actor.key))
        if count is None:
            raise BadInput(_("That idea is already in round {ref} (capitals and spaces "
                             "aside). See them all with: ideas {ref}").format(ref=poll.ref))
        tz = self.core.zone_of(cmd.space)
        now_has = ngettext("The round has {count} idea now.", "The round has {count} ideas now.",
                           count).format(count=count)
        nobody = _("Nobody, not even the facilitators, can see who added which.")
        return [
            Reply(cmd.actor, cmd.space, message_card(
                _("Your idea is in {ref}").format(ref=poll.ref), f"{now_has} {nobody}",
                Tone.SUCCESS)),
            UpdatePost(cmd.space, f"poll:{poll.id}", public(lambda: ideas_card(poll, count, tz))),
        ]

    async def texts(self, poll: Poll) -> list[str]:
        """The round's ideas in plain text, A to Z: an order that says nothing about who
        added which, or when."""
        stored = await self.store.ideas(poll.id)
        if not stored:
            return []
        salt = await self.store.poll_salt(poll.id)
        opened = [self.core.keyring.open(salt, text, IDEA_PURPOSE) for text in stored]
        return sorted(opened, key=lambda idea: (fold(idea), idea))

    async def list(self, cmd: c.ListIdeas) -> list[Effect]:
        """A round's ideas, numbered, without authors."""
        return await self.show(cmd.actor, await self._round(cmd.space, cmd.round))

    async def show(self, actor: Actor, poll: Poll) -> list[Effect]:
        """Privately show a round's ideas."""
        ideas = await self.texts(poll)
        lines: list[Text | Items | Note] = [Items(tuple(ideas)) if ideas else
                                            Text(_("No ideas yet."))]
        if poll.is_open:
            lines.append(Note(_('Add one with: idea {ref} "your idea". Ideas are listed A to Z, '
                                "without who added them.").format(ref=poll.ref)))
        elif poll.status is PollStatus.CLOSED:
            lines.append(Note(_("This round has closed. A facilitator can turn ideas into a "
                                "poll: ideas {ref} to-poll 1,3,4 --kind ranked").format(
                                    ref=poll.ref)))
        else:
            lines.append(Note(_("This round was cancelled.")))
        title = _("Ideas in {ref} ({count}): {question}").format(
            ref=poll.ref, count=len(ideas), question=poll.spec.question)
        return [Reply(actor, poll.space, Card(title=title, lines=tuple(lines)))]

    async def close_round(self, poll: Poll, now: datetime, by: Actor | None) -> list[Effect]:
        """End a round and post what it collected; empty if another process closed it."""
        due_by = now if by is None else None
        if not await self.store.claim_closes([poll.id], now, now - CLOSING_LEASE, due_by):
            return []
        ideas = await self.texts(poll)
        authors = await self._authors(poll)
        if by is None and poll.spec.closes_at is not None:
            now = min(now, poll.spec.closes_at)
        count = len(ideas)
        # Kept in the decision log for everyone: written in the space's language.
        with speaking(space_languages()[0]):
            summary, reason = _summary(poll, count)
        outcome = Outcome(summary=summary, reason=reason, unit="ideas",
                          story=tuple(f"{n}. {idea}" for n, idea in enumerate(ideas, start=1)),
                          eligible=await self.store.member_count(poll.space))
        decision = Decision(
            space=poll.space, poll_number=poll.number, question=poll.spec.question,
            kind=PollKind.IDEAS, method=Method.IDEAS, rule=rule_words(poll.spec),
            options=tuple(ideas), status=PollStatus.CLOSED, outcome=outcome,
            opened_at=poll.created_at, closed_at=now)
        opened = Opened(ideas=tuple(ideas), authors=tuple(authors))
        if not await self.store.finish_close(poll.id, decision, opened,
                                             [announce_job(OUTCOME, self.core.clock.now())]):
            return []
        closed = replace(poll, status=PollStatus.CLOSED, closed_at=now)
        tz = self.core.zone_of(poll.space)
        return [Post(poll.space, public(lambda: outcome_card(closed, outcome)),
                     key=f"outcome:{poll.id}"),
                UpdatePost(poll.space, f"poll:{poll.id}",
                           public(lambda: ideas_card(closed, count, tz)))]

    async def _authors(self, poll: Poll) -> list[str]:
        """The members who added ideas to the round: each member's tag is worked out and
        matched against the round's author tags (kept with no idea beside them)."""
        tags = await self.store.idea_authors(poll.id)
        salt = await self.store.poll_salt(poll.id)
        if not tags or salt is None:
            return []
        keyring = self.core.keyring
        return [member for member in await self.store.member_keys(poll.space)
                if keyring.voter_tag(salt, member) in tags]

    async def to_poll(self, cmd: c.IdeasToPoll) -> list[Effect]:
        """Turn chosen ideas into a poll; an open round closes first."""
        if not await self.core.is_facilitator(cmd.actor, cmd.space):
            raise NotAllowed(_("Only a facilitator can turn ideas into a poll, so that no "
                               "single voice frames the choice. Type facilitators to see who "
                               "can."))
        poll = await self._round(cmd.space, cmd.round)
        if poll.status is PollStatus.CANCELLED:
            raise BadInput(_("Round {ref} was cancelled; start a new one with ideas.").format(
                ref=poll.ref))
        ideas = await self.texts(poll)
        if cmd.poll.options:
            raise BadInput(_("The options come from the ideas you pick, by number; leave "
                             "other options out."))
        options = tuple(ideas[n - 1] for n in _pick(cmd.picks, len(ideas), poll.ref))
        request = replace(cmd.poll, question=cmd.poll.question or poll.spec.question,
                          options=options)
        spec = await self.core.check_poll(request)
        effects: list[Effect] = []
        if poll.is_open:
            effects += await self.close_round(poll, self.core.clock.now(), cmd.actor)
        effects += await self.core.open_poll(request, spec)
        await self.core.contribute(cmd.space, cmd.actor, ContributionKind.START)
        return effects


def _pick(picks: str, count: int, ref: str) -> list[int]:
    """Idea numbers from "1,3,4" or "all", checked against how many ideas there are."""
    if count == 0:
        raise BadInput(_("Round {ref} has no ideas to choose from.").format(ref=ref))
    if picks.lower() == "all":
        numbers = list(range(1, count + 1))
    else:
        numbers = [int(part) for part in picks.split(",") if part]
    bad = [n for n in numbers if not 1 <= n <= count]
    if bad:
        raise BadInput(_("Round {ref} has ideas 1 to {count}; there is no idea {number}.").format(
            ref=ref, count=count, number=bad[0]))
    if len(set(numbers)) != len(numbers):
        raise BadInput(_("You named an idea twice; name each one once."))
    if not 2 <= len(numbers) <= MAX_OPTIONS:
        raise BadInput(_("A poll needs 2 to {most} options; you picked {count}.").format(
            most=MAX_OPTIONS, count=len(numbers)))
    return numbers


def _closed(poll: Poll) -> str:
    """Why a closed round takes no more ideas."""
    return _("Ideas round {ref} has closed, so it takes no more ideas. See them with: ideas "
             "{ref}").format(ref=poll.ref)


def _summary(poll: Poll, count: int) -> tuple[str, str]:
    """What a closed round collected, and what can come next: its outcome's two lines."""
    if not count:
        return _("No ideas were added."), _("The round closed with nothing in it.")
    return (ngettext("{count} idea collected.", "{count} ideas collected.", count).format(
                count=count),
            _("Next, a facilitator can make a poll of some of them: ideas {ref} to-poll "
              "1,3,4").format(ref=poll.ref))
