"""The words wing as the core's registry sees it: help and each person's language."""

from __future__ import annotations

from bot import commands as c
from bot.context import Core
from bot.effects import Effect, Reply
from bot.registry import Handler, Wing
from bot.words.grammar import PARSERS
from bot.words.help import help_card
from bot.words.language import LanguageCommands, parse_language


async def _help(cmd: c.Help) -> list[Effect]:
    return [Reply(cmd.actor, cmd.space, help_card(cmd.topic))]


def _handlers(core: Core) -> dict[type, Handler]:
    return {c.Help: _help, c.SetLanguage: LanguageCommands(core).language}


WING = Wing("words", handlers=_handlers,
            parsers={**PARSERS, "language": parse_language, "iaith": parse_language},
            private=(c.Help, c.SetLanguage))
