"""Fitting card text into a platform's size limits, shared by the adapters."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chunks(rows: list[str], limit: int) -> list[str]:
    """Rows joined by newlines into as few texts of at most ``limit`` characters as fit.

    A row longer than the limit is split too, so no text is ever cut.
    """
    found: list[str] = []
    current = ""
    for row in rows:
        for part in [row[i:i + limit] for i in range(0, max(len(row), 1), limit)]:
            joined = f"{current}\n{part}" if current else part
            if current and len(joined) > limit:
                found.append(current)
                joined = part
            current = joined
    return [*found, current] if current or not found else found
