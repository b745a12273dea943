"""A neutral message model that every adapter can render.

A card is what the bot wants shown: a title, some lines and perhaps buttons.
All text in a card is plain text, exactly as people wrote it; adapters escape
it for their platform, so ``@everyone`` or ``<!channel>`` in a poll option is
shown, never obeyed. Information is always in words and numbers, never only in
colour or emoji, because cards are read by screen readers too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Tone(StrEnum):
    """How a card should feel; adapters may use it for a colour, never for meaning."""

    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Text:
    """A paragraph."""

    text: str


@dataclass(frozen=True)
class Items:
    """A list, numbered (options) or not."""

    items: tuple[str, ...]
    numbered: bool = True


@dataclass(frozen=True)
class Bar:
    """One row of a chart: a label, a bar, and the figure beside it.

    ``figure`` is the text shown next to the bar, e.g. "12 votes (40%)".
    """

    label: str
    value: float
    maximum: float
    figure: str


@dataclass(frozen=True)
class Note:
    """A small line of context. ``{time}`` in the text is replaced by ``at``, shown
    the way the platform shows times (the reader's local time where it can)."""

    text: str
    at: datetime | None = None
    tz: str = "UTC"


@dataclass(frozen=True)
class Button:
    """A button. ``action`` is a stable id such as ``vote:42`` that the core understands."""

    label: str
    action: str
    primary: bool = False
    #: What a screen reader says for it, when the label alone is ambiguous ("Vote").
    spoken: str = ""


Line = Text | Items | Bar | Note


@dataclass(frozen=True)
class Card:
    """What the bot wants shown in one message."""

    title: str
    lines: tuple[Line, ...] = ()
    buttons: tuple[Button, ...] = ()
    tone: Tone = Tone.INFO


def message_card(title: str, text: str, tone: Tone = Tone.INFO) -> Card:
    """A short card with one paragraph."""
    return Card(title=title, lines=(Text(text),), tone=tone)
