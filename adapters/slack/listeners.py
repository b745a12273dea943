"""Bolt listeners: each request is acked first, then translated, handled by the core, and
its effects performed.

Slack wants an answer within 3 seconds. Each listener calls ``ack()`` before any
slow work (in production Bolt then answers at once and runs the rest as a task);
only form submissions check their fields first, because the answer carries the
field errors. Anything unexpected becomes a polite private message, and only the
exception's type is logged. What a listener says itself (forms, notes) is in the person's
language (``Context.language``); typed commands are read in it too (``Roundtable.read``).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack.ballots import VOTE_CALLBACK, read_vote, vote_field, vote_view
from adapters.slack.blocks import unescape
from adapters.slack.context import Context
from adapters.slack.forms import CREATE_CALLBACK, check_create, create_view, read_create
from adapters.slack.poll_blocks import read_ticks
from adapters.slack.translate import (
    PLATFORM,
    channel_of,
    space,
    team_of,
    user_of,
)
from bot.commands import CastVote, CreatePoll
from bot.errors import BadInput, RoundtableError
from bot.i18n import N_, _, speaking
from bot.model import Actor, Poll, PollStatus, SpaceRef
from bot.polls.ballots import parse_ballot
from bot.service import parse

log = logging.getLogger(__name__)

COMMAND = "/roundtable"
_FORM_VERBS = {"poll": "choice", "propose": "consent", "proposal": "consent"}
_FORM_KINDS = frozenset({"choice", "multi", "ranked", "score", "dots"})
#: Notes to the person (translated where shown, in their language).
CLOSED_FORM = N_("This poll has closed, so your vote was not counted. Close the form with "
                 "Cancel.")
CANCELLED_FORM = N_("This poll was cancelled, so your vote was not counted. Close the form with "
                    "Cancel.")
NO_SUCH_POLL = N_("There is no such poll here: it may have been deleted, or the button is from "
                  "another workspace. Type /roundtable polls to see the open ones.")
UNREADABLE_FORM = N_("That form could not be read, so nothing was changed. Please open it again "
                     "(type /roundtable, or press Vote on the poll) and send it once more.")
ENDED_POLL = N_("That poll has ended or no longer exists. Type /roundtable polls to see the "
                "open ones.")


class _UnreadableForm(Exception):
    """A form whose hidden ``private_metadata`` is not what this app put there."""


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    """A form's hidden data (what this app put in ``private_metadata``).

    Raises:
        _UnreadableForm: It is not a JSON object (a forged or foreign form).
    """
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        raise _UnreadableForm() from None
    if not isinstance(meta, dict):
        raise _UnreadableForm()
    return meta


def _form_wanted(text: str, words: list[str], actor: Actor, where: SpaceRef,
                 ) -> tuple[str, str] | None:
    """The kind and question to open the new-poll form with, when the command asks for it:
    ``/roundtable`` alone, ``poll`` or ``propose`` alone, or a poll with no options."""
    if not words or (len(words) == 1 and words[0].lower() in _FORM_VERBS):
        return (_FORM_VERBS.get(words[0].lower(), "choice") if words else "choice"), ""
    if words[0].lower() != "poll":
        return None
    try:
        # Only to see the shape of the command: an error is not shown from here.
        command = parse(text, actor, where)
    except RoundtableError:
        return None  # the command path answers with the core's own explanation
    if not isinstance(command, CreatePoll) or command.kind not in _FORM_KINDS:
        return None  # an ideas round needs no options; a proposal has its own verb
    # Only a bare question (and kind): other flags would be lost in the form, so a poll
    # with them gets the core's "give the options" answer instead.
    if command == CreatePoll(command.actor, command.space, question=command.question,
                             kind=command.kind):
        return command.kind, command.question
    return None


def _is_direct(body: dict[str, Any], channel: str) -> bool:
    """Whether a slash command was typed in a direct message, not in a channel."""
    return body.get("channel_name") == "directmessage" or channel.startswith("D")


class Listeners:
    """The slash command, buttons and forms.

    Args:
        context: What every listener shares.
    """

    def __init__(self, context: Context) -> None:
        self.ctx = context
        self.core, self.sender, self.client = context.core, context.sender, context.client

    def register(self, app: AsyncApp) -> None:
        """Attach every listener to the Bolt app."""
        app.command(COMMAND)(self.on_command)
        app.action(re.compile(r"^rt:vote:\d+$"))(self.on_vote_button)
        app.action(re.compile(r"^rt:pick:\d+:\d+$"))(self.on_pick)
        app.action(re.compile(r"^rt:multi:\d+$"))(self.on_multi)
        app.action(re.compile(r".*"))(self.on_other_action)
        app.view(CREATE_CALLBACK)(self.on_create)
        app.view(VOTE_CALLBACK)(self.on_vote_form)
        app.error(self.on_error)

    @staticmethod
    def _bare(body: dict[str, Any]) -> tuple[str, str, str]:
        return team_of(body), user_of(body), channel_of(body)

    # -- slash command ------------------------------------------------------------------

    async def on_command(self, ack: Any, body: dict[str, Any]) -> None:
        """``/roundtable <text>``; alone, or ``poll``/``propose`` alone, opens the form."""
        await ack()
        team, user, channel = self._bare(body)
        # Slack sends &, < and > as entities; the core wants the words as typed.
        text = unescape(str(body.get("text") or ""))
        words = text.split()

        async def work() -> None:
            if _is_direct(body, channel):
                await self._private(team, user, channel, text or "help")
                return
            where, bare = space(team, channel), self.ctx.bare(team, user)
            form = _form_wanted(text, words, bare, where)
            if form is not None:
                # First, before any Slack lookup, while the trigger id is fresh (it lasts 3
                # seconds): the language is the person's choice (kept a minute) or a locale
                # already looked up.
                kind, question = form
                with speaking(await self.ctx.language(bare)):
                    view = create_view(channel, self.core.zone_of(where), kind, question)
                await self.client.views_open(trigger_id=body["trigger_id"], view=view)
                return
            actor = await self.ctx.actor(team, user, channel)
            if not await self.ctx.sync(actor, where):
                return
            try:
                command = await self.core.read(text, actor, where)
            except RoundtableError as error:
                await self.sender.perform([self.core.error_reply(actor, where, error)])
                return
            await self.ctx.run(command)

        await self.ctx.guarded(team, user, channel, work)

    async def _private(self, team: str, user: str, channel: str, text: str) -> None:
        """A command typed in a direct message: only what is about the person works there
        (help, timezone, nudges, my-data...); the core says so for the rest."""
        actor = await self.ctx.actor(team, user)
        where = space(team, channel)
        try:
            command = await self.core.read(text, actor, where)
        except RoundtableError as error:
            await self.sender.perform([self.core.error_reply(actor, where, error)])
            return
        await self.sender.perform(await self.core.handle_private(command), wait=False)

    # -- buttons ------------------------------------------------------------------------

    async def _open_poll(self, team: str, poll_id: int) -> Poll | None:
        poll = await self.core.store.get_poll(poll_id)
        if poll is None or poll.space.workspace != team or poll.space.platform != PLATFORM:
            return None
        return poll

    async def on_vote_button(self, ack: Any, body: dict[str, Any], action: dict[str, Any]
                             ) -> None:
        """The Vote button (poll message or Home tab): opens the voting form."""
        await ack()
        team, user, channel = self._bare(body)

        async def work() -> None:
            poll = await self._open_poll(team, int(action["action_id"].rsplit(":", 1)[1]))
            if poll is None or not poll.is_open:
                # Where the person is: a click in the Home tab has no channel, and a note
                # in the poll's channel would go unseen there (it reaches them by DM).
                await self._say(team, user, channel, ENDED_POLL)
                return
            # No Slack lookup first: the trigger id lasts 3 seconds.
            with speaking(await self.ctx.language(self.ctx.bare(team, user))):
                view = vote_view(poll, poll.space.channel)
            await self.client.views_open(trigger_id=body["trigger_id"], view=view)

        await self.ctx.guarded(team, user, channel, work)

    async def _say(self, team: str, user: str, channel: str, note: str) -> None:
        """A private note to the person where they are (by DM when there is no channel), in
        their language; ``note`` is one of the marked English notes above."""
        actor = self.ctx.bare(team, user)
        with speaking(await self.ctx.language(actor)):
            error = BadInput(_(note))
        await self.sender.perform([self.core.error_reply(
            actor, space(team, channel or user), error)])

    async def _vote(self, team: str, user: str, poll_id: int, choices: tuple[str, ...],
                    channel: str = "") -> None:
        poll = await self._open_poll(team, poll_id)
        if poll is None:
            await self._say(team, user, channel, NO_SUCH_POLL)
            return
        actor = await self.ctx.actor(team, user, poll.space.channel)
        if await self.ctx.sync(actor, poll.space):
            await self.ctx.run(CastVote(actor, poll.space, poll=poll.number, choices=choices))

    async def on_pick(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """An option's button on a choice poll: a vote for that option."""
        await ack()
        team, user, channel = self._bare(body)
        poll_id, number = action["action_id"].split(":")[2:4]
        await self.ctx.guarded(team, user, channel,
                               lambda: self._vote(team, user, int(poll_id), (number,), channel))

    async def on_multi(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """"Send my picks" on a multi poll: a vote for the ticked options."""
        await ack()
        team, user, channel = self._bare(body)
        poll_id = int(action["action_id"].rsplit(":", 1)[1])
        picks = read_ticks(body.get("state") or {}, poll_id)
        await self.ctx.guarded(team, user, channel,
                               lambda: self._vote(team, user, poll_id, picks, channel))

    async def on_other_action(self, ack: Any) -> None:
        """Ticking a checkbox and the like: nothing to do until the person sends."""
        await ack()

    # -- forms --------------------------------------------------------------------------

    async def on_create(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        """The new-poll form: field errors go back into the form; otherwise the poll opens."""
        team, user = team_of(body), user_of(body)
        try:
            channel = str(_metadata(view).get("channel", ""))
        except _UnreadableForm:
            await ack()
            await self.ctx.guarded(team, user, "", lambda: self._say(team, user, "",
                                                                     UNREADABLE_FORM))
            return
        where = space(team, channel)
        try:
            actor = self.ctx.bare(team, user)
            command = read_create(view["state"]["values"], actor, where)
            with speaking(await self.ctx.language(actor)):
                errors = await check_create(self.core, command)
        except Exception as error:
            await ack()
            log.warning("Slack form failed with %s", type(error).__name__)
            await self.ctx.sorry(team, user, channel)
            return
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()

        async def work() -> None:
            actor = await self.ctx.actor(team, user, channel)
            if await self.ctx.sync(actor, where):
                await self.ctx.run(replace(command, actor=actor))

        await self.ctx.guarded(team, user, channel, work)

    async def on_vote_form(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        """The voting form: a ballot the core cannot read goes back with the field marked."""
        team, user = team_of(body), user_of(body)
        try:
            meta = _metadata(view)
        except _UnreadableForm:
            await ack()
            await self.ctx.guarded(team, user, "", lambda: self._say(team, user, "",
                                                                     UNREADABLE_FORM))
            return
        channel = str(meta.get("channel", ""))
        try:
            poll = await self._open_poll(team, int(meta.get("poll", 0)))
            values = view["state"]["values"]
            choices = read_vote(poll, values) if poll else ()
            language = await self.ctx.language(self.ctx.bare(team, user))
            with speaking(language):
                if poll is not None and not poll.is_open:
                    # Said in the form, which stays open: a message in the channel would be
                    # missed by someone voting from the Home tab.
                    raise BadInput(_(CANCELLED_FORM) if poll.status is PollStatus.CANCELLED
                                   else _(CLOSED_FORM))
                if poll is not None:
                    parse_ballot(poll.spec, choices, poll.ref)
        except BadInput as error:
            await ack(response_action="errors",
                      errors={vote_field(poll, values, error): error.message})
            return
        except Exception as error:
            await ack()
            log.warning("Slack form failed with %s", type(error).__name__)
            await self.ctx.sorry(team, user, channel)
            return
        await ack()
        if poll is None:
            await self.ctx.sorry(team, user, channel)
            return
        await self.ctx.guarded(team, user, channel,
                           lambda: self._vote(team, user, poll.id, choices))

    async def on_error(self, error: Exception) -> None:
        """Bolt's last resort: the exception's type only, never the request."""
        log.warning("Slack listener failed with %s", type(error).__name__)

