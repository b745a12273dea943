"""The voices wing as the core's registry sees it."""

from __future__ import annotations

from bot.registry import Wing
from bot.voices.export import PARSERS as EXPORT_PARSERS
from bot.voices.export import ExportCommands
from bot.voices.handlers import (
    PARSERS,
    ForgetMe,
    SetNudges,
    SetPayments,
    ShowMine,
    ShowMyData,
    Spoke,
    VoiceCommands,
)

WING = Wing(
    "voices",
    handlers=lambda core: {**VoiceCommands(core).handlers(), **ExportCommands(core).handlers()},
    parsers={**PARSERS, **EXPORT_PARSERS},
    private=(SetNudges, SetPayments, ShowMyData, ForgetMe),
    open_to_all=(ShowMine,),
    # A message in a channel from someone not a member is not counted, and not answered.
    quiet=(Spoke,),
    contributions=(Spoke,),
)
