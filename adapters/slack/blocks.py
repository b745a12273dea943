"""Turning neutral cards into Block Kit blocks.

Card text is exactly what people wrote. It goes into ``plain_text`` objects,
which Slack never reads as markup, wherever Block Kit allows; where it must be
``mrkdwn`` (times shown in the reader's own time zone, the notification text)
``&``, ``<`` and ``>`` are escaped first, so ``<!channel>`` or ``<@U123>`` in a
question or an option is shown and never pings anyone.

The cards come from the core already in their reader's language; the few words added
here (labels, notes, the time token's wording) follow the language being written in
(``bot.i18n``): the sender sets it for each reader, or for the space.
"""

from __future__ import annotations

from typing import Any

from adapters.text import chunks, clip
from bot.cards import Bar, Button, Card, Items, Note, Text
from bot.i18n import _
from bot.timeparse import format_local

Block = dict[str, Any]

#: Block Kit limits (see PLATFORM_NOTES.md).
HEADER_MAX = 150
TEXT_MAX = 3000
#: A modal's title, submit and close labels.
MODAL_TITLE_MAX = 24
BUTTON_MAX = 75
MESSAGE_BLOCKS = 50
BAR_WIDTH = 10
#: Prefix of every action id this bot owns, so other apps' actions are never mistaken.
ACTION_PREFIX = "rt:"


def escape(text: str) -> str:
    """Text made safe for ``mrkdwn``: ``&``, ``<`` and ``>`` as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack's message and command text back to what was typed (``&amp;`` -> ``&`` ...)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")




def plain(text: str) -> dict[str, Any]:
    """A ``plain_text`` object (never read as markup)."""
    return {"type": "plain_text", "text": clip(text or " ", TEXT_MAX), "emoji": True}


def date_token(note: Note, tz: str) -> str:
    """The note's ``{time}`` as Slack's date formatting, with a fallback in the space's zone."""
    assert note.at is not None
    fallback = format_local(note.at, note.tz if note.tz != "UTC" else tz)
    stamp = int(note.at.timestamp())
    # Slack fills in the date and time in each reader's own zone; the words around them are ours.
    wording = _("{date_short_pretty} at {time}")
    return f"<!date^{stamp}^{wording}|{escape(fallback)}>"


def note_mrkdwn(note: Note, tz: str) -> str:
    """A note as escaped ``mrkdwn``, its ``{time}`` shown in each reader's local time."""
    if note.at is None:
        return escape(note.text)
    return date_token(note, tz).join(escape(part) for part in note.text.split("{time}"))


def note_plain(note: Note, tz: str) -> str:
    """A note as plain text, its time written in the space's time zone."""
    if note.at is None:
        return note.text
    return note.text.replace("{time}", format_local(note.at, note.tz if note.tz != "UTC" else tz))


def bar_text(bar: Bar) -> str:
    """One chart row in words and a text bar, the figure always beside it."""
    filled = round(BAR_WIDTH * bar.value / bar.maximum) if bar.maximum else 0
    filled = max(0, min(BAR_WIDTH, filled))
    return f"{bar.label}: {'█' * filled}{'░' * (BAR_WIDTH - filled)} {bar.figure}"


def title_block(title: str) -> Block:
    """The card's title: a header when it fits, else a plain section (nothing is cut)."""
    if len(title) <= HEADER_MAX:
        return {"type": "header", "text": plain(title)}
    return {"type": "section", "text": plain(title)}


def line_blocks(card: Card, tz: str) -> list[Block]:
    """The card's lines, one block each."""
    blocks: list[Block] = []
    for line in card.lines:
        if isinstance(line, Text):
            # Long text (my-data's JSON) is split, not cut: a section holds 3000 characters.
            blocks += [{"type": "section", "text": plain(line.text[i:i + TEXT_MAX])}
                       for i in range(0, max(len(line.text), 1), TEXT_MAX)]
        elif isinstance(line, Items):
            rows = [f"{n}. {item}" if line.numbered else f"• {item}"
                    for n, item in enumerate(line.items, start=1)]
            # A long list (an outcome's reasons) is split between sections, not cut.
            blocks += [{"type": "section", "text": plain(chunk)}
                       for chunk in chunks(rows, TEXT_MAX)]
        elif isinstance(line, Bar):
            blocks.append({"type": "section", "text": plain(bar_text(line))})
        elif isinstance(line, Note):
            if line.at is None:
                blocks.append({"type": "context", "elements": [plain(line.text)]})
            else:
                blocks.append({"type": "context", "elements": [
                    {"type": "mrkdwn", "text": clip(note_mrkdwn(line, tz), TEXT_MAX)}]})
    return blocks


def button(label: str, action_id: str, value: str, primary: bool = False,
           spoken: str = "") -> Block:
    """A button element; ``action_id`` gets this bot's prefix. ``spoken`` is what a screen
    reader says for it (Slack's ``accessibility_label``), so that several "Vote" buttons
    in one channel can be told apart."""
    element: Block = {"type": "button", "text": plain(clip(label, BUTTON_MAX)),
                      "action_id": ACTION_PREFIX + action_id, "value": value}
    if spoken:
        element["accessibility_label"] = clip(spoken, BUTTON_MAX)
    if primary:
        element["style"] = "primary"
    return element


def buttons_block(buttons: tuple[Button, ...]) -> list[Block]:
    """The card's buttons in one actions block (none if it has none)."""
    if not buttons:
        return []
    return [{"type": "actions", "elements": [
        button(b.label, b.action, b.action, b.primary, b.spoken) for b in buttons]}]


def card_blocks(card: Card, tz: str, limit: int = MESSAGE_BLOCKS) -> list[Block]:
    """A whole card as blocks, within Slack's block limit."""
    blocks = [title_block(card.title), *line_blocks(card, tz), *buttons_block(card.buttons)]
    return fit(blocks, limit)


def fit(blocks: list[Block], limit: int) -> list[Block]:
    """Blocks cut to ``limit``, saying so in the last one when some were left out."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], {"type": "context", "elements": [
        plain(_("Some of this did not fit in one Slack message, so the end was left out."))]}]


def fallback_text(card: Card, tz: str) -> str:
    """The message's ``text``: what notifications and screen readers show, escaped.

    Everything the card says in words: its text, its lists (a poll's options, a
    record's months) and each chart row's figure, never the drawn bar.
    """
    parts = [card.title]
    for line in card.lines:
        if isinstance(line, Text):
            parts.append(line.text)
        elif isinstance(line, Items):
            parts.append("; ".join(f"{n}. {item}" if line.numbered else item
                                   for n, item in enumerate(line.items, start=1)))
        elif isinstance(line, Bar):
            parts.append(f"{line.label}: {line.figure}")
        elif isinstance(line, Note):
            parts.append(note_plain(line, tz))
    return clip(escape(" — ".join(parts)), TEXT_MAX)
