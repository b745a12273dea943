"""The timing wing as the core's registry sees it."""

from __future__ import annotations

from bot import commands as c
from bot.registry import Wing
from bot.timing.parse import PARSERS
from bot.timing.schedules import TimedCommands

WING = Wing("timing", handlers=lambda core: TimedCommands(core).handlers(), parsers=PARSERS,
            private=(c.SetTimezone,))
