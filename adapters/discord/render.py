"""Turning neutral cards into Discord embeds.

Card text is plain user text: it is escaped here, so ``**bold**`` shows as typed and
``@everyone`` or ``<@123>`` in a poll option is shown, never obeyed (the client also
sends ``allowed_mentions`` none). Times become Discord timestamps, which every reader
sees in their own time zone.
"""

from __future__ import annotations

import discord

from adapters.text import chunks, clip
from bot.cards import Bar, Card, Items, Line, Note, Text, Tone

#: Discord's limits for an embed (characters).
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
BAR_WIDTH = 10

#: Colour is decoration only: the words always say the same thing.
TONE_COLOURS = {
    Tone.INFO: discord.Colour.blurple(),
    Tone.SUCCESS: discord.Colour.green(),
    Tone.WARNING: discord.Colour.orange(),
    Tone.ERROR: discord.Colour.red(),
}


def escape(text: str) -> str:
    """User text made safe to show: markdown shown as typed, mentions inert."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def timestamp(note: Note) -> str:
    """A note's time as a Discord timestamp: the full date, then "in 2 days"."""
    assert note.at is not None
    unix = int(note.at.timestamp())
    return f"<t:{unix}:f> (<t:{unix}:R>)"


def line_text(line: Line) -> str:
    """One card line as embed markdown."""
    if isinstance(line, Text):
        return escape(line.text)
    if isinstance(line, Items):
        if line.numbered:
            return "\n".join(f"{n}\\. {escape(item)}" for n, item in enumerate(line.items, 1))
        return "\n".join(f"• {escape(item)}" for item in line.items)
    if isinstance(line, Bar):
        filled = round(BAR_WIDTH * line.value / line.maximum) if line.maximum else 0
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        # The figure is always written out: the bar alone says nothing to a screen reader.
        return f"{escape(line.label)}: `{bar}` {escape(line.figure)}"
    text = escape(line.text)
    if line.at is not None:
        text = text.replace("{time}", timestamp(line))
    return f"-# {text}"


def card_embed(card: Card) -> discord.Embed:
    """A card as one embed: the title, then every line in order (cut to fit)."""
    return card_embeds(card, limit=1)[0]


def card_embeds(card: Card, limit: int | None = None) -> list[discord.Embed]:
    """A card as embeds: the first with the title, each next one going on where the one
    before it was full, split between lines. At most ``limit`` embeds; the last is cut.

    A private answer can be long (``my-data`` is a person's whole record), and an embed
    holds only 4,096 characters: this way nothing of it is lost.
    """
    body = "\n".join(line_text(line) for line in card.lines)
    parts = chunks(body.split("\n"), MAX_DESCRIPTION)
    if limit is not None and len(parts) > limit:
        parts = [*parts[: limit - 1], clip("\n".join(parts[limit - 1:]), MAX_DESCRIPTION)]
    colour = TONE_COLOURS.get(card.tone, discord.Colour.blurple())
    title = clip(escape(card.title), MAX_TITLE)
    return [discord.Embed(title=title if n == 0 else clip(f"{title} (continued)", MAX_TITLE),
                          description=part or None, colour=colour)
            for n, part in enumerate(parts)]
