"""Modals: a poll with many options, and the reason that goes with a block or disagreement.

Submits are read from the interaction itself (``handle_modal``, called for every
modal submit whose id starts ``rt:``), not from the ``Modal`` object that opened
them, so a modal opened before a restart still works after it. The poll modal
carries its settings as editable ``--flags`` text for the same reason: nothing is
kept in memory between opening and sending.

A modal is built in the language of the person it opens for: call them inside
``with speaking(await bridge.language(interaction)):``. Discord allows 45 characters
for a modal's title and for each label.
"""

from __future__ import annotations

import re
from dataclasses import replace

import discord

from adapters.discord.interact import bridge_of
from bot.commands import CastVote, CreatePoll
from bot.errors import BadInput, NotFound
from bot.i18n import _
from bot.model import (
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUESTION_LENGTH,
    MAX_REASON_LENGTH,
    Actor,
    SpaceRef,
    Stance,
)
from bot.parsing import tokenize
from bot.polls.parse import parse_poll_args

POLL_MODAL = "rt:p"
_REASON = re.compile(r"^rt:r:(?P<poll>\d{1,18}):(?P<stance>disagree|block)$")
MODAL_TIMEOUT = 30 * 60.0
OPTIONS_LENGTH = MAX_OPTIONS * (MAX_OPTION_LENGTH + 1)
#: The settings box; the flags carried over from the command are cut to fit it.
SETTINGS_LENGTH = 1000


class ReasonModal(discord.ui.Modal):
    """Asks for the reason for a disagreement (optional) or a block (required)."""

    def __init__(self, poll_id: int, stance: Stance) -> None:
        block = stance is Stance.BLOCK
        super().__init__(title=_("Block: your reason") if block else _("Disagree: your reason"),
                         custom_id=f"rt:r:{poll_id}:{stance.value}", timeout=MODAL_TIMEOUT)
        self.add_item(discord.ui.TextInput(
            label=_("Why? Shown to the group without your name") if block else
            _("Why? (optional; shown without your name)"),
            style=discord.TextStyle.paragraph, custom_id="reason", required=block,
            max_length=MAX_REASON_LENGTH))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Nothing here: ``handle_modal`` answers, with or without this object."""


class PollModal(discord.ui.Modal):
    """A poll's question, its options one per line, and its settings as flags."""

    def __init__(self, question: str = "", settings: str = "", options: str = "") -> None:
        super().__init__(title=_("Start a poll"), custom_id=POLL_MODAL, timeout=MODAL_TIMEOUT)
        # Discord refuses the whole modal if a pre-filled value is longer than its box.
        self.add_item(discord.ui.TextInput(label=_("Question"), custom_id="question",
                                           default=question[:MAX_QUESTION_LENGTH] or None,
                                           max_length=MAX_QUESTION_LENGTH))
        self.add_item(discord.ui.TextInput(
            label=_("Options, one per line (2 to {most})").format(most=MAX_OPTIONS),
            custom_id="options",
            style=discord.TextStyle.paragraph, default=options[:OPTIONS_LENGTH] or None,
            max_length=OPTIONS_LENGTH))
        self.add_item(discord.ui.TextInput(
            label=_("Settings (optional)"), custom_id="settings", required=False,
            style=discord.TextStyle.paragraph, default=settings[:SETTINGS_LENGTH] or None,
            placeholder="--kind ranked --closes 2d", max_length=SETTINGS_LENGTH))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Nothing here: ``handle_modal`` answers, with or without this object."""


def submitted(data: dict) -> dict[str, str]:
    """custom_id -> value of every text input in a modal submit (rows or labels)."""
    values: dict[str, str] = {}
    for row in data.get("components", ()):
        inner = row.get("components") or ([row["component"]] if "component" in row else [])
        for component in inner:
            if "custom_id" in component:
                values[component["custom_id"]] = component.get("value") or ""
    return values


def poll_from_form(values: dict[str, str], actor: Actor, space: SpaceRef) -> CreatePoll:
    """The poll a person wrote in the poll modal.

    Raises:
        BadInput: The settings are not flags the grammar knows.
    """
    options = tuple(line.strip() for line in values.get("options", "").splitlines()
                    if line.strip())
    template = parse_poll_args(["?", *tokenize(values.get("settings", ""))], actor, space)
    if template.options:
        raise BadInput(_("Settings are only --flags, like --kind ranked --closes 2d. Put each "
                         "option on its own line in the box above."))
    return replace(template, question=values.get("question", ""), options=options)


async def handle_modal(interaction: discord.Interaction) -> bool:
    """Answer a Roundtable modal submit; False if the modal is not one of ours."""
    data = interaction.data or {}
    custom_id = str(data.get("custom_id", ""))
    values = submitted(data)  # type: ignore[arg-type]
    bridge = bridge_of(interaction)
    if custom_id == POLL_MODAL:
        await bridge.run(interaction, lambda actor, space: poll_from_form(values, actor, space))
        return True
    match = _REASON.match(custom_id)
    if match is None:
        return False
    reason = " ".join(values.get("reason", "").split())
    choices = (match["stance"], reason) if reason else (match["stance"],)

    async def build(actor: Actor, space: SpaceRef) -> CastVote:
        poll = await bridge.store.get_poll(int(match["poll"]))
        if poll is None or poll.space.workspace != str(interaction.guild_id):
            raise NotFound(_("That proposal is not here any more. Type /roundtable polls to "
                             "see the open ones."))
        return CastVote(actor, poll.space, poll=poll.number, choices=choices)

    await bridge.run(interaction, build)
    return True
