"""The text command grammar shared by the playground and Slack.

``Grammar(parsers).parse('poll "Lunch?" "Soup" "Pie" --kind ranked', actor, space)``
returns a ``CreatePoll`` command. The verbs come from the wings (``bot.registry``);
this module knows only the words every command shares: an empty line and ``help``.
Only syntax is checked here (quotes, flags, numbers); the handlers check meaning, so
buttons and forms get the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.commands import Command, Help
from bot.errors import BadInput
from bot.model import Actor, SpaceRef
from bot.parsing import tokenize
from bot.registry import Parser
from bot.text import clean_text

MAX_COMMAND_LENGTH = 4000


def _help(args: list[str], actor: Actor, space: SpaceRef) -> Help:
    return Help(actor, space, topic=" ".join(args).lower() or None)


#: The verbs of this wing.
PARSERS: dict[str, Parser] = {"help": _help, "?": _help}


class Grammar:
    """Reads a typed command with the verbs the wings offer."""

    def __init__(self, parsers: Mapping[str, Parser]) -> None:
        self.parsers = dict(parsers)

    def parse(self, text: str, actor: Actor, space: SpaceRef) -> Command:
        """Read one command as a person typed it.

        Raises:
            BadInput: With what was wrong and how to write it.
        """
        if len(text) > MAX_COMMAND_LENGTH:
            raise BadInput(f"That command is too long ({len(text)} characters). Keep it under "
                           f"{MAX_COMMAND_LENGTH}.")
        # Look-alike and hidden characters go before anything is read (see bot.text).
        words = tokenize(clean_text(text))
        if not words:
            return Help(actor, space)
        verb, args = words[0].lower(), words[1:]
        parser = self.parsers.get(verb)
        if parser is None:
            raise BadInput(f"I don't know the command {words[0]!r}. Type help to see what you "
                           "can do.")
        return parser(args, actor, space)
