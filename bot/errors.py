"""The core's errors. Each carries a message a person can act on.

Adapters never show a traceback: a ``RoundtableError`` becomes a private reply
with its ``message``; anything else becomes a short apology (see
``Roundtable.handle``).
"""

from __future__ import annotations


class RoundtableError(Exception):
    """Something a person asked for could not be done; ``message`` says what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(RoundtableError):
    """The command was not written in a way the bot understands."""


def expect_no_args(verb: str, args: list[str]) -> None:
    """Refuse words after a command that takes none, saying how to write it.

    Raises:
        BadInput: ``args`` is not empty.
    """
    if args:
        raise BadInput(f"{verb} takes nothing after it; just write: {verb}")


class NotFound(RoundtableError):
    """The poll (or other thing) named does not exist here."""


class NotAllowed(RoundtableError):
    """The person may not do this."""


class PollClosed(RoundtableError):
    """The poll is no longer taking votes."""

    def __init__(
        self, message: str = "That poll has closed, so it is not taking votes any more."
    ) -> None:
        super().__init__(message)
