"""The text command grammar shared by the playground and Slack.

``Grammar(parsers).parse('poll "Lunch?" "Soup" "Pie" --kind ranked', actor, space)``
returns a ``CreatePoll`` command. The verbs come from the wings (``bot.registry``);
this module knows only the words every command shares: an empty line and ``help``, and
the Welsh words for the most used verbs (``WELSH_VERBS``: ``pleidleisio #1 2`` is
``vote #1 2``). English verbs always work. Only syntax is checked here (quotes, flags,
numbers); the handlers check meaning, so buttons and forms get the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.commands import Command, Help
from bot.errors import BadInput
from bot.i18n import _, ngettext
from bot.model import Actor, SpaceRef
from bot.parsing import tokenize
from bot.registry import Parser
from bot.text import clean_text

MAX_COMMAND_LENGTH = 4000


def _help(args: list[str], actor: Actor, space: SpaceRef) -> Help:
    return Help(actor, space, topic=" ".join(args).lower() or None)


#: The verbs of this wing.
PARSERS: dict[str, Parser] = {"help": _help, "?": _help}

#: Welsh words for the most used commands: Welsh verb -> the English verb it stands for.
#: The English verbs always work; these work as well, whatever language a person reads.
WELSH_VERBS: dict[str, str] = {
    "pleidlais": "vote", "pleidleisio": "vote",
    "cynnig": "propose",
    "pôl": "poll", "pol": "poll",
    "polau": "polls",
    "canlyniadau": "results",
    "cau": "close",
    "penderfyniadau": "decisions",
    "ymateb": "respond",
    "syniad": "idea", "syniadau": "ideas",
    "fi": "me",
    "cymorth": "help",
}


class Grammar:
    """Reads a typed command with the verbs the wings offer.

    Args:
        parsers: Verb -> parser, from every wing.
        aliases: Other words for some verbs (word -> verb); a word a wing offers itself
            is kept, and an alias for a verb nobody offers is left out.
    """

    def __init__(self, parsers: Mapping[str, Parser],
                 aliases: Mapping[str, str] = WELSH_VERBS) -> None:
        self.parsers = dict(parsers)
        for word, verb in aliases.items():
            if verb in self.parsers and word not in self.parsers:
                self.parsers[word] = self.parsers[verb]

    def parse(self, text: str, actor: Actor, space: SpaceRef) -> Command:
        """Read one command as a person typed it.

        Raises:
            BadInput: With what was wrong and how to write it.
        """
        if len(text) > MAX_COMMAND_LENGTH:
            raise BadInput(ngettext(
                "That command is too long ({n} character). Keep it under {most}.",
                "That command is too long ({n} characters). Keep it under {most}.",
                len(text)).format(n=len(text), most=MAX_COMMAND_LENGTH))
        # Look-alike and hidden characters go before anything is read (see bot.text).
        words = tokenize(clean_text(text))
        if not words:
            return Help(actor, space)
        verb, args = words[0].lower(), words[1:]
        parser = self.parsers.get(verb)
        if parser is None:
            raise BadInput(_("I don't know the command {word!r}. Type help to see what you "
                             "can do.").format(word=words[0]))
        return parser(args, actor, space)
