"""The polls wing as the core's registry sees it."""

from __future__ import annotations

from bot import commands as c
from bot.polls.handlers import PollCommands
from bot.polls.parse import PARSERS
from bot.registry import Wing

WING = Wing("polls", handlers=lambda core: PollCommands(core).handlers(), parsers=PARSERS,
            contributions=(c.CreatePoll, c.CastVote))
