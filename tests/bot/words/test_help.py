"""Help: the overview says what each command is for; help <command> says how to write it."""

from __future__ import annotations

from bot.cards import Items
from bot.words.help import TOPICS, help_card


def _overview_items() -> tuple[str, ...]:
    card = help_card(None)
    return next(line for line in card.lines if isinstance(line, Items)).items


def test_overview_says_what_each_command_does_in_a_few_words():
    items = _overview_items()
    assert any(item.startswith("poll — ") for item in items)
    for item in items:
        name, _, what = item.partition(" — ")
        usage = TOPICS[name][0]
        assert what and not what.startswith(usage), item
        assert '"' not in what and "#N" not in what and "--" not in what, item
        assert len(what.split()) <= 12, item


def test_overview_lists_every_command_once():
    names = [item.partition(" — ")[0] for item in _overview_items()]
    assert names == [name for name, (usage, _, _) in TOPICS.items() if usage]


def test_help_on_a_command_still_gives_its_syntax():
    card = help_card("vote")
    assert card.lines[0].text == f"How to write it: {TOPICS['vote'][0]}"
    assert help_card("poll").lines[0].text.startswith('How to write it: poll "Question?"')
