"""A whole meeting in Welsh (examples/peerfest-cy.txt) shows no English prose.

Everyone in the scripted meeting says ``iaith cy``, and the space's language is Welsh, so
every card, reply, reminder and outcome the bot writes must be Welsh. What people wrote
(in quotes in the script), command words and flags (English ones always work), names and
numbers are taken out before looking: what is left may not hold common English words.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from bot.anonymity import Keyring
from bot.cards import Bar, Card, Items, Note, Text
from bot.effects import Post, UpdatePost
from bot.ports import FakeClock
from bot.service import REGISTRY, Roundtable, Settings
from tests.conftest import SECRET, START, play

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "examples" / "peerfest-cy.txt"

#: Common English words that are not also Welsh words: any of these is English prose.
ENGLISH = frozenset([
    "the", "you", "your", "and", "is", "are", "this", "that", "with", "have", "has", "will",
    "was", "not", "who", "what", "when", "please", "people", "closes", "closed", "vote",
    "votes", "voted", "nobody", "only", "until", "which", "their", "they", "from", "been",
    "more", "than", "its", "poll", "polls", "option", "options", "reason", "reasons",
    "result", "results", "group", "groups", "anonymous", "choice", "passed", "winner", "wins",
    "place", "places", "proposal", "proposals", "idea", "ideas", "reminder", "here", "there",
    "should",
])


def _texts(card: Card) -> list[str]:
    texts = [card.title]
    for line in card.lines:
        if isinstance(line, Text | Note):
            texts.append(line.text)
        elif isinstance(line, Items):
            texts.extend(line.items)
        elif isinstance(line, Bar):
            texts.extend((line.label, line.figure))
    texts.extend(button.label for button in card.buttons)
    return texts


def _written_by_people(script: str) -> set[str]:
    """Every word people typed inside quotes or as a reason (what they wrote is theirs)."""
    words: set[str] = set()
    for quoted in re.findall(r'"([^"]*)"', script):
        words.update(w.casefold() for w in re.findall(r"[\w']+", quoted))
    for line in script.splitlines():
        if re.search(r"\b(blocio|rhwystro|anghytuno|block|disagree)\b", line):
            words.update(w.casefold() for w in re.findall(r"[\w']+", line.split("#", 1)[-1]))
    return words


def _english_words(text: str, allowed: set[str]) -> list[str]:
    text = re.sub(r"`[^`]*`|\"[^\"]*\"|“[^”]*”|'[^']*'(?=\W|$)", " ", text)
    text = re.sub(r"--[\w-]+|#\d+|\{time\}", " ", text)
    found = []
    for token in re.findall(r"[A-Za-z'-]+", text):
        if token.casefold() in allowed:  # a command word such as more-time
            continue
        for word in token.split("-"):
            folded = word.casefold()
            if folded in ENGLISH and folded not in allowed:
                found.append(word)
    return found


async def test_a_meeting_in_welsh_shows_no_english_prose(store, tmp_path) -> None:
    clock = FakeClock(START)
    settings = replace(Settings(timezone="Europe/London"), language="cy")
    core = Roundtable(store, clock, Keyring(SECRET), settings)
    script = SCRIPT.read_text(encoding="utf-8")
    cards = await play(core, clock, script.splitlines(), files=tmp_path)

    allowed = _written_by_people(script) | {verb.casefold() for verb in REGISTRY.parsers}
    allowed |= {"priya", "sam", "lee", "tom", "jo", "ravi", "mo", "alice", "staff"}
    english = {}
    for card in cards:
        for text in _texts(card):
            words = _english_words(text, allowed)
            if words:
                english.setdefault(text, words)
    assert len(cards) > 40  # the meeting reached ideas, polls, a proposal, outcomes and help
    report = "\n".join(f"{words}: {text}" for text, words in list(english.items())[:40])
    assert not english, f"{len(english)} texts still hold English:\n{report}"


async def test_a_bilingual_space_posts_in_welsh_then_english(store) -> None:
    clock = FakeClock(START)
    settings = replace(Settings(timezone="Europe/London"), language="cy", bilingual=True)
    core = Roundtable(store, clock, Keyring(SECRET), settings)
    posts = await play(core, clock, ['poll "Ble?" "Llyfrgell" "Parc"'],
                       people=("alice", "bob"), kinds=(Post, UpdatePost))
    card = posts[0]
    welsh_title, english_title = card.title.split(" / ")
    assert welsh_title.startswith("Pôl") and english_title.startswith("Poll")
    # Both languages, Welsh first, split by a rule; the options (people's words) in each.
    rule = next(i for i, line in enumerate(card.lines) if isinstance(line, Text)
                and line.text == "—")
    welsh = " ".join(t for line in card.lines[:rule] for t in _texts(Card("", (line,))))
    english = " ".join(t for line in card.lines[rule + 1:] for t in _texts(Card("", (line,))))
    assert "Llyfrgell" in welsh and "Llyfrgell" in english
    commands = {verb.casefold() for verb in REGISTRY.parsers}
    assert _english_words(welsh_title + " " + welsh, commands | {"llyfrgell", "parc", "ble"}) == []
    assert _english_words(english, set())
