"""The App Home tab: polls waiting for the person's vote, their own record, and the balance
of voices in each of their channels — the core's own cards, shown in one view, in the
person's language."""

from __future__ import annotations

from typing import Any

from adapters.slack.blocks import BUTTON_MAX, Block, card_blocks, escape, fit, plain
from adapters.slack.translate import PLATFORM, member_key, space
from adapters.text import clip
from bot.effects import Reply
from bot.i18n import _, speaking
from bot.model import Actor, PollKind
from bot.polls.views import participation
from bot.service import Roundtable
from bot.voices.handlers import ShowBalance, ShowMine

#: A Home tab holds at most 100 blocks.
HOME_BLOCKS = 100
#: Channels shown with a record and a balance (the open polls of every channel are listed).
MAX_SPACES = 5


def _section(text: str, **extra: Any) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}, **extra}


async def home_view(core: Roundtable, actor: Actor) -> dict[str, Any]:
    """The Home tab for one person, in their language."""
    with speaking(await core.language_for(actor)):
        return await _home_view(core, actor)


async def _home_view(core: Roundtable, actor: Actor) -> dict[str, Any]:
    store = core.store
    key = member_key(actor.workspace, actor.user_id)
    prefix = f"{PLATFORM}:{actor.workspace}:"
    channels = [s.removeprefix(prefix) for s in await store.member_spaces(key)
                if s.startswith(prefix)]
    blocks: list[Block] = [
        {"type": "header", "text": plain("Roundtable")},
        _section("*{}*".format(_("Polls waiting for your vote"))),
    ]
    for channel in channels:
        where = space(actor.workspace, channel)
        eligible = await store.member_count(where)
        for poll in await store.open_polls(where):
            if poll.spec.kind is PollKind.IDEAS:
                continue
            voted = await store.has_voted(poll.id, key)
            count = await store.voted_count(poll.id)
            state = (_("You have voted; you can change your vote until it closes.") if voted
                     else _("You have not voted yet."))
            text = (f"<#{channel}> {poll.ref}: {escape(poll.spec.question)}\n"
                    f"{state} {escape(participation(count, eligible))}.")
            label = _("Change my vote") if voted else _("Vote")
            spoken = (_("Change my vote on poll {number}: {question}") if voted
                      else _("Vote on poll {number}: {question}"))
            blocks.append(_section(text, accessory={
                "type": "button", "text": plain(label), "action_id": f"rt:vote:{poll.id}",
                "value": str(poll.id),
                "accessibility_label": clip(spoken.format(number=poll.number,
                                                          question=poll.spec.question),
                                            BUTTON_MAX)}))
    if len(blocks) == 2:
        blocks.append({"type": "context", "elements": [plain(
            _("No open polls in your channels. Start one with /roundtable poll."))]})
    for channel in channels[:MAX_SPACES]:
        where = space(actor.workspace, channel)
        heading = _("In {channel}").format(channel=f"<#{channel}>")
        blocks += [{"type": "divider"}, _section(f"*{heading}*")]
        for command in (ShowMine(actor, where), ShowBalance(actor, where)):
            for effect in await core.handle(command):
                if isinstance(effect, Reply):
                    blocks += card_blocks(effect.card, core.zone_of(where))
    if not channels:
        blocks.append({"type": "context", "elements": [plain(
            _("Your record and the balance of voices appear here once you take part in a "
              "channel with Roundtable in it."))]})
    return {"type": "home", "blocks": fit(blocks, HOME_BLOCKS)}
