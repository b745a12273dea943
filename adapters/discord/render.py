"""Turning neutral cards into Discord embeds.

Card text is plain user text: it is escaped here, so ``**bold**`` shows as typed and
``@everyone`` or ``<@123>`` in a poll option is shown, never obeyed (the client also
sends ``allowed_mentions`` none). Times become Discord timestamps, which every reader
sees in their own time zone (and in their own Discord language).

The few words added here ("(continued)") are written in the language being spoken
when the card is turned into embeds: the reader's for a private answer, the space's
for a post (``Sender`` sees to that).
"""

from __future__ import annotations

import discord

from adapters.text import chunks
from bot.cards import Bar, Card, Items, Line, Note, Text, Tone
from bot.i18n import N_, _

#: Discord's limits for an embed (characters).
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
#: Discord's limits for one message: embeds, and characters across all of them.
MAX_EMBEDS = 10
MAX_MESSAGE = 6000
#: After the title of a card's second and later embeds; shown with ``_(CONTINUED)``.
CONTINUED = N_("(continued)")
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


def cut_words(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters at a space, with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = max(head.rfind(" "), head.rfind("\n"))
    if space > limit // 2:
        head = head[:space]
    return head.rstrip() + "…"


def card_embed(card: Card) -> discord.Embed:
    """A card as one embed: the title, then every line in order (cut to fit, at a word)."""
    return card_embeds(card, limit=1)[0]


def card_embeds(card: Card, limit: int | None = None) -> list[discord.Embed]:
    """A card as embeds: the first with the title, each next one going on where the one
    before it was full, split between lines (or, in a very long line, between words). At
    most ``limit`` embeds; the last is cut at a word.

    A private answer can be long (``my-data`` is a person's whole record), and an embed
    holds only 4,096 characters: this way nothing of it is lost. A title longer than an
    embed's 256 characters (a 300-character question) is shortened at a word, and shown
    whole at the top of the text, so the question is always there to read.
    """
    title = escape(card.title)
    rows = [row for line in card.lines for row in line_text(line).split("\n")]
    if len(title) > MAX_TITLE:
        rows = [f"**{title}**", *rows]
    parts = chunks(rows, MAX_DESCRIPTION)
    if limit is not None and len(parts) > limit:
        rest = "\n".join(parts[limit - 1:])
        parts = [*parts[: limit - 1], cut_words(rest, MAX_DESCRIPTION)]
    colour = TONE_COLOURS.get(card.tone, discord.Colour.blurple())
    short = cut_words(title, MAX_TITLE)
    continued = " " + escape(_(CONTINUED))
    more = cut_words(title, MAX_TITLE - len(continued)) + continued
    return [discord.Embed(title=short if n == 0 else more, description=part or None,
                          colour=colour)
            for n, part in enumerate(parts)]


def embed_size(embed: discord.Embed) -> int:
    """The characters of an embed that count towards a message's 6,000."""
    return len(embed.title or "") + len(embed.description or "")


def card_messages(card: Card) -> list[list[discord.Embed]]:
    """A card as messages: as many embeds in each as Discord allows (10, and 6,000
    characters across them), then the next message, so a long outcome is posted whole."""
    messages: list[list[discord.Embed]] = []
    size = 0
    for embed in card_embeds(card):
        if (not messages or len(messages[-1]) >= MAX_EMBEDS
                or size + embed_size(embed) > MAX_MESSAGE):
            messages.append([])
            size = 0
        messages[-1].append(embed)
        size += embed_size(embed)
    return messages


def one_message(card: Card) -> list[discord.Embed]:
    """A card as the embeds of one message (an edit has one message): whole when it fits,
    else as much as fits, the last embed cut at a word."""
    messages = card_messages(card)
    if len(messages) == 1:
        return messages[0]
    kept = messages[0]
    room = MAX_MESSAGE - sum(embed_size(e) for e in kept[:-1]) - len(kept[-1].title or "")
    last = kept[-1]
    text = f"{last.description or ''}\n{messages[1][0].description or ''}"
    last.description = cut_words(text, min(room, MAX_DESCRIPTION))
    return kept
