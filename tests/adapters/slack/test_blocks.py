"""Block Kit limits: long text is split, never cut, and never past what Slack accepts."""

from __future__ import annotations

from adapters.slack.blocks import TEXT_MAX, card_blocks
from adapters.text import chunks
from bot.cards import Card, Items


def test_a_long_list_is_split_between_sections_not_cut():
    reasons = tuple(f"Reason {n}: " + "x" * 480 for n in range(1, 13))
    blocks = card_blocks(Card("Outcome of #1", (Items(reasons),)), "Europe/London")
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(sections) > 1
    assert all(len(text) <= TEXT_MAX for text in sections)
    shown = "\n".join(sections)
    for n, reason in enumerate(reasons, start=1):
        assert f"{n}. {reason}" in shown


def test_chunks_keep_rows_whole_and_split_only_an_overlong_row():
    assert chunks([], TEXT_MAX) == [""]
    assert chunks(["a", "b"], limit=3) == ["a\nb"]
    assert chunks(["ab", "cd"], limit=3) == ["ab", "cd"]
    assert chunks(["abcdefg"], limit=3) == ["abc", "def", "g"]
