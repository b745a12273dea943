"""One registry of commands: what each wing offers, composed by ``bot.service``.

Part of the shared vocabulary. A wing offers a ``Wing``: the verbs it reads (text
parsers), the handlers of its command types (made with the core's context), and
which of its commands may be given outside a channel or by someone who is not a
member. Nothing here imports a wing; ``bot.service`` lists them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.commands import Command
from bot.context import Core
from bot.effects import Effect
from bot.model import Actor, SpaceRef

#: Reads the words after a verb into a command (raises ``BadInput`` with what to write).
Parser = Callable[[list[str], Actor, SpaceRef], Command]
#: Carries out one command type.
Handler = Callable[[Any], Awaitable[list[Effect]]]


@dataclass(frozen=True)
class Wing:
    """What one wing offers the core.

    Attributes:
        name: The wing's package name, for messages.
        handlers: Given the core's context, the handler of each of the wing's commands.
        parsers: Verb -> parser, for the text grammar (``bot.words.grammar``).
        private: Commands about the person alone, which may be sent in a direct message.
        open_to_all: Commands anyone in the channel may give, member or not (the
            ``private`` ones are open to all as well).
        quiet: Commands from someone who is not a member that are dropped with no reply
            (events the platform sends, not things a person typed).
        contributions: Commands that are a person taking part (after the first, the core
            asks them once, privately, whether they want involvement payments).
    """

    name: str
    handlers: Callable[[Core], Mapping[type, Handler]]
    parsers: Mapping[str, Parser] = field(default_factory=dict)
    private: tuple[type, ...] = ()
    open_to_all: tuple[type, ...] = ()
    quiet: tuple[type, ...] = ()
    contributions: tuple[type, ...] = ()


class Registry:
    """The wings together. A verb or a command type offered twice is a mistake, found at
    start rather than by whoever types it."""

    def __init__(self, wings: Iterable[Wing]) -> None:
        self.wings = tuple(wings)
        self.parsers: dict[str, Parser] = {}
        for wing in self.wings:
            for verb, parser in wing.parsers.items():
                if verb in self.parsers:
                    raise ValueError(f"the verb {verb!r} is offered twice ({wing.name})")
                self.parsers[verb] = parser
        self.private = tuple(t for wing in self.wings for t in wing.private)
        # What works in a private conversation works in any channel too.
        self.open_to_all = (*self.private,
                            *(t for wing in self.wings for t in wing.open_to_all))
        self.quiet = tuple(t for wing in self.wings for t in wing.quiet)
        self.contributions = tuple(t for wing in self.wings for t in wing.contributions)

    def handlers(self, core: Core) -> dict[type, Handler]:
        """Command type -> handler, for this core."""
        handlers: dict[type, Handler] = {}
        for wing in self.wings:
            for kind, handler in wing.handlers(core).items():
                if kind in handlers:
                    raise ValueError(f"{kind.__name__} is handled twice ({wing.name})")
                handlers[kind] = handler
        return handlers
