"""Fitting card text into a platform's size limits, and writing short texts for a whole
space in its language(s); shared by the adapters."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_words(text: str, limit: int) -> list[str]:
    """Text in parts of at most ``limit`` characters, split at spaces, so no word is cut
    (only a single word longer than the limit is split)."""
    parts: list[str] = []
    while len(text) > limit:
        space = text.rfind(" ", 0, limit + 1)
        if space <= 0:
            parts.append(text[:limit])
            text = text[limit:]
        else:
            parts.append(text[:space])
            text = text[space + 1:]
    return [*parts, text]


def chunks(rows: list[str], limit: int) -> list[str]:
    """Rows joined by newlines into as few texts of at most ``limit`` characters as fit,
    split between rows; a row longer than the limit is split between words, so no text
    is ever cut off and no word is cut in two."""
    found: list[str] = []
    current = ""
    for row in rows:
        for part in split_words(row, limit):
            joined = f"{current}\n{part}" if current else part
            if current and len(joined) > limit:
                found.append(current)
                joined = part
            current = joined
    return [*found, current] if current or not found else found


