"""The core's errors. Each carries a message a person can act on.

Adapters never show a traceback: a ``RoundtableError`` becomes a private reply
with its ``message``; anything else becomes a short apology (see
``Roundtable.handle``). An error remembers the language its message was written in,
so the reply around it (``Roundtable.error_reply``) is written in the same one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.i18n import _, current


class RoundtableError(Exception):
    """Something a person asked for could not be done; ``message`` says what to do instead.

    Build the message with ``bot.i18n._`` where the error is raised: it is then in the
    reader's language, which ``language`` records.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.language = current()


class BadInput(RoundtableError):
    """The command was not written in a way the bot understands.

    ``about`` names the part of the command that was wrong, where the core knows it
    ("question", "options", "kind", "closes", "remind", "quorum", "rule"): a form shows the
    message beside that field, whatever language the message is in.
    """

    def __init__(self, message: str, about: str | None = None) -> None:
        super().__init__(message)
        self.about = about


@contextmanager
def about(part: str) -> Iterator[None]:
    """A ``BadInput`` raised inside is about ``part`` of the command (unless it says)."""
    try:
        yield
    except BadInput as error:
        if error.about is None:
            error.about = part
        raise


def expect_no_args(verb: str, args: list[str]) -> None:
    """Refuse words after a command that takes none, saying how to write it.

    Raises:
        BadInput: ``args`` is not empty.
    """
    if args:
        raise BadInput(_("{verb} takes nothing after it; just write: {verb}").format(verb=verb))


class NotFound(RoundtableError):
    """The poll (or other thing) named does not exist here."""


class NotAllowed(RoundtableError):
    """The person may not do this."""


class PollClosed(RoundtableError):
    """The poll is no longer taking votes."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message if message is not None else _(
            "That poll has closed, so it is not taking votes any more."))
