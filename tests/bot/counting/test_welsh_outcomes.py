"""Outcomes in the reader's language: what the counting wing writes, in Welsh and English.

Every sentence of an outcome (summary, reason, the story of the count, group lines, the
rule) is written when the poll is counted, in the language being spoken then. Welsh has
six plural forms, and the noun after a number changes its first letter ("1 bleidlais",
"3 pleidlais", "6 phleidlais"), so the forms are checked number by number.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.cards import Items, Text
from bot.counting.common import figure_words, join_names
from bot.counting.outcome import decide, rule_words
from bot.counting.rules import GroupInfo, Tagged, decide_in_groups, hold_for_answers
from bot.counting.tallies import count_plurality
from bot.i18n import speaking
from bot.model import (
    Ballot,
    Method,
    Poll,
    PollKind,
    PollSpec,
    PollStatus,
    Rule,
    SpaceRef,
    Stance,
)
from bot.polls.views import outcome_card

PLACES = ("Park", "Library", "Afon")
#: Common English words that are not Welsh words ("person" is both): any of these in a
#: Welsh line is English.
ENGLISH = frozenset((
    "the", "and", "is", "are", "was", "were", "has", "have", "who", "what", "with", "wins",
    "won", "vote", "votes", "ballot", "ballots", "counted", "option", "options", "passed",
    "blocked", "nobody", "people", "round", "out", "tie", "tied", "first", "more", "than",
    "half", "reasons", "waiting"))


def _english(text: str) -> list[str]:
    """The English words left in a text once the option labels are taken out."""
    for label in PLACES:
        text = text.replace(label, " ")
    return [word for word in re.findall(r"[A-Za-z']+", text) if word.casefold() in ENGLISH]


def _spec(kind: PollKind, method: Method, **more) -> PollSpec:
    options = () if kind is PollKind.CONSENT else PLACES
    return PollSpec("Where?", options, kind, method, **more)


def _card_texts(spec: PollSpec, outcome) -> list[str]:
    poll = Poll(1, SpaceRef("console", "local", "here"), 1, "alice", spec, PollStatus.CLOSED,
                datetime(2026, 12, 7, tzinfo=UTC))
    texts = []
    for line in outcome_card(poll, outcome).lines:
        if isinstance(line, Text):
            texts.append(line.text)
        elif isinstance(line, Items):
            texts.extend(line.items)
    return texts


CHOICE = _spec(PollKind.CHOICE, Method.PLURALITY)
CHOICE_BALLOTS = [(None, Ballot(picks=(p,))) for p in (0, 0, 0, 1, 2)]


def test_a_choice_outcome_card_is_welsh_for_a_welsh_reader():
    with speaking("cy"):
        outcome = decide(CHOICE, 1, CHOICE_BALLOTS, 6)
        texts = _card_texts(CHOICE, outcome)
    assert outcome.summary == "Park sy'n ennill."
    assert outcome.reason == "Park gafodd y nifer fwyaf o bleidleisiau: 3 o 5."
    assert outcome.story == ("Pleidleisiau wedi'u cyfrif: 5.",
                             "Pleidleisiau: Park 3, Library 1, Afon 1.",
                             "Park sy'n ennill, gyda 3 pleidlais.")
    # The card shows the counting wing's sentences as they were written.
    assert {outcome.summary, outcome.reason, *outcome.story} <= set(texts)
    assert [s for s in (outcome.summary, outcome.reason, *outcome.story) if _english(s)] == []


def test_the_same_outcome_is_english_for_an_english_reader():
    with speaking("en"):
        outcome = decide(CHOICE, 1, CHOICE_BALLOTS, 6)
    assert (outcome.summary, outcome.reason) == ("Park wins.", "Park has the most votes: 3 of 5.")
    assert outcome.story[-1] == "Park wins with 3 votes."
    # Data stays data: the unit is a name the outcome keeps in English for any reader.
    assert outcome.unit == "votes"


@pytest.mark.parametrize(("n", "welsh", "english"), [
    (0, "0 pleidlais", "0 votes"),
    (1, "1 bleidlais", "1 vote"),
    (2, "2 bleidlais", "2 votes"),
    (3, "3 pleidlais", "3 votes"),
    (6, "6 phleidlais", "6 votes"),
])
def test_a_number_of_votes_takes_the_right_plural_form(n, welsh, english):
    with speaking("cy"):
        said = figure_words("votes", n)
    with speaking("en"):
        told = figure_words("votes", n)
    assert (said, told) == (welsh, english)


@pytest.mark.parametrize(("n", "welsh", "english"), [
    (1, "Park sy'n ennill, gyda 1 bleidlais.", "Park wins with 1 vote."),
    (2, "Park sy'n ennill, gyda 2 bleidlais.", "Park wins with 2 votes."),
    (3, "Park sy'n ennill, gyda 3 pleidlais.", "Park wins with 3 votes."),
    (6, "Park sy'n ennill, gyda 6 phleidlais.", "Park wins with 6 votes."),
])
def test_the_story_of_a_count_says_each_number_of_votes_rightly(n, welsh, english):
    with speaking("cy"):
        said = count_plurality(PLACES, [0] * n).story
    with speaking("en"):
        told = count_plurality(PLACES, [0] * n).story
    assert said[-1] == welsh and told[-1] == english
    assert told[0] == (f"{n} ballot counted." if n == 1 else f"{n} ballots counted.")
    assert said[0] == (f"Pleidlais wedi'i chyfrif: {n}." if n == 1
                       else f"Pleidleisiau wedi'u cyfrif: {n}.")


def test_a_ranked_outcome_tells_its_rounds_in_welsh():
    spec = _spec(PollKind.RANKED, Method.IRV, anonymous=False)
    ballots = [("a", Ballot(picks=(0, 1))), ("b", Ballot(picks=(1, 0))),
               ("c", Ballot(picks=(2, 1))), ("d", Ballot(picks=(0,))),
               ("e", Ballot(picks=(1, 2)))]
    with speaking("cy"):
        outcome = decide(spec, 1, ballots, 5)
        texts = _card_texts(spec, outcome)
    assert outcome.summary == "Library sy'n ennill."
    assert outcome.reason == "Library enillodd y cyfrif fesul rownd."
    assert outcome.story[1] == ("Rownd 1: Library 2, Park 2, Afon 1. Mae Afon allan; mae ei "
                                "bleidlais yn symud i'r dewis nesaf.")
    assert outcome.story[2] == "Rownd 2: Library 3, Park 2. Library sydd â mwy na hanner."
    assert ("a", "Park, yna Library") in outcome.voters
    assert "a: Park, yna Library" in texts
    assert [s for s in (outcome.summary, outcome.reason, *outcome.story) if _english(s)] == []
    with speaking("en"):
        english = decide(spec, 1, ballots, 5)
    assert english.story[1] == ("Round 1: Library 2, Park 2, Afon 1. Afon is out; its 1 vote "
                                "moves to the next choice.")
    assert ("a", "Park, then Library") in english.voters


def test_a_schulze_outcome_in_welsh():
    spec = _spec(PollKind.RANKED, Method.SCHULZE)
    ballots = [(None, Ballot(picks=(0, 1, 2)))] * 3 + [(None, Ballot(picks=(1, 0, 2)))] * 2
    with speaking("cy"):
        outcome = decide(spec, 1, ballots, 5)
    assert outcome.reason == "Park sy'n dod yn gyntaf wrth gymharu pob pâr o opsiynau."
    assert "Mae Park yn curo Library o 3 i 2." in outcome.story
    assert outcome.unit == "place"


@pytest.mark.parametrize(("blocks", "welsh", "english"), [
    (1, "Blociodd 1 person.", "1 person blocked,"),
    (2, "Blociodd 2 o bobl.", "2 people blocked,"),
    (3, "Blociodd 3 o bobl.", "3 people blocked,"),
    (6, "Blociodd 6 o bobl.", "6 people blocked,"),
])
def test_a_blocked_proposal_in_welsh_and_english(blocks, welsh, english):
    spec = _spec(PollKind.CONSENT, Method.CONSENT)
    ballots = ([(None, Ballot(stance=Stance.AGREE))] * 2
               + [(None, Ballot(stance=Stance.BLOCK, reason="too far"))] * blocks)
    with speaking("cy"):
        said = decide(spec, 1, ballots, 9)
        texts = _card_texts(spec, said)
    with speaking("en"):
        told = decide(spec, 1, ballots, 9)
    assert said.summary == "Heb ei basio: cafodd ei flocio."
    assert said.reason.startswith(welsh) and told.reason.startswith(english)
    assert said.story == (f"Cytuno: 2, ymatal: 0, anghytuno: 0, blocio: {blocks}.",)
    assert told.summary == "Not passed: blocked."
    assert said.summary in texts and said.reason in texts
    # Stances stay keys in the outcome (shown through bot.model.stance_name).
    assert said.tallies[0] == ("agree", 2) and said.reasons[0][0] == "block"


def test_a_proposal_waiting_for_answers_in_welsh():
    spec = _spec(PollKind.CONSENT, Method.CONSENT, rule=Rule.CONSENT)
    ballots = [(None, Ballot(stance=Stance.AGREE))] * 3 + [
        (None, Ballot(stance=Stance.BLOCK, reason="a")),
        (None, Ballot(stance=Stance.BLOCK, reason="b"))]
    with speaking("cy"):
        held = hold_for_answers(decide(spec, 1, ballots, 5))
        rule = rule_words(spec)
    assert held.summary == "Ddim yn derfynol eto: yn aros am atebion i'r rhesymau."
    assert held.reason.startswith("Yn aros i'r person a'i gynigiodd ateb 2 reswm cyn i hyn fod "
                                  "yn derfynol. Blociodd 2 o bobl.")
    assert held.pending is not None and held.pending.summary == "Wedi pasio."
    assert rule.startswith("mae'n pasio os nad oes bloc heb ateb")
    assert _english(held.reason) == [] and _english(rule) == []


def test_group_lines_are_welsh():
    spec = _spec(PollKind.CHOICE, Method.PLURALITY, rule=Rule.PARITY)
    staff = GroupInfo("staff", "Staff", 6)
    ballots = ([Tagged(Ballot(picks=(0,)), frozenset({"staff"}))] * 5
               + [Tagged(Ballot(picks=(1,)))] * 2)
    with speaking("cy"):
        outcome = decide_in_groups(spec, 1, ballots, 9, [staff])
    assert outcome.groups == (("Staff", "5 pleidlais: Park 5, Library 0, Afon 0; enillodd yma"),
                              ("Ddim mewn grŵp", "llai na 5 — heb ei ddangos"))
    assert outcome.reason.endswith("Enillodd ym mhob grŵp a bleidleisiodd hefyd (Staff).")


def test_names_are_joined_with_the_welsh_and_before_a_vowel():
    with speaking("cy"):
        assert join_names(["Park", "Library", "Afon"]) == "Park, Library ac Afon"
        assert join_names(["Afon", "Park"]) == "Afon a Park"
    with speaking("en"):
        assert join_names(["Park", "Library", "Afon"]) == "Park, Library and Afon"
        assert join_names(["Afon", "Park"]) == "Afon and Park"
