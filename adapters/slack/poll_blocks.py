"""The public poll message: the core's card, with ways to vote right in the message.

Choice polls get one button per option and multi polls get checkboxes and a
send button; ranked, score, dots and proposals keep the card's **Vote** button,
which opens a form (see ``ballots.py``). Action ids carry the poll's internal id,
never anything about the voter. The controls' words are the space's
(``bot.i18n.public_text``): a poll message is public.
"""

from __future__ import annotations

from typing import Any

from adapters.slack.blocks import (
    ACTION_PREFIX,
    BUTTON_MAX,
    Block,
    button,
    fit,
    line_blocks,
    plain,
    title_block,
)
from adapters.text import clip
from bot.cards import Card
from bot.i18n import _, public_text
from bot.model import Poll, PollKind

#: Checkboxes take at most 10 options; longer lists use a multi-select (up to 100).
MAX_CHECKBOXES = 10
#: An actions block holds at most 25 elements.
MAX_ACTIONS = 25


def ticks_block_id(poll_id: int) -> str:
    """Where a multi poll's checkboxes are, so the send button can read them."""
    return f"rt-ticks-{poll_id}"


def option_objects(options: tuple[str, ...]) -> list[dict[str, Any]]:
    """Select/checkbox options; the value is the option's number, which the core reads."""
    return [{"text": plain(clip(f"{n}. {label}", BUTTON_MAX)), "value": str(n)}
            for n, label in enumerate(options, start=1)]


def vote_controls(poll: Poll) -> list[Block]:
    """The voting controls for the message itself."""
    spec = poll.spec
    if spec.kind is PollKind.CHOICE and len(spec.options) <= MAX_ACTIONS:
        return [{"type": "actions", "block_id": f"rt-pick-{poll.id}", "elements": [
            button(f"{n}. {label}", f"pick:{poll.id}:{n}", str(n),
                   spoken=public_text(lambda label=label: _(
                       "Vote {option} on poll {number}").format(option=label,
                                                                number=poll.number)))
            for n, label in enumerate(spec.options, start=1)]}]
    if spec.kind is PollKind.MULTI:
        options = option_objects(spec.options)
        ticks: Block
        if len(options) <= MAX_CHECKBOXES:
            ticks = {"type": "checkboxes", "action_id": f"{ACTION_PREFIX}ticks:{poll.id}",
                     "options": options}
        else:
            ticks = {"type": "multi_static_select", "action_id": f"{ACTION_PREFIX}ticks:{poll.id}",
                     "placeholder": plain(public_text(lambda: _("Options you support"))),
                     "options": options}
            if spec.max_picks:
                ticks["max_selected_items"] = spec.max_picks
        return [
            {"type": "actions", "block_id": ticks_block_id(poll.id), "elements": [ticks]},
            {"type": "actions", "block_id": f"rt-send-{poll.id}", "elements": [
                button(public_text(lambda: _("Send my picks")), f"multi:{poll.id}", str(poll.id),
                       primary=True, spoken=public_text(
                           lambda: _("Send my picks on poll {number}: {question}").format(
                               number=poll.number, question=spec.question)))]},
        ]
    return [{"type": "actions", "block_id": f"rt-vote-{poll.id}", "elements": [
        button(public_text(lambda: _("Vote")), f"vote:{poll.id}", str(poll.id), primary=True,
               spoken=public_text(lambda: _("Vote on poll {number}: {question}").format(
                   number=poll.number, question=spec.question)))]}]


def poll_blocks(card: Card, poll: Poll | None, tz: str, limit: int = 50) -> list[Block]:
    """The poll card as blocks; open polls get their voting controls."""
    blocks = [title_block(card.title), *line_blocks(card, tz)]
    if poll is not None and card.buttons:
        blocks += vote_controls(poll)
    return fit(blocks, limit)


def read_ticks(state: dict[str, Any], poll_id: int) -> tuple[str, ...]:
    """The option numbers ticked in a multi poll's message (from a block action's state)."""
    block = (state.get("values") or {}).get(ticks_block_id(poll_id)) or {}
    element = block.get(f"{ACTION_PREFIX}ticks:{poll_id}") or {}
    return tuple(str(o.get("value", "")) for o in element.get("selected_options") or ())
