"""Turning cards and effects into plain terminal text.

Cards come from the core already written in their reader's language; what is added
here is written in the language being spoken when they are rendered (the playground
speaks each effect's reader's, see ``Playground._show``): the times put into notes.
The bracketed lines ("[private to alice]") are the transcript's marks of who sees
what, kept the same in every language so scripts and tests read alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.cards import Bar, Card, Items, Note, Text
from bot.effects import DirectMessage, Effect, Post, PrivateFile, Reply, UpdatePost
from bot.timeparse import format_local

BAR_WIDTH = 20


def render_card(card: Card, tz: str, indent: str = "  ") -> list[str]:
    """A card as lines of text: title, then each line; numbers always beside bars."""
    out = [card.title]
    label_width = max((len(line.label) for line in card.lines if isinstance(line, Bar)), default=0)
    for line in card.lines:
        if isinstance(line, Text):
            out.append(indent + line.text)
        elif isinstance(line, Items):
            for number, item in enumerate(line.items, start=1):
                out.append(f"{indent}{number}. {item}" if line.numbered else f"{indent}- {item}")
        elif isinstance(line, Bar):
            filled = round(BAR_WIDTH * line.value / line.maximum) if line.maximum else 0
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            out.append(f"{indent}{line.label.ljust(label_width)}  {bar}  {line.figure}")
        elif isinstance(line, Note):
            out.append(indent + note_text(line, tz))
    if card.buttons:
        out.append(indent + " ".join(f"[{button.label}]" for button in card.buttons))
    return out


def note_text(note: Note, tz: str) -> str:
    """A note with its time filled in, in the space's time zone and the language being
    spoken ("Fri 4 Dec 2026 17:00" / "Gwen 4 Rhag 2026 17:00")."""
    if note.at is None:
        return note.text
    return note.text.replace("{time}", format_local(note.at, note.tz if note.tz != "UTC" else tz))


def _post(effect: Post, tz: str) -> list[str]:
    return [f"[public in #{effect.space.channel}]", *render_card(effect.card, tz)]


def _reply(effect: Reply, tz: str) -> list[str]:
    who = effect.to.name or effect.to.user_id
    return [f"[private to {who}]", *render_card(effect.card, tz)]


def _direct(effect: DirectMessage, tz: str) -> list[str]:
    who = effect.member.rsplit(":", 1)[-1]
    return [f"[direct message to {who}, private]", *render_card(effect.card, tz)]


def _update(effect: UpdatePost, tz: str) -> list[str]:
    # The playground shows an edit as one line; the full card was printed when posted.
    last = effect.card.lines[-1] if effect.card.lines else None
    status = note_text(last, tz) if isinstance(last, Note) else ""
    return [f"[public post updated in #{effect.space.channel}] {effect.card.title} — {status}"]


def _file(effect: PrivateFile, tz: str) -> list[str]:
    # Only the name: the playground saves the bytes (``adapters.console.files``), never prints them.
    who = effect.to.name or effect.to.user_id
    return [f"[private file for {who}: {effect.filename}]", *render_card(effect.card, tz)]


#: One renderer per effect type: the adapter's whole contract with the core.
RENDERERS: dict[type, Callable[[Any, str], list[str]]] = {
    Post: _post,
    Reply: _reply,
    DirectMessage: _direct,
    UpdatePost: _update,
    PrivateFile: _file,
}


def render_effect(effect: Effect, tz: str) -> list[str]:
    """One effect as the lines the playground prints."""
    return RENDERERS[type(effect)](effect, tz)
