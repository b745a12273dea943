"""Reading typed words: the tools every wing's parsers share. Part of the shared vocabulary.

Only syntax is checked here (quotes, flags, numbers); the handlers check meaning, so
buttons and forms get the same answers as typed commands.
"""

from __future__ import annotations

import re
import shlex

from bot.errors import BadInput
from bot.i18n import _

# Phones and word processors turn straight quotes into curly ones.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})
_REF = re.compile(r"^#?(\d{1,9})$")
_TIME_OF_DAY = re.compile(r"^\d{1,2}(:\d{2})?\s*(am|pm)?$", re.IGNORECASE)
#: Flags whose value may be a day and then a time of day, as two words.
_TWO_WORD_FLAGS = ("--closes", "--first")


def tokenize(text: str) -> list[str]:
    """Split a command into words; double quotes group words, apostrophes are just letters.

    Raises:
        BadInput: A double quote was opened and not closed.
    """
    lexer = shlex.shlex(text.translate(_QUOTES), posix=True)
    lexer.whitespace_split = True
    lexer.quotes = '"'
    lexer.escape = ""
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        raise BadInput(_('A quote mark was opened but not closed. Put each question and option '
                         'in a pair of double quotes, like: poll "Lunch?" "Soup" "Pie"')) from None


def ref_number(word: str, verb: str, hint: str = "") -> int:
    """The number in ``#3`` (or ``3``).

    Raises:
        BadInput: It is not a number like #3 (``hint``, whole sentences in the reader's
            language after a space, is added to the message).
    """
    match = _REF.match(word.strip())
    if not match:
        raise BadInput(_("I expected a number like #1 after {verb}, not {word}.").format(
            verb=verb, word=repr(word)) + hint)
    return int(match.group(1))


def split_flags(
    args: list[str], allowed: dict[str, bool], verb: str
) -> tuple[list[str], dict[str, str | None]]:
    """Separate quoted/positional words from ``--flags`` (with their values).

    ``allowed`` maps each flag to whether it takes a value.

    Raises:
        BadInput: An unknown flag, or a flag without its value.
    """
    positional: list[str] = []
    flags: dict[str, str | None] = {}
    i = 0
    while i < len(args):
        word = args[i]
        if word.startswith("--"):
            name = word.lower()
            if name not in allowed:
                known = ", ".join(allowed)
                raise BadInput(_("I don't know the option {option} for {verb}. You can use: "
                                 "{known}.").format(option=repr(word), verb=verb, known=known))
            if allowed[name]:
                if i + 1 >= len(args) or args[i + 1].startswith("--"):
                    raise BadInput(_("{option} needs a value after it; type help {verb} for "
                                     "examples.").format(option=word, verb=verb))
                value = args[i + 1]
                i += 2
                # "--closes friday 17:00" and "--closes 2026-12-04 17:00" take two words.
                if name in _TWO_WORD_FLAGS and i < len(args) and _TIME_OF_DAY.match(args[i]):
                    value += " " + args[i]
                    i += 1
                flags[name] = value
            else:
                flags[name] = None
                i += 1
        else:
            positional.append(word)
            i += 1
    return positional, flags


def whole_number(flags: dict[str, str | None], name: str) -> int | None:
    """The whole number given with flag ``name``, or None without it.

    Raises:
        BadInput: It is not a whole number.
    """
    value = flags.get(name)
    if value is None:
        return None
    if not value.isdigit() or len(value) > 6:
        raise BadInput(_("{flag} needs a whole number, like {flag} 3.").format(flag=name))
    return int(value)
