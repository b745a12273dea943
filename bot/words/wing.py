"""The words wing as the core's registry sees it: help."""

from __future__ import annotations

from bot import commands as c
from bot.effects import Effect, Reply
from bot.registry import Wing
from bot.words.grammar import PARSERS
from bot.words.help import help_card


async def _help(cmd: c.Help) -> list[Effect]:
    return [Reply(cmd.actor, cmd.space, help_card(cmd.topic))]


WING = Wing("words", handlers=lambda core: {c.Help: _help}, parsers=PARSERS, private=(c.Help,))
